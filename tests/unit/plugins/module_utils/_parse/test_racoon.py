# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Tests for the racoon.conf parser (plugins/module_utils/_parse/racoon.py)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from functools import partial

import pytest
from hypothesis import given, settings, strategies as st

from ansible_collections.ipsec.doctor.plugins.module_utils._parse.racoon import parse_racoon_conf
from ansible_collections.ipsec.doctor.plugins.module_utils._parse.source import MAX_INCLUDE_DEPTH, MemoryReader
from ansible_collections.ipsec.doctor.tests.unit.plugins.module_utils._parse.fixture_tree import fixture_text
from ansible_collections.ipsec.doctor.tests.unit.plugins.module_utils._parse.parser_checks import assert_error_entries, soup

CONF = '/etc/racoon/racoon.conf'
fixture = partial(fixture_text, 'racoon')


def parse(files, path=CONF):
    return parse_racoon_conf(path, reader=MemoryReader(files))


def lab():
    return parse({CONF: fixture('racoon.conf'),
                  '/etc/racoon/remotes.d/roadwarrior.conf': fixture('remotes.d/roadwarrior.conf')})


def test_files_paths_and_connections():
    result = lab()
    assert result['errors'] == []
    assert result['files'] == [CONF, '/etc/racoon/remotes.d/roadwarrior.conf']
    assert result['psk_file'] == '/etc/racoon/psk.txt'
    assert result['cert_dir'] == '/etc/racoon/certs'
    assert [conn['name'] for conn in result['connections']] == ['remote 198.51.100.60', 'remote anonymous']
    assert all(conn['daemon'] == 'racoon' and conn['format'] == 'racoon' and conn['ike_version'] == 1
               for conn in result['connections'])


def test_site_to_site_remote():
    conn = lab()['connections'][0]
    assert (conn['file'], conn['line']) == (CONF, 20)
    assert conn['local_addrs'] == ['198.51.100.50'] and conn['remote_addrs'] == ['198.51.100.60']
    assert conn['local_auth'] == [{'auth': 'psk', 'method': 'pre_shared_key', 'id': 'r1.lab', 'id_type': 'fqdn',
                                   'certs': [], 'cacerts': [], 'round': 1}]
    assert conn['remote_auth'][0]['id'] == 'r2.lab'
    assert conn['src']['local_auth.0.auth'] == CONF + ':26'
    assert conn['ike_proposals'] == {
        'written': 'aes128-sha1-modp1024,3des-sha256-modp2048',
        'strict': True,
        'effective': [
            {'encr': ['AES_CBC_128'], 'integ': ['HMAC_SHA1_96'], 'prf': ['PRF_HMAC_SHA1'], 'ke': ['MODP_1024']},
            {'encr': ['3DES_CBC'], 'integ': ['HMAC_SHA2_256_128'], 'prf': ['PRF_HMAC_SHA2_256'],
             'ke': ['MODP_2048']},
        ],
    }
    assert (conn['rekey_time'], conn['dpd_delay'], conn['encap'], conn['auto']) == (8 * 3600, 20, False, 'route')


def test_sainfo_children():
    conn = lab()['connections'][0]
    assert [child['name'] for child in conn['children']] == [
        'sainfo 198.51.100.128/26 198.51.100.192/26', 'sainfo dynamic dynamic']
    child = conn['children'][0]
    assert (child['local_ts'], child['remote_ts']) == (['198.51.100.128/26'], ['198.51.100.192/26'])
    assert child['esp_proposals']['effective'] == [{
        'encr': ['AES_CBC_256', 'AES_CBC_128', '3DES_CBC'],
        'integ': ['HMAC_SHA1_96', 'HMAC_SHA2_256_128'],
        'ke': ['MODP_1024'],
        'esn': ['NO_EXT_SEQ'],
    }]
    assert child['esp_proposals']['written'] == ('pfs_group 2; encryption_algorithm aes 256, aes 128, 3des; '
                                                 'authentication_algorithm hmac_sha1, hmac_sha256')
    assert child['pfs_groups'] == ['MODP_1024']
    assert child['life_time'] == 3600
    assert child['src']['pfs_groups'] == CONF + ':42'


def test_anonymous_roadwarrior_with_certificate_and_xauth():
    conn = lab()['connections'][1]
    assert conn['remote_addrs'] == ['%any']
    assert (conn['remote_auth'][0]['id'], conn['remote_auth'][0]['id_type']) == ('%any', 'any')
    assert conn['auto'] == 'add'
    assert conn['local_auth'][0]['auth'] == 'pubkey'
    assert conn['local_auth'][0]['id_type'] == 'dn'
    assert conn['local_auth'][0]['certs'] == ['/etc/racoon/certs/r1.crt']
    assert [round_['auth'] for round_ in conn['local_auth']] == ['pubkey', 'xauth']
    assert conn['ike_proposals']['effective'][0]['ke'] == ['MODP_2048']
    # Every sainfo can serve every remote: racoon picks them by traffic selectors.
    assert len(conn['children']) == 2
    assert conn['children'][0] is not lab()['connections'][0]['children'][0]


def test_remoteid_ties_a_sainfo_to_one_remote():
    result = parse({CONF: 'remote 198.18.2.1 { ph1id 1; proposal { encryption_algorithm aes; hash_algorithm sha1; '
                          'authentication_method pre_shared_key; dh_group 14; } }\n'
                          'remote 198.18.2.2 { ph1id 2; proposal { encryption_algorithm aes; hash_algorithm sha1; '
                          'authentication_method pre_shared_key; dh_group 14; } }\n'
                          'sainfo address 10.0.0.0/24 any address 10.0.1.0/24 any { remoteid 2; '
                          'encryption_algorithm aes; authentication_algorithm hmac_sha1; '
                          'compression_algorithm deflate; }\n'})
    assert result['errors'] == []
    assert [len(conn['children']) for conn in result['connections']] == [0, 1]


def test_remote_inherits_settings_and_proposals():
    result = parse({CONF: 'remote anonymous { my_identifier fqdn "r1.lab"; dpd_delay 30; proposal { '
                          'encryption_algorithm aes 256; hash_algorithm sha256; authentication_method pre_shared_key; '
                          'dh_group 14; } }\n'
                          'remote 198.18.2.7 inherit anonymous { dpd_delay 10; }\n'
                          'remote 198.18.2.8 inherit anonymous { proposal { encryption_algorithm 3des; '
                          'hash_algorithm sha1; authentication_method rsasig; dh_group 2; } }\n'
                          'remote 198.18.2.9 inherit nowhere { }\n'})
    conns = dict((conn['name'], conn) for conn in result['connections'])
    seven = conns['remote 198.18.2.7']
    assert seven['dpd_delay'] == 10 and seven['local_auth'][0]['id'] == 'r1.lab'
    assert seven['ike_proposals']['written'] == 'aes256-sha256-modp2048'
    eight = conns['remote 198.18.2.8']
    assert eight['ike_proposals']['written'] == '3des-sha1-modp1024'
    assert eight['local_auth'][0]['auth'] == 'pubkey' and eight['dpd_delay'] == 30
    assert [(e['line'], e['message']) for e in result['errors']] == [
        (4, "remote inherits unknown remote 'nowhere'"), (4, 'remote 198.18.2.9 has no valid proposal block')]


def test_protocol_selector_and_port():
    result = parse({CONF: 'remote 198.18.2.1 [4500] { proposal { encryption_algorithm 3des; hash_algorithm md5; '
                          'authentication_method rsasig; dh_group 5; } }\n'
                          'sainfo address 10.0.0.1/32 udp address 10.0.0.2/32 udp { encryption_algorithm aes 192; '
                          'authentication_algorithm non_auth; compression_algorithm deflate; }\n'})
    conn = result['connections'][0]
    assert conn['remote_port'] == 4500
    assert conn['ike_proposals']['effective'][0]['ke'] == ['MODP_1536']
    child = conn['children'][0]
    assert child['local_ts'] == ['10.0.0.1/32[udp]']
    assert child['esp_proposals']['effective'][0]['integ'] == []


def test_broken_file_gives_located_errors():
    result = parse({CONF: fixture('broken.conf.txt')})
    assert [(e['line'], e['message']) for e in result['errors']] == [
        (1, "malformed 'path' statement (missing ';'?)"),
        (4, "unknown encryption_algorithm 'rot13'"),
        (7, "unknown dh_group '99'"),
        (3, 'proposal without a valid encryption_algorithm, dh_group'),
        (1, 'remote 198.18.2.9 has no valid proposal block'),
    ]
    assert result['psk_file'] is None
    assert result['connections'][0]['remote_addrs'] == ['198.18.2.9']


@pytest.mark.parametrize('text, line, message', [
    ('remote 198.18.2.1 {\n proposal {\n dh_group 2;\n }\n', 4, "missing '}' at end of file"),
    ('log notify;\n}\n', 2, "unexpected '}'"),
    ('remote 198.18.2.1 {\n  exchange_mode main\n}\n', 2, "missing ';' after 'exchange_mode'"),
    ('path certificate "/etc/racoon/certs;\n', 1, 'unterminated string'),
    ('log notify;\nsomething odd;\n', 2, "unknown statement 'something'"),
    ('sainfo address 10.0.0.0/24 { encryption_algorithm aes; }\n', 1,
     'sainfo needs a local and a remote selector (address A/prefix proto or anonymous)'),
])
def test_syntax_errors(text, line, message):
    result = parse({CONF: text})
    assert (result['errors'][0]['line'], result['errors'][0]['message']) == (line, message)


def test_include_relative_to_path_include_and_cycles():
    result = parse({CONF: 'path include "/etc/racoon/conf";\ninclude "a.conf";\ninclude "missing.conf";\n',
                    '/etc/racoon/conf/a.conf': 'include "/etc/racoon/conf/a.conf";\nlog debug;\n'})
    assert result['files'] == [CONF, '/etc/racoon/conf/a.conf']
    assert [(e['file'], e['line'], e['message']) for e in result['errors']] == [
        ('/etc/racoon/conf/a.conf', 1, 'include cycle: /etc/racoon/conf/a.conf is already being read'),
        (CONF, 3, 'included file not found: /etc/racoon/conf/missing.conf'),
    ]
    files = dict(('/etc/racoon/c%d.conf' % n, 'include "c%d.conf";\n' % (n + 1)) for n in range(MAX_INCLUDE_DEPTH + 3))
    deep = parse(files, path='/etc/racoon/c0.conf')
    assert [e['message'] for e in deep['errors']] == ['includes nested deeper than %d levels' % MAX_INCLUDE_DEPTH]


def test_unreadable_and_binary():
    gap = parse({})
    assert gap['connections'] == [] and gap['errors'][0]['line'] is None
    binary = parse({CONF: b'\x00\x01\xff{{;;}}"\x00'})
    assert binary['errors']


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=500))
def test_arbitrary_text_never_raises(text):
    result = parse({CONF: text})
    assert_error_entries(result['errors'])


@settings(max_examples=300, deadline=None)
@given(soup([
    'remote', 'anonymous', '198.18.2.1', '[500]', 'sainfo', 'address', '10.0.0.0/24', 'any', 'proposal',
    '{', '}', ';', ',', 'encryption_algorithm', 'aes', '128', 'hash_algorithm', 'sha1', 'dh_group', '2',
    'authentication_method', 'pre_shared_key', 'lifetime', 'time', '1', 'hour', 'pfs_group', 'include',
    '"x.conf"', 'path', 'pre_shared_key', '"/p"', 'authentication_algorithm', 'hmac_sha1', 'remoteid', 'ph1id',
    'my_identifier', 'fqdn', '"a"', '\n', '#c\n'], max_size=40, separator=' '))
def test_grammar_shaped_text_never_raises(text):
    parse({CONF: text, '/etc/racoon/x.conf': text})


def test_reads_the_file_system_by_default(tmp_path):
    (tmp_path / 'racoon.conf').write_text(
        u'path include "%s";\ninclude "r.conf";\n' % tmp_path)
    (tmp_path / 'r.conf').write_text(
        u'remote 198.18.2.1 { proposal { encryption_algorithm aes; hash_algorithm sha1; '
        u'authentication_method pre_shared_key; dh_group 2; } }\n')
    result = parse_racoon_conf(str(tmp_path / 'racoon.conf'))
    assert result['errors'] == []
    assert result['connections'][0]['ike_proposals']['effective'][0]['encr'] == ['AES_CBC_128']
