# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import time

from hypothesis import given, settings, strategies as st


from ansible_collections.ipsec.doctor.tests.unit.plugins.module_utils._parse.fixture_tree import fixture_reader
from ansible_collections.ipsec.doctor.tests.unit.plugins.module_utils._parse.parser_checks import assert_error_entries, assert_model_keys, by_name, soup
from ansible_collections.ipsec.doctor.plugins.module_utils._parse.psk import psk_digest
from ansible_collections.ipsec.doctor.plugins.module_utils._parse.source import MemoryReader
from ansible_collections.ipsec.doctor.plugins.module_utils._parse.swanctl import parse_swanctl

PATH = '/etc/swanctl/swanctl.conf'
KEY = b'per-run-key'


def parse_fixture(host='gw-a', **kwargs):
    return parse_swanctl(PATH, fixture_reader(host), psk_key=KEY, **kwargs)


def test_fixture_parses_without_errors():
    parsed = parse_fixture()
    assert parsed['errors'] == []
    assert [conn['name'] for conn in parsed['connections']] == ['site-defaults', 'gw-gw', 'rw']
    assert parsed['files'][0] == PATH


def test_site_to_site_connection_model():
    conn = by_name(parse_fixture()['connections'], 'gw-gw')
    child = conn['children'][0]
    conn_d = '/etc/swanctl/conf.d/gw-gw.conf'
    main = '/etc/swanctl/swanctl.conf'
    assert conn['daemon'] == 'strongswan'
    assert conn['format'] == 'swanctl'
    assert (conn['file'], conn['line']) == (conn_d, 3)
    assert conn['ike_version'] == 2
    assert conn['local_addrs'] == ['198.51.100.10']
    assert conn['remote_addrs'] == ['198.51.100.20']
    assert (conn['local_port'], conn['remote_port']) == (500, 500)
    assert conn['local_auth'] == [{'auth': 'psk', 'method': 'psk', 'id': 'a.lab', 'id_type': 'fqdn', 'certs': [],
                                   'cacerts': [], 'round': 1}]
    assert conn['remote_auth'] == [{'auth': 'psk', 'method': 'psk', 'id': 'b.lab', 'id_type': 'fqdn', 'certs': [],
                                    'cacerts': [], 'round': 1}]
    assert conn['ike_proposals'] == {
        'written': 'aes256-sha256-ecp256, aes128gcm16-prfsha256-x25519',
        'strict': True,
        'effective': [
            {'encr': ['AES_CBC_256'], 'integ': ['HMAC_SHA2_256_128'], 'prf': ['PRF_HMAC_SHA2_256'], 'ke': ['ECP_256']},
            {'encr': ['AES_GCM_16_128'], 'integ': [], 'prf': ['PRF_HMAC_SHA2_256'], 'ke': ['CURVE_25519']},
        ],
    }
    assert conn['rekey_time'] == 8 * 3600
    assert conn['reauth_time'] == 0
    assert conn['over_time'] == 2880
    assert conn['dpd_delay'] == 30
    assert conn['dpd_timeout'] == 0
    assert conn['encap'] is True
    assert conn['mobike'] is True
    assert conn['fragmentation'] == 'yes'
    assert conn['unique'] == 'no'
    assert conn['auto'] == 'start'
    assert conn['src'] == {
        'ike_version': main + ':8',
        'ike_proposals': main + ':9',
        'dpd_delay': main + ':10',
        'rekey_time': main + ':11',
        'local_addrs': conn_d + ':4',
        'remote_addrs': conn_d + ':5',
        'encap': conn_d + ':6',
        'local_auth.0.auth': main + ':13',
        'local_auth.0.method': main + ':13',
        'local_auth.0.id': main + ':14',
        'local_auth.0.id_type': main + ':14',
        'remote_auth.0.auth': conn_d + ':8',
        'remote_auth.0.method': conn_d + ':8',
        'remote_auth.0.id': conn_d + ':9',
        'remote_auth.0.id_type': conn_d + ':9',
    }
    assert child == {
        'name': 'net', 'file': conn_d, 'line': 12, 'mode': 'tunnel', 'protocol': 'esp',
        'esp_proposals': {
            'written': 'aes256gcm16-modp2048, aes256-sha256-modp2048',
            'strict': True,
            'effective': [
                {'encr': ['AES_GCM_16_256'], 'integ': [], 'ke': ['MODP_2048'], 'esn': ['NO_EXT_SEQ']},
                {'encr': ['AES_CBC_256'], 'integ': ['HMAC_SHA2_256_128'], 'ke': ['MODP_2048'], 'esn': ['NO_EXT_SEQ']},
            ],
        },
        'pfs_groups': ['MODP_2048'], 'pfs': None,
        'local_ts': ['198.51.100.64/26'], 'remote_ts': ['198.51.100.128/26'],
        'rekey_time': 3600, 'life_time': 3960,
        'start_action': 'start', 'dpd_action': 'restart', 'close_action': 'trap',
        'src': {'local_ts': conn_d + ':13', 'remote_ts': conn_d + ':14', 'esp_proposals': conn_d + ':15',
                'rekey_time': conn_d + ':16', 'life_time': conn_d + ':17', 'start_action': conn_d + ':18',
                'dpd_action': conn_d + ':19', 'close_action': conn_d + ':20'},
    }


def test_template_connection_gets_defaults():
    conn = by_name(parse_fixture()['connections'], 'site-defaults')
    assert conn['remote_addrs'] == ['%any']
    # as swanctl --list-conns shows it: "remote unspecified authentication", no id
    assert conn['remote_auth'] == [{'auth': None, 'method': None, 'id': '%any', 'id_type': 'any',
                                    'certs': [], 'cacerts': [], 'round': 1}]
    assert conn['children'] == []
    assert conn['auto'] == 'none'


def test_auth_rounds_certificates_and_defaults():
    conn = by_name(parse_fixture()['connections'], 'rw')
    assert conn['local_auth'][0]['id'] == 'C=CH, O=Lab, CN=gw-a.lab'
    assert conn['local_auth'][0]['id_type'] == 'dn'
    assert conn['local_auth'][0]['certs'] == ['/etc/swanctl/x509/gw-a.pem']
    assert [(r['round'], r['auth'], r['method']) for r in conn['remote_auth']] == [
        (1, 'pubkey', 'pubkey'), (2, 'eap', 'eap-mschapv2')]
    assert conn['remote_auth'][0]['cacerts'] == ['/etc/swanctl/x509ca/lab-ca.pem']
    assert conn['remote_auth'][1]['id_type'] == 'any'
    assert conn['remote_addrs'] == ['%any']
    assert conn['pools'] == ['rw-v4']
    assert conn['fragmentation'] == 'force'
    assert conn['unique'] == 'replace'
    assert conn['mobike'] is False
    assert conn['rekey_time'] == 14400
    assert conn['over_time'] == 1440
    assert conn['auto'] == 'none'
    child = conn['children'][0]
    assert child['remote_ts'] == ['dynamic']
    assert child['rekey_time'] == 3600 and child['life_time'] == 3960
    assert child['esp_proposals']['written'] == 'default'
    assert child['esp_proposals']['effective'][0]['encr'][0] == 'AES_CBC_128'
    assert child['pfs_groups'] == []


def test_unset_esp_proposals_use_the_default_without_pfs():
    text = 'connections { c { children { net { local_ts = 10.0.0.0/8 } } } }\n'
    parsed = parse_swanctl(PATH, MemoryReader({PATH: text}))
    child = parsed['connections'][0]['children'][0]
    assert child['esp_proposals']['written'] is None
    assert child['esp_proposals']['strict'] is False
    assert child['esp_proposals']['effective'][0]['encr'][0] == 'AES_GCM_16_128'
    assert child['pfs_groups'] == []
    assert parsed['connections'][0]['ike_proposals']['effective'][0]['encr'][0] == 'AES_CBC_128'


def test_context_plugins_filter_defaults():
    text = 'connections { c { children { net { } } } }\n'
    parsed = parse_swanctl(PATH, MemoryReader({PATH: text}),
                           context={'version': '5.9.8', 'plugins': ['aes', 'sha2', 'hmac', 'gmp', 'random']})
    conn = parsed['connections'][0]
    assert len(conn['ike_proposals']['effective']) == 1
    assert 'ECP_256' not in conn['ike_proposals']['effective'][0]['ke']
    assert [p['encr'][0] for p in conn['children'][0]['esp_proposals']['effective']] == ['AES_GCM_16_128',
                                                                                         'AES_CBC_128']


def test_secrets_are_digested_never_stored():
    parsed = parse_fixture()
    psk = by_name(parsed['secrets'], 'ike-gw')
    assert psk['type'] == 'PSK'
    assert psk['ids'] == ['a.lab', 'b.lab']
    assert psk['digest'] == psk_digest(b'correct horse # battery }', KEY)
    assert (psk['file'], psk['line']) == ('/etc/swanctl/conf.d/gw-gw.conf', 27)
    assert psk['src'] == '/etc/swanctl/conf.d/gw-gw.conf:27'
    eap = by_name(parsed['secrets'], 'eap-carol')
    assert eap['type'] == 'EAP'
    assert eap['ids'] == ['carol@lab']
    assert eap['digest'] == psk_digest(b'carol', KEY)
    dumped = json.dumps(parsed)
    assert 'correct horse' not in dumped
    assert '6361726f6c' not in dumped


def test_without_key_there_is_no_digest():
    parsed = parse_swanctl(PATH, fixture_reader('gw-a'))
    assert [secret['digest'] for secret in parsed['secrets']] == [None, None]


def test_key_and_cert_references_resolve_against_the_swanctl_dir():
    parsed = parse_fixture()
    assert parsed['key_refs'] == [
        {'type': 'ecdsa', 'path': '/etc/swanctl/ecdsa/gw-a.key', 'src': '/etc/swanctl/conf.d/roadwarrior.conf:39'},
        {'type': 'private', 'path': '/srv/keys/other.pem', 'src': '/etc/swanctl/conf.d/roadwarrior.conf:42'},
    ]
    assert [(ref['path'], ref['kind']) for ref in parsed['cert_refs']] == [
        ('/etc/swanctl/x509/gw-a.pem', 'x509'),
        ('/etc/swanctl/x509ca/lab-ca.pem', 'x509ca'),
        ('/etc/swanctl/x509ca/lab-ca.pem', 'x509ca'),
    ]


def test_relocated_swanctl_dir():
    text = 'connections { c { local { certs = a.pem } } }\n'
    path = '/etc/strongswan/swanctl/swanctl.conf'
    parsed = parse_swanctl(path, MemoryReader({path: text}))
    assert parsed['connections'][0]['local_auth'][0]['certs'] == ['/etc/strongswan/swanctl/x509/a.pem']


def test_pools_and_authorities():
    parsed = parse_fixture()
    assert parsed['pools'] == [{'name': 'rw-v4', 'addrs': ['10.3.0.0/24'], 'dns': ['10.3.0.1', '10.3.0.2'],
                                'src': '/etc/swanctl/swanctl.conf:20'}]
    assert parsed['authorities'] == [{'name': 'lab-ca', 'cacert': '/etc/swanctl/x509ca/lab-ca.pem',
                                      'crl_uris': ['http://ca.lab/lab.crl'], 'ocsp_uris': [],
                                      'src': '/etc/swanctl/swanctl.conf:27'}]


def test_broken_config_gives_located_errors():
    parsed = parse_fixture('broken')
    found = set((error['file'].rsplit('/', 1)[-1], error['line'], error['message']) for error in parsed['errors'])
    expected = {
        ('swanctl.conf', 5, "IKE version 3 of connection 'ok' is not 0, 1 or 2: it loads but never negotiates"),
        ('swanctl.conf', 6, "unknown algorithm keyword 'bogus42' in ike proposal 'aes256-sha256-ecp256-bogus42'"),
        ('swanctl.conf', 11, "unknown authentication method 'carrier-pigeon' in remote of connection 'ok'"),
        ('swanctl.conf', 13, "unknown option 'unknown_option' in connection 'ok' (swanctl discards the connection)"),
        ('swanctl.conf', 16, "AEAD and classic encryption algorithms can't be mixed in esp proposal "
                             "'aes256gcm16-aes256-modp2048'"),
        ('swanctl.conf', 17, "invalid duration 'soon' for rekey_time"),
        ('swanctl.conf', 21, "expected '=' or '{' after 'stray'"),
        ('swanctl.conf', 22, "missing '}' for section 'dangling'"),
        ('swanctl.conf', 2, "missing '}' for section 'connections'"),
        ('loop.conf', 2, 'include cycle: /etc/swanctl/swanctl.conf -> /etc/swanctl/conf.d/loop.conf -> '
                         '/etc/swanctl/swanctl.conf'),
        ('loop.conf', 5, "unusable secret in 'ike-bad': invalid hexadecimal PSK"),
        ('binary.conf', 1, "missing '}' for section 'connections'"),
    }
    assert expected <= found, sorted(found - expected)
    assert all(error['severity'] in ('error', 'warning') for error in parsed['errors'])
    conn = by_name(parsed['connections'], 'ok')
    assert conn['ike_version'] == 3  # as charon 5.9.8 loads it: "ok: (3), ..." in swanctl --list-conns
    assert conn['remote_auth'][0]['auth'] is None


@settings(max_examples=200, deadline=None)
@given(soup(list('ab =:{}#"\n') + [
    'connections', 'children', 'local', 'remote', 'secrets', 'ike', 'private', 'auth', 'id', 'secret',
    'proposals', 'esp_proposals', 'certs', 'round', 'version', 'rekey_time', 'include', 'pools', 'file']))
def test_swanctl_soup_never_raises(text):
    parsed = parse_swanctl(PATH, MemoryReader({PATH: text}), psk_key=KEY)
    assert_error_entries(parsed['errors'])


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300))
def test_swanctl_bytes_never_raise(data):
    parse_swanctl(PATH, MemoryReader({PATH: data}))


def test_thousand_connections_parse_quickly():
    blocks = []
    for index in range(1000):
        blocks.append(
            'c%d {\n remote_addrs = 198.51.%d.%d\n proposals = aes256-sha256-ecp256\n'
            ' local { auth = psk\n id = a%d.lab }\n remote { auth = psk\n id = b%d.lab }\n'
            ' children { net { local_ts = 10.%d.0.0/16\n remote_ts = 10.%d.1.0/24\n'
            ' esp_proposals = aes256gcm16-ecp256 } }\n}\n'
            % (index, index // 256, index % 256, index, index, index % 256, index % 256))
    text = 'connections {\n%s}\n' % ''.join(blocks)
    started = time.time()
    parsed = parse_swanctl(PATH, MemoryReader({PATH: text}))
    elapsed = time.time() - started
    print('parse_swanctl: 1000 connections (%d lines) in %.3f s' % (text.count('\n'), elapsed))
    assert len(parsed['connections']) == 1000
    assert parsed['errors'] == []


def test_empty_value_leaves_the_setting_unset():
    text = ('connections { c {\n local_addrs =\n proposals =\n remote { id = }\n'
            ' children { net { esp_proposals = \n local_ts = } }\n} }\n')
    conn = parse_swanctl(PATH, MemoryReader({PATH: text}))['connections'][0]
    assert conn['local_addrs'] == ['%any']
    assert conn['ike_proposals']['written'] is None
    assert conn['remote_auth'][0]['id'] == '%any'
    assert conn['children'][0]['local_ts'] == ['dynamic']
    assert conn['src'] == {}


def test_rounds_sort_by_round_value_with_unset_first():
    text = ('connections { c {\n remote-b { round = 2\n auth = eap-md5 }\n'
            ' remote-a { auth = pubkey }\n remote-c { round = 1\n auth = xauth }\n} }\n')
    conn = parse_swanctl(PATH, MemoryReader({PATH: text}))['connections'][0]
    assert [(r['round'], r['method']) for r in conn['remote_auth']] == [(1, 'pubkey'), (2, 'xauth'), (3, 'eap-md5')]
    assert conn['src']['remote_auth.0.method'] == PATH + ':4'


def test_child_lifetimes_follow_vici_rules():
    text = ('connections { c { children {\n a { life_time = 66m }\n b { rekey_time = 2h }\n'
            ' c { rekey_time = 10m\n life_time = 20m }\n} } }\n')
    children = parse_swanctl(PATH, MemoryReader({PATH: text}))['connections'][0]['children']
    # 3960 / 1.1 truncates to 3599 in vici's C arithmetic too.
    lifetimes = [(child['rekey_time'], child['life_time']) for child in children]
    assert lifetimes == [(3599, 3960), (7200, 7920), (600, 1200)]
    assert 'rekey_time' not in children[0]['src']


def test_ah_only_child():
    text = 'connections { c { children { net { ah_proposals = sha256-aes256gmac-modp2048 } } } }\n'
    child = parse_swanctl(PATH, MemoryReader({PATH: text}))['connections'][0]['children'][0]
    assert child['protocol'] == 'ah'
    # as charon 5.9.8 logs it: AH:HMAC_SHA2_256_128/AES_256_GMAC/MODP_2048/NO_EXT_SEQ
    assert child['esp_proposals']['effective'] == [{'integ': ['HMAC_SHA2_256_128', 'AES_256_GMAC'], 'ke': ['MODP_2048'],
                                                    'esn': ['NO_EXT_SEQ']}]
    assert child['pfs_groups'] == ['MODP_2048']


def test_rounds_without_auth_are_unspecified():
    text = 'connections { c {\n local { id = x.lab }\n remote { id = %any }\n} }\n'
    conn = parse_swanctl(PATH, MemoryReader({PATH: text}))['connections'][0]
    assert (conn['local_auth'][0]['auth'], conn['local_auth'][0]['method']) == ('pubkey', None)
    assert (conn['remote_auth'][0]['auth'], conn['remote_auth'][0]['method']) == (None, None)


def test_every_connection_has_exactly_the_model_keys():
    assert_model_keys(parse_fixture()['connections'], 'strongswan', 'swanctl')


def test_key_id_is_charons_colon_hex():
    """charon prints and matches id = @#hex as colon hex, as for ipsec.conf (ikev2-stroke/net2net-pgp-v3)."""
    text = 'connections { c { local { id = "@#71270432" } remote { id = @moon } } }\n'  # unquoted, # is a comment
    conn = parse_swanctl(PATH, MemoryReader({PATH: text}))['connections'][0]
    assert conn['local_auth'][0]['id'] == '71:27:04:32'
    assert conn['local_auth'][0]['id_type'] == 'keyid'
    assert conn['remote_auth'][0]['id'] == 'moon'
