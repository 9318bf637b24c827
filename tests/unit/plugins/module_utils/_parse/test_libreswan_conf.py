# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Tests for the Libreswan ipsec.conf parser (plugins/module_utils/_parse/libreswan_conf.py)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from functools import partial

import pytest
from hypothesis import given, settings, strategies as st

from ansible_collections.ipsec.doctor.plugins.module_utils._parse.libreswan_conf import (
    orient,
    parse_libreswan_conf,
)
from ansible_collections.ipsec.doctor.plugins.module_utils._parse.proposals import default_proposals
from ansible_collections.ipsec.doctor.plugins.module_utils._parse.source import MAX_INCLUDE_DEPTH, MemoryReader
from ansible_collections.ipsec.doctor.tests.unit.plugins.module_utils._parse.fixture_tree import fixture_text
from ansible_collections.ipsec.doctor.tests.unit.plugins.module_utils._parse.parser_checks import assert_error_entries, soup

POLICY = '/etc/crypto-policies/back-ends/libreswan.config'
fixture = partial(fixture_text, 'libreswan')


def fedora_files(with_policy=True):
    files = {
        '/etc/ipsec.conf': fixture('ipsec.conf'),
        '/etc/ipsec.d/gateways.conf': fixture('ipsec.d/gateways.conf'),
        '/etc/ipsec.d/roadwarrior.conf': fixture('ipsec.d/roadwarrior.conf'),
    }
    if with_policy:
        files[POLICY] = fixture('crypto-policies/libreswan.config')
    return files


def parse(files, version='4.10', **kwargs):
    return parse_libreswan_conf('/etc/ipsec.conf', reader=MemoryReader(files), context={'version': version}, **kwargs)


def by_name(result):
    return dict((conn['name'], conn) for conn in result['connections'])


def conf(body):
    return {'/etc/ipsec.conf': body}


def test_files_and_connections():
    result = parse(fedora_files())
    assert result['files'] == ['/etc/ipsec.conf', POLICY, '/etc/ipsec.d/gateways.conf', '/etc/ipsec.d/roadwarrior.conf']
    assert sorted(by_name(result)) == ['lab-common', 'roadwarriors', 'west-east', 'west-east-cert']
    assert result['config_setup']['logfile'] == '/var/log/pluto.log'
    assert result['config_setup']['plutodebug'] == 'base cpu-usage'
    assert result['config_setup']['src']['logfile'] == '/etc/ipsec.conf:4'


def test_errors_of_the_fixture_are_exactly_the_duplicate():
    # Libreswan 4: the conn's own ikelifetime=2h wins, the one from also=lab-common is a logged duplicate.
    result = parse(fedora_files())
    # readwriteconf 4.10 also refuses west-east-cert: IKEv1 with the crypto policy's authby=rsa-sha2,ecdsa-sha2.
    assert [(e['file'], e['line'], e['severity']) for e in result['errors']] == [
        ('/etc/ipsec.d/gateways.conf', 3, 'warning'),
        (POLICY, 6, 'error'),
    ]
    assert 'in conn west-east-cert' in result['errors'][1]['message']
    assert result['errors'][0]['message'].startswith(
        "duplicate key 'ikelifetime' in conn west-east while processing def lab-common "
        "(first set at /etc/ipsec.d/gateways.conf:19)")
    # Libreswan 5: also= is inserted in place, so lab-common's 1h came first and 2h conflicts.
    five = parse(fedora_files(), version='5.2')
    duplicates = [e for e in five['errors'] if 'duplicate' in e['message']]
    assert [(e['line'], e['severity']) for e in duplicates] == [(19, 'error')]
    assert 'Libreswan refuses the conn' in duplicates[0]['message']


def test_a_key_twice_in_one_section_is_an_error():
    # Libreswan 4.10 fails the conn on "duplicate key 'left' in conn a while processing def a", same value or not.
    result = parse(conf('conn a\n\tleft=198.18.2.1\n\tleft=198.18.2.1\n\tright=198.18.2.3\n\tright=198.18.2.4\n'))
    assert [(e['line'], e['severity']) for e in result['errors']] == [(3, 'error'), (5, 'error')]
    assert result['connections'][0]['remote_addrs'] == ['198.18.2.3']


def test_deprecated_keywords_warn_from_libreswan_5():
    result = parse(fedora_files(), version='5.2')
    assert [(e['file'], e['line'], e['severity'], e['message']) for e in result['errors']][0] == (
        POLICY, 2, 'warning', "keyword 'ikev2' is deprecated in Libreswan 5")


def test_psk_gateway_connection():
    conn = by_name(parse(fedora_files()))['west-east']
    assert (conn['daemon'], conn['format'], conn['file'], conn['line']) == (
        'libreswan', 'libreswan-ipsec.conf', '/etc/ipsec.d/gateways.conf', 9)
    assert conn['ike_version'] == 2
    assert conn['local_addrs'] == ['198.51.100.30'] and conn['remote_addrs'] == ['198.51.100.40']
    assert conn['local_auth'] == [{'auth': 'psk', 'method': 'secret', 'id': 'west.lab', 'id_type': 'fqdn',
                                   'certs': [], 'cacerts': [], 'round': 1}]
    assert conn['remote_auth'][0]['id'] == 'east.lab'  # as pluto compares it: without the '@'
    assert conn['src']['local_auth.0.auth'] == '/etc/ipsec.d/gateways.conf:17'
    assert conn['src']['local_addrs'] == '/etc/ipsec.d/gateways.conf:10'
    assert conn['auto'] == 'start'
    # Libreswan 4 reads the conn's own keys before its also= sections: ikelifetime=2h wins.
    assert conn['rekey_time'] == 7200 - 540
    assert conn['src']['rekey_time'] == '/etc/ipsec.d/gateways.conf:19'
    assert by_name(parse(fedora_files(), version='5.2'))['west-east']['rekey_time'] == 3600 - 540
    assert conn['over_time'] == 540
    assert (conn['dpd_delay'], conn['dpd_timeout'], conn['encap']) == (10, 60, True)
    child = conn['children'][0]
    assert (child['name'], child['local_ts'], child['remote_ts']) == (
        'west-east', ['198.51.100.128/26'], ['198.51.100.192/26'])
    assert (child['life_time'], child['rekey_time'], child['start_action']) == (1800, 1260, 'start')
    assert child['pfs'] is True


def test_crypto_policy_default_gives_proposals_and_authby():
    conns = by_name(parse(fedora_files()))
    conn = conns['west-east']
    assert conn['ike_proposals']['written'].startswith('aes_gcm256-sha2_512')
    assert conn['ike_proposals']['strict'] is True
    assert conn['src']['ike_proposals'] == POLICY + ':4'
    first = conn['ike_proposals']['effective'][0]
    assert first['encr'] == ['AES_GCM_16_256']
    assert first['ke'] == ['ECP_256', 'ECP_384', 'ECP_521', 'MODP_2048']
    esp = conn['children'][0]['esp_proposals']
    assert [p['encr'] for p in esp['effective']] == [['AES_GCM_16_256'], ['CHACHA20_POLY1305'], ['AES_CBC_256']]
    assert conn['children'][0]['src']['esp_proposals'] == POLICY + ':5'
    # authby=rsa-sha2,ecdsa-sha2 from the policy: the roadwarrior conn's left end uses certificates.
    assert conns['roadwarriors']['local_auth'][0]['auth'] == 'pubkey'


def test_without_crypto_policy_version_defaults_apply():
    files = fedora_files(with_policy=False)
    files['/etc/ipsec.conf'] = files['/etc/ipsec.conf'].replace('include /etc/crypto-policies', '#')
    conn = by_name(parse(files, version='5.0'))['west-east']
    assert conn['ike_proposals']['written'] is None
    assert conn['ike_proposals']['strict'] is False
    assert conn['ike_proposals']['effective'] == default_proposals('libreswan', 'ike', '5.0')
    assert conn['children'][0]['esp_proposals']['effective'] == default_proposals('libreswan', 'esp', '5.0')
    assert 'ike_proposals' not in conn['src']


def test_cert_connection_with_subnet_lists():
    result = parse(fedora_files())
    conn = by_name(result)['west-east-cert']
    assert conn['ike_version'] == 1
    assert conn['local_auth'][0]['id_type'] == 'fromcert'
    assert conn['local_auth'][0]['certs'] == ['west']
    assert conn['local_auth'][0]['auth'] == 'pubkey'
    assert conn['remote_auth'][0]['id'] == 'CN=east.lab, O=Lab'
    assert conn['remote_auth'][0]['id_type'] == 'dn'
    assert 'ca' not in conn['remote_auth'][0]  # rightca=%same names no CA
    assert conn['local_auth'][0]['method'] == 'rsa-sha2,ecdsa-sha2'
    assert conn['auto'] == 'route'
    assert [(c['name'], c['local_ts'], c['remote_ts']) for c in conn['children']] == [
        ('west-east-cert/1x1', ['198.51.100.128/27'], ['198.51.100.192/27']),
        ('west-east-cert/1x2', ['198.51.100.128/27'], ['198.51.100.224/27']),
        ('west-east-cert/2x1', ['198.51.100.160/27'], ['198.51.100.192/27']),
        ('west-east-cert/2x2', ['198.51.100.160/27'], ['198.51.100.224/27']),
    ]
    child = conn['children'][0]
    assert child['pfs'] is False
    assert child['pfs_groups'] == ['MODP_1024']
    assert child['start_action'] == 'trap'
    assert result['cert_refs'] == [{'nickname': 'west', 'side': 'left', 'connection': 'west-east-cert',
                                    'src': '/etc/ipsec.d/gateways.conf:26'},
                                   {'nickname': 'vpn', 'side': 'left', 'connection': 'roadwarriors',
                                    'src': '/etc/ipsec.d/roadwarrior.conf:4'}]


def test_roadwarrior_pools_and_virtual_ips():
    conns = by_name(parse(fedora_files()))
    server = conns['roadwarriors']
    assert server['local_addrs'] == ['%defaultroute'] and server['remote_addrs'] == ['%any']
    assert server['pools'] == ['100.64.10.1-100.64.10.254']
    assert server['vips'] == []
    assert server['remote_auth'][0]['auth'] == 'eap'
    assert server['mobike'] is True and server['fragmentation'] == 'force'
    assert server['children'][0]['remote_ts'] == ['dynamic']
    client = orient(server, ['100.64.10.7'])
    assert client is server  # %defaultroute keeps left local when no address matches
    mirrored = parse(conf('conn rw\n\tleft=%defaultroute\n\tleftmodecfgclient=yes\n\tright=203.0.113.1\n'))
    rw = mirrored['connections'][0]
    assert rw['vips'] == ['%config'] and rw['pools'] == []


def test_orientation_from_local_addresses():
    files = fedora_files()
    east = by_name(parse(files, local_addresses=['198.51.100.40', 'fe80::1']))['west-east']
    assert east['orientation'] == 'right'
    assert east['local_addrs'] == ['198.51.100.40'] and east['remote_addrs'] == ['198.51.100.30']
    assert east['local_auth'][0]['id'] == 'east.lab'
    assert east['children'][0]['local_ts'] == ['198.51.100.192/26']
    assert east['src']['local_addrs'] == '/etc/ipsec.d/gateways.conf:14'
    west = by_name(parse(files))['west-east']
    assert west['orientation'] == 'left'
    swapped = orient(west, ['198.51.100.40/24'])
    assert swapped is not west
    for key in ('orientation', 'local_addrs', 'remote_addrs', 'local_auth', 'remote_auth', 'children', 'src',
                'vips', 'pools'):
        assert swapped[key] == east[key], key
    assert orient(swapped, ['198.51.100.30'])['local_addrs'] == ['198.51.100.30']
    assert west['local_addrs'] == ['198.51.100.30']  # orient never changes its input


def test_default_id_is_the_ip_address_and_default_auth_is_pubkey():
    conn = parse(conf('conn a\n\tleft=198.18.2.1\n\tright=2001:db8::2\n'))['connections'][0]
    assert conn['local_auth'][0]['id'] == '198.18.2.1'
    assert conn['remote_auth'][0]['id_type'] == 'ipv6'
    assert 'local_auth.0.id' not in conn['src']
    assert conn['local_auth'][0]['auth'] == 'pubkey'
    assert conn['auto'] == 'ignore'
    wildcard = parse(conf('conn b\n\tleft=198.18.2.1\n\tright=%any\n\trightca="CN=Lab CA"\n'))['connections'][0]
    assert (wildcard['remote_auth'][0]['id'], wildcard['remote_auth'][0]['id_type']) == ('%any', 'any')
    assert wildcard['remote_auth'][0]['ca'] == 'CN=Lab CA'


@pytest.mark.parametrize('version, ike_version, rekey', [
    ('3.32', 1, 3600 - 540),
    ('4.1', 2, 3600 - 540),
    ('4.10', 2, 8 * 3600 - 540),
    ('5.2', 2, 8 * 3600 - 540),
])
def test_version_defaults(version, ike_version, rekey):
    conn = parse(conf('conn a\n\tleft=198.18.2.1\n\tright=198.18.2.2\n'), version=version)['connections'][0]
    assert (conn['ike_version'], conn['rekey_time']) == (ike_version, rekey)
    assert conn['children'][0]['life_time'] == 8 * 3600


@pytest.mark.parametrize('line, version', [
    ('keyexchange=ikev1', 1), ('keyexchange=ikev2', 2), ('ikev2=no', 1), ('ikev2=insist', 2),
    ('ikev2=permit', 2), ('keyexchange=ike', 2),
])
def test_ike_version_keywords(line, version):
    result = parse(conf('conn a\n\tleft=198.18.2.1\n\tright=198.18.2.2\n\t%s\n' % line), version='5.2')
    assert result['connections'][0]['ike_version'] == version


def test_keyexchange_ikev1_is_refused_by_libreswan_4():
    # Measured with Libreswan 4.10's readwriteconf: "keyword keyexchange, invalid value: ikev1".
    result = parse(conf('conn a\n\tleft=198.18.2.1\n\tright=198.18.2.2\n\tkeyexchange=ikev1\n'), version='4.10')
    assert result['connections'][0]['ike_version'] == 1
    assert [(e['line'], e['severity']) for e in result['errors']] == [(4, 'error')]
    assert 'needs Libreswan 5' in result['errors'][0]['message']


def test_one_key_value_per_line():
    # Measured with Libreswan 4.10: "right=5.6.7.8 leftid=@x" is "syntax error [leftid]".
    result = parse(conf('conn a\n  left = 198.18.2.1\n\tright=198.18.2.2 leftid=@x\n'))
    assert [(e['line'], e['message']) for e in result['errors']] == [(3, "one key=value per line: 'leftid' follows "
                                                                         "'right'")]
    conn = result['connections'][0]
    assert conn['local_addrs'] == ['198.18.2.1'] and conn['remote_addrs'] == ['198.18.2.2']
    assert conn['local_auth'][0]['id'] == '198.18.2.1'


def test_several_default_sections_later_value_replaces():
    result = parse(conf('conn %default\n\tdpddelay=5\n\tpfs=no\n'
                        'conn a\n\tleft=198.18.2.1\n\tright=198.18.2.2\n\tdpddelay=7\n'
                        'conn %default\n\tdpddelay=9\n\tikelifetime=2h\n'))
    conn = result['connections'][0]
    assert result['errors'] == []
    assert conn['dpd_delay'] == 7  # the conn's own value wins over every %default
    assert conn['children'][0]['pfs'] is False
    assert conn['rekey_time'] == 7200 - 540  # a %default after the conn still applies
    assert conn['src']['rekey_time'] == '/etc/ipsec.conf:10'


ALSO_CHAIN = (
    'conn x\n\tleft=198.18.2.1\n\tright=198.18.2.2\n\talso=y\n\tikelifetime=4h\n'
    'conn z\n\tleft=198.18.2.1\n\tright=198.18.2.2\n\tikelifetime=4h\n\talso=y\n'
    'conn y\n\tikelifetime=3h\n\tsalifetime=1h\n\talso=w\n'
    'conn w\n\tsalifetime=2h\n\tdpddelay=3\n'
    'conn v\n\tleft=198.18.2.1\n\talso=y\n\talso=w2\n'
    'conn w2\n\tdpddelay=4\n'
)


def resolved(result):
    return dict((conn['name'], (conn['rekey_time'] + 540, conn['children'][0]['life_time'], conn['dpd_delay']))
                for conn in result['connections'])


def test_also_precedence_of_libreswan_4():
    # The values Libreswan 4.10's readwriteconf prints for this file: own keys first, then also= breadth first.
    assert resolved(parse(conf(ALSO_CHAIN), version='4.10')) == {
        'x': (4 * 3600, 3600, 3), 'z': (4 * 3600, 3600, 3), 'y': (3 * 3600, 3600, 3),
        'w': (8 * 3600, 2 * 3600, 3), 'v': (3 * 3600, 3600, 4), 'w2': (8 * 3600, 8 * 3600, 4),
    }


def test_also_precedence_of_libreswan_5():
    # In place, depth first: x takes y's 3h (its own 4h conflicts), v takes w's dpddelay before w2's.
    result = parse(conf(ALSO_CHAIN), version='5.2')
    assert resolved(result)['x'] == (3 * 3600, 3600, 3)
    assert resolved(result)['v'] == (3 * 3600, 3600, 3)
    duplicates = [(e['line'], e['severity']) for e in result['errors'] if "in conn x while" in e['message']]
    assert duplicates == [(16, 'error'), (5, 'error')]  # w's salifetime=2h after y's 1h, then x's own 4h


def test_also_cycles_are_cut_and_equal_duplicates_accepted_by_libreswan_5():
    result = parse(conf('conn a\n\talso=b\n\tleft=198.18.2.1\n\tright=198.18.2.2\n'
                        'conn b\n\talso=c\n\tdpddelay=3\n'
                        'conn c\n\talso=a\n\tdpddelay=3\n\tmobike=yes\n'), version='5.2')
    conn = by_name(result)['a']
    assert result['errors'] == []
    assert (conn['dpd_delay'], conn['mobike']) == (3, True)
    assert conn['src']['dpd_delay'] == '/etc/ipsec.conf:10'  # c's value: also=c comes first in b


def test_quoted_values_and_comments():
    result = parse(conf('conn "q"\n\tleft=198.18.2.1 # the gateway\n\tright=198.18.2.2\n'
                        '\trightid="CN=peer, O=Example # not a comment"\n\tleftsubnets={10.0.0.0/24,10.0.1.0/24}\n'))
    conn = result['connections'][0]
    assert result['errors'] == []
    assert conn['remote_auth'][0]['id'] == 'CN=peer, O=Example # not a comment'
    assert [c['local_ts'] for c in conn['children']] == [['10.0.0.0/24'], ['10.0.1.0/24']]


def test_protoport_restricts_the_selectors():
    conn = parse(conf('conn l2tp\n\tleft=198.18.2.1\n\tleftprotoport=17/1701\n\tright=%any\n'
                      '\trightprotoport=17/%any\n\ttype=transport\n'))['connections'][0]
    child = conn['children'][0]
    assert child['local_ts'] == ['dynamic[17/1701]'] and child['remote_ts'] == ['dynamic[17/%any]']
    assert child['mode'] == 'transport'


def test_broken_file_gives_located_errors():
    result = parse({'/etc/ipsec.conf': fixture('ipsec.d/broken.conf.txt')})
    located = [(e['line'], e['severity'], e['message']) for e in result['errors']]
    messages = ' | '.join(message for _line, _severity, message in located)
    lines = [line for line, _severity, _message in located]
    assert "expected key=value, found 'words'" in messages
    assert 'unexpected text at column 0' in messages
    assert 'unterminated quoted value' in messages
    assert "cannot find conn 'does-not-exist' needed by conn 'broken'" in messages
    assert "invalid duration ikelifetime='forever'" in messages
    assert "unknown keyword 'frobnicate'" in messages
    assert "unknown encryption algorithm 'aes999'" in messages
    assert 'conn needs exactly one name' in messages
    assert 'parameter outside of a section' in messages
    assert {3, 4, 5, 6, 7, 8, 9, 10, 11} <= set(lines)
    assert all(e['file'] == '/etc/ipsec.conf' for e in result['errors'])
    conn = result['connections'][0]
    assert conn['name'] == 'broken' and conn['local_addrs'] == ['198.51.100.30']


def test_indented_include_is_an_error_but_read_in_place():
    result = parse({'/etc/ipsec.conf': 'conn a\n\tleft=198.18.2.1\n\tinclude /etc/ipsec.d/extra.conf\n\tright=198.18.2.2\n',
                    '/etc/ipsec.d/extra.conf': 'conn b\n\tleft=198.18.2.5\n'})
    assert [(e['line'], e['message']) for e in result['errors']] == [(3, 'include must start at column 0')]
    conns = by_name(result)
    assert conns['a']['remote_addrs'] == ['198.18.2.2'] and conns['b']['local_addrs'] == ['198.18.2.5']


def test_duplicate_conn_names():
    result = parse(conf('conn a\n\tleft=198.18.2.1\nconn a\n\tleft=198.18.2.9\n'))
    assert len(result['connections']) == 1
    assert result['connections'][0]['local_addrs'] == ['198.18.2.1']
    assert result['errors'][0]['line'] == 3 and 'duplicate conn' in result['errors'][0]['message']


def test_unreadable_and_missing_includes():
    result = parse({'/etc/ipsec.conf': 'include /etc/ipsec.d/*.conf\ninclude /etc/missing.conf\n'})
    assert result['errors'] == [{'file': '/etc/ipsec.conf', 'line': 2, 'severity': 'error',
                                 'message': 'included file not found: /etc/missing.conf'}]
    gap = parse({})
    assert gap['connections'] == [] and gap['files'] == []
    assert gap['errors'][0]['line'] is None and 'cannot read file' in gap['errors'][0]['message']


def test_self_include_and_depth_are_bounded():
    result = parse(conf('include /etc/ipsec.conf\nconn a\n\tleft=198.18.2.1\n'))
    assert len(result['connections']) == 1
    assert [e['message'] for e in result['errors']] == ['include cycle: /etc/ipsec.conf is already being read']
    files = dict(('/etc/c%d.conf' % n, 'include /etc/c%d.conf\n' % (n + 1)) for n in range(MAX_INCLUDE_DEPTH + 3))
    deep = parse_libreswan_conf('/etc/c0.conf', reader=MemoryReader(files))
    assert [e['message'] for e in deep['errors']] == ['includes nested deeper than %d levels' % MAX_INCLUDE_DEPTH]


def test_binary_input():
    result = parse({'/etc/ipsec.conf': b'\x7fELF\x02\x01\x01\x00\x00\nconn a\n\tleft=1.2.3.4\n\x00\xff'})
    assert [conn['name'] for conn in result['connections']] == ['a']
    assert result['errors']


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=500))
def test_arbitrary_text_never_raises(text):
    result = parse({'/etc/ipsec.conf': text})
    assert_error_entries(result['errors'])


@settings(max_examples=300, deadline=None)
@given(soup([
    'conn a', 'conn b', 'conn %default', 'config setup', '\talso=a', '\talso=b', '\tleft=198.18.2.1',
    '\tright=%any', '\tleftsubnets={10.0.0.0/8 10.1.0.0/16}', '\tike=aes256-sha2;dh20', '\tesp=aes_gcm',
    '\tikelifetime=1h', '\tauthby=secret', '\trightid="x', '\tkeyexchange=ikev1', '\tpfs=no', 'include /etc/ipsec.conf',
    '\tauto=start', '\tleftcert=c', '\tesn=either', '\tikeport=4501', '\tleftikeport=x', '\t#', '', 'junk',
    '\tx-custom=1', '\ttype=passthrough', '\tuniqueids=no', '\tikev2=maybe'], max_size=25, separator='\n'),
    st.sampled_from(['3.32', '4.10', '5.2', None]))
def test_grammar_shaped_text_never_raises(text, version):
    result = parse_libreswan_conf('/etc/ipsec.conf', reader=MemoryReader({'/etc/ipsec.conf': text}),
                                  context={'version': version}, local_addresses=['198.18.2.1'])
    for conn in result['connections']:
        orient(conn, ['10.0.0.1'])


def test_reads_the_file_system_by_default(tmp_path):
    conf_dir = tmp_path / 'ipsec.d'
    conf_dir.mkdir()
    (tmp_path / 'ipsec.conf').write_text(u'config setup\n\tuniqueids=no\ninclude ipsec.d/*.conf\n')
    (conf_dir / 'a.conf').write_text(u'conn a\n\tleft=198.18.2.1\n\tright=198.18.2.2\n\tauto=add\n')
    (conf_dir / 'b.conf').write_bytes(b'conn b\n\tleft=198.18.2.1\n\tright=\xff\xfe\n')
    result = parse_libreswan_conf(str(tmp_path / 'ipsec.conf'))
    assert result['files'] == [str(tmp_path / 'ipsec.conf'), str(conf_dir / 'a.conf'), str(conf_dir / 'b.conf')]
    conns = by_name(result)
    assert conns['a']['auto'] == 'add' and conns['a']['unique'] == 'no'
    assert conns['b']['remote_addrs'] == [u'\ufffd\ufffd']


def _severities(result):
    return [(error['line'], error['severity']) for error in result['errors']]


def test_retransmit_interval_in_config_setup_is_refused():
    """readwriteconf 4.10 refuses addconn-01/west.conf: retransmit-interval=200 in config setup."""
    result = parse(conf('config setup\n\tretransmit-interval=200\nconn a\n\tleft=198.18.2.1\n\tright=198.18.2.2\n'))
    assert _severities(result) == [(2, 'error')]
    assert 'config setup' in result['errors'][0]['message']


def test_ckaid_must_be_hex():
    """readwriteconf 4.10 refuses ikev2-04-basic-x509-ckaid (leftckaid=WESTCKAID) and ikev2-03 (@west-ckaid@)."""
    result = parse(conf('conn a\n\tleft=198.18.2.1\n\tleftckaid=WESTCKAID\n\tright=198.18.2.2\n'
                        '\trightckaid=0123456789abcdef0123456789abcdef01234567\n'))
    assert _severities(result) == [(3, 'error')]
    assert "invalid leftckaid='WESTCKAID'" in result['errors'][0]['message']


@pytest.mark.parametrize('authby, refused', [
    ('gssapi', True),  # ikev2-gssapi-01
    ('ecdsa-sha1', True),  # libipsecconf-06-ikev2-hash-algo/west-errors.conf
    ('ecdsa-sha2_256', False),
    ('ecdsa,rsa', False),
    ('rsa-sha1', False),
])
def test_authby_values_libreswan_4_10_refuses(authby, refused):
    result = parse(conf('conn a\n\tleft=198.18.2.1\n\tright=198.18.2.2\n\tikev2=insist\n\tauthby=%s\n' % authby))
    assert _severities(result) == ([(5, 'error')] if refused else [])


def test_dn_comma_escape_is_compared_as_backslash_comma():
    """pluto 4.10 reads ikev2-x509-39-OU-comma's 'OU=Global,, Support' as 'OU=Global\\, Support'."""
    result = parse(conf('conn a\n\tleft=198.18.2.1\n\tleftid="C=CA, O=Lab, OU=Global,, Support, CN=west"\n'
                        '\tright=198.18.2.2\n'))
    assert result['connections'][0]['local_auth'][0]['id'] == 'C=CA, O=Lab, OU=Global\\, Support, CN=west'


def test_invalid_duration_is_a_warning_and_the_default_applies():
    """readwriteconf 4.10 loads libipsecconf-09-time-prefix's rekeymargin=10seconds and 0xA with the default."""
    for value in ('10seconds', '0xA'):
        result = parse(conf('conn a\n\tleft=198.18.2.1\n\tright=198.18.2.2\n\trekeymargin=%s\n' % value))
        assert set(_severities(result)) == {(4, 'warning')}
        assert "invalid duration rekeymargin='%s'" % value in result['errors'][0]['message']
        assert result['connections'][0]['over_time'] == 540


@pytest.mark.parametrize('written, read', [
    ('0.0.0/0', '0.0.0.0/0'),  # libipsecconf-02, conn 6in4-bad
    ('10.1/16', '10.0.0.1/16'),
    ('10.1.2.3/32', '10.1.2.3/32'),
    ('10.1.300/24', '10.1.1.44/24'),
    ('2001:db8::/32', '2001:db8::/32'),
])
def test_short_dotted_quads_read_as_pluto_does(written, read):
    result = parse(conf('conn a\n\tleft=198.18.2.1\n\tright=198.18.2.2\n\trightsubnet=%s\n' % written))
    assert result['connections'][0]['children'][0]['remote_ts'] == [read]


def test_aead_ike_proposal_under_ikev1_is_refused():
    """algparse -v1 4.10 refuses fips-05-ikev1-gcm's ike=aes_gcm-sha1; IKEv2 takes it."""
    body = 'conn a\n\tleft=198.18.2.1\n\tright=198.18.2.2\n\tikev2=%s\n\tike=aes_gcm-sha1\n'
    assert _severities(parse(conf(body % 'never'))) == [(5, 'error')]
    assert _severities(parse(conf(body % 'insist'))) == []


def test_unknown_conn_keyword_is_an_error():
    """readwriteconf 4.10 refuses ikev2-68-sa-clones-auto-route (clones=3, a keyword 4.10 does not know)."""
    result = parse(conf('conn a\n\tleft=198.18.2.1\n\tright=198.18.2.2\n\tclones=3\n'))
    assert _severities(result) == [(4, 'error')]
    assert "unknown keyword 'clones'" in result['errors'][0]['message']
    # libipsecconf-02 (conn 4in4-protoport): readwriteconf 4.10 loads a bare protoport=
    assert _severities(parse(conf('conn a\n\tleft=198.18.2.1\n\tright=198.18.2.2\n\tprotoport=tcp/22\n'))) == []


@pytest.mark.parametrize('authby, refused', [
    ('rsasig', False), ('rsa', False), ('secret', False), ('never', False), ('rsasig,secret', False),
    ('null', True), ('rsa-sha1', True), ('rsa-sha2', True), ('ecdsa', True), ('secret|rsasig', True),
])
def test_ikev1_authby_words(authby, refused):
    """readwriteconf 4.10 on ikev2-asymmetric-01-parsing (failtest4, failtest10: authby=null with ikev2=no)."""
    result = parse(conf('conn a\n\tleft=198.18.2.1\n\tright=198.18.2.2\n\tikev2=no\n\tauthby=%s\n' % authby))
    assert _severities(result) == ([(5, 'error')] if refused else [])
    assert _severities(parse(conf('conn a\n\tleft=198.18.2.1\n\tright=198.18.2.2\n\tikev2=no\n'))) == []
