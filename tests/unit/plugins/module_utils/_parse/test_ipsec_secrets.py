# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Tests for the ipsec.secrets parser (plugins/module_utils/_parse/ipsec_secrets.py)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import time
from functools import partial

import pytest
from hypothesis import given, settings, strategies as st

from ansible_collections.ipsec.doctor.plugins.module_utils._parse.ipsec_secrets import parse_secrets
from ansible_collections.ipsec.doctor.plugins.module_utils._parse.psk import psk_digest
from ansible_collections.ipsec.doctor.plugins.module_utils._parse.source import MAX_INCLUDE_DEPTH, MemoryReader
from ansible_collections.ipsec.doctor.tests.unit.plugins.module_utils._parse.fixture_tree import fixture_text
from ansible_collections.ipsec.doctor.tests.unit.plugins.module_utils._parse.parser_checks import assert_error_entries, soup

KEY = b'per-run-key'
fixture = partial(fixture_text, 'secrets')


def digest(secret):
    return psk_digest(secret, KEY)


def parse(files, path='/etc/ipsec.secrets', flavour='strongswan', key=KEY):
    return parse_secrets(path, reader=MemoryReader(files), psk_key=key, flavour=flavour)


def strongswan_fixture():
    return parse({
        '/etc/ipsec.secrets': fixture('strongswan-ipsec.secrets'),
        '/etc/ipsec.d/extra.secrets': fixture('ipsec.d/extra.secrets'),
    })


def test_strongswan_entries_in_every_form():
    result = strongswan_fixture()
    assert result['errors'] == []
    assert result['files'] == ['/etc/ipsec.secrets', '/etc/ipsec.d/extra.secrets']
    rows = [(entry['type'], entry['ids'], entry['digest'], entry['src']) for entry in result['entries']]
    assert rows == [
        ('PSK', ['a.lab', 'b.lab'], digest(b'correct horse battery staple'), '/etc/ipsec.secrets:4'),
        ('PSK', ['198.51.100.10', '198.51.100.20'], digest(b'secret1'), '/etc/ipsec.secrets:5'),
        ('PSK', ['%any'], digest(b'secret2'), '/etc/ipsec.secrets:6'),
        ('PSK', ['C=CH, O=Lab, CN=a.lab'], digest(b'single quoted # not a comment'), '/etc/ipsec.secrets:7'),
        ('EAP', ['carol@lab'], digest(b'carol-password'), '/etc/ipsec.secrets:8'),
        ('XAUTH', ['dave'], digest(b'dave-password'), '/etc/ipsec.secrets:9'),
        ('PIN', [], None, '/etc/ipsec.secrets:11'),
        ('PSK', ['c.lab'], digest(b'bare-token-secret'), '/etc/ipsec.d/extra.secrets:1'),  # '@' removed as in the model
    ]
    assert result['entries'][0]['file'] == '/etc/ipsec.secrets'
    assert result['entries'][0]['line'] == 4


def test_strongswan_key_refs_resolve_under_private_dir():
    refs = [(ref['type'], ref['path'], ref['src']) for ref in strongswan_fixture()['key_refs']]
    assert refs == [
        ('RSA', '/etc/ipsec.d/private/gw-a.key', '/etc/ipsec.secrets:2'),
        ('ECDSA', '/etc/ipsec.d/private/ecdsa key.pem', '/etc/ipsec.secrets:3'),
        ('P12', '/etc/ipsec.d/private/bundle.p12', '/etc/ipsec.secrets:10'),
    ]


def test_private_dir_is_configurable():
    result = parse_secrets('/etc/strongswan/ipsec.secrets', reader=MemoryReader({
        '/etc/strongswan/ipsec.secrets': ': RSA a.key\n'}), private_dir='/etc/strongswan/ipsec.d/private')
    assert result['key_refs'][0]['path'] == '/etc/strongswan/ipsec.d/private/a.key'


def test_no_secret_text_anywhere_in_the_result():
    text = json.dumps(strongswan_fixture())
    for secret in ('correct horse', 'secret1', 'c2VjcmV0Mg', '73656372657431', 'carol-password',
                   'dave-password', 'bare-token-secret', '123456', 'key passphrase', 'not a comment'):
        assert secret not in text


def test_no_key_no_digest():
    result = parse({'/etc/ipsec.secrets': ': PSK "x"\n'}, key=None)
    assert result['entries'][0]['digest'] is None
    assert result['errors'] == []


def test_equal_secrets_in_different_forms_have_equal_digests():
    result = parse({'/etc/ipsec.secrets': ': PSK "abc"\n: PSK 0x616263\n: PSK 0sYWJj\n: PSK \'abc\'\n: PSK abc\n'})
    assert len({entry['digest'] for entry in result['entries']}) == 1


def test_libreswan_file():
    result = parse({
        '/etc/ipsec.secrets': fixture('libreswan-ipsec.secrets'),
        '/etc/ipsec.d/east.secrets': '@east.lab @west.lab : PSK "from include"\n',
    }, flavour='libreswan')
    rows = [(entry['type'], entry['ids'], entry['digest'], entry['line']) for entry in result['entries']]
    assert rows == [
        ('PSK', ['west.lab', 'east.lab'], digest(b'west east shared'), 2),
        ('PSK', ['198.51.100.30', '198.51.100.40'], digest(b'continued on the next line'), 3),
        ('PSK', ['%any', '%any'], digest(b'plain-text-secret'), 5),
        ('XAUTH', ['road'], digest(b'road-password'), 6),
        ('PPKS', ['west.lab', 'east.lab'], digest(b'\x01\x02\x03\x04\x05\x06\x07\x08'), 7),
        ('PSK', ['east.lab', 'west.lab'], digest(b'from include'), 1),
    ]
    assert result['key_refs'] == []
    assert result['errors'] == [{
        'file': '/etc/ipsec.secrets', 'line': 8, 'severity': 'warning',
        'message': 'Libreswan ignores RSA records since 4.0 (keys live in the NSS database)'}]


def test_strongswan_does_not_join_indented_lines():
    result = parse({'/etc/ipsec.secrets': 'a b : PSK\n  "next line"\n'})
    assert [error['line'] for error in result['errors']] == [1, 2]
    assert result['entries'] == []


@pytest.mark.parametrize('text, message', [
    ('a.lab b.lab PSK "x"\n', "missing ':' separator"),
    ('a.lab :\n', "missing secret type after ':'"),
    ('a.lab : PSK\n', 'missing secret after PSK'),
    ('a.lab : PSK "unterminated\n', 'unterminated quoted string'),
    ('a.lab : PSK 0xZZ\n', 'PSK secret is malformed: invalid hexadecimal PSK'),
    ('a.lab : PSK 0s!!!!\n', 'PSK secret is malformed: invalid base64 PSK'),
    ('a.lab : PSK ""\n', 'PSK secret is malformed: empty PSK'),
    ('a.lab : PSK two words\n', 'unexpected text after the PSK secret (quote secrets that hold spaces)'),
    ('a.lab : SECRETWORD x\n', 'unknown secret type (expected one of PSK, EAP, XAUTH, NTLM, PIN, PPK, RSA, '
                               'ECDSA, BLISS, PKCS8, P12)'),
    (': RSA\n', 'missing key file after RSA'),
    ('include\n', 'include takes exactly one path'),
    ('include /etc/missing.secrets\n', 'included file not found: /etc/missing.secrets'),
])
def test_strongswan_malformed_records(text, message):
    result = parse({'/etc/ipsec.secrets': text})
    assert result['errors'] == [{'file': '/etc/ipsec.secrets', 'line': 1, 'message': message, 'severity': 'error'}]
    assert result['entries'] == []


@pytest.mark.parametrize('text, message', [
    ('@a : PSK plainbare\n', 'PSK secret is malformed: unquoted secret without a 0x, 0s or 0t prefix'),
    ('@a : EAP "x"\n', 'unknown secret type (Libreswan knows PSK, XAUTH, PPKS)'),
])
def test_libreswan_malformed_records(text, message):
    result = parse({'/etc/ipsec.secrets': text}, flavour='libreswan')
    assert [error['message'] for error in result['errors']] == [message]


def test_error_messages_never_quote_the_secret():
    secret = 'Sup3rS3cret'
    texts = [
        'a b : PSK %s trailing\n' % secret,
        'a b %s\n' % secret,
        'a b : %s\n' % secret,
        'a b : PSK 0x%s\n' % secret,
        'a b : PSK "%s\n' % secret,
    ]
    for flavour in ('strongswan', 'libreswan'):
        for text in texts:
            result = parse({'/etc/ipsec.secrets': text}, flavour=flavour)
            assert result['errors'], text
            assert secret not in json.dumps(result)


def test_unreadable_file_is_a_stated_gap():
    result = parse({})
    assert result['entries'] == [] and result['files'] == []
    assert result['errors'][0]['file'] == '/etc/ipsec.secrets'
    assert result['errors'][0]['line'] is None
    assert 'cannot read file' in result['errors'][0]['message']


def test_self_include_is_a_cycle_error():
    result = parse({'/etc/ipsec.secrets': 'include /etc/ipsec.secrets\n: PSK "x"\n'})
    assert len(result['entries']) == 1
    assert len(result['errors']) == 1
    assert result['errors'][0]['line'] == 1
    assert result['errors'][0]['message'].startswith('include cycle')


def test_mutual_include_cycle():
    result = parse({'/etc/ipsec.secrets': 'include a.secrets\n',
                    '/etc/a.secrets': 'include b.secrets\n: PSK "a"\n',
                    '/etc/b.secrets': 'include a.secrets\n: PSK "b"\n'})
    assert [entry['src'] for entry in result['entries']] == ['/etc/b.secrets:2', '/etc/a.secrets:2']
    assert [(error['file'], error['line']) for error in result['errors']] == [('/etc/b.secrets', 1)]


def test_include_depth_is_bounded():
    files = {}
    for level in range(MAX_INCLUDE_DEPTH + 5):
        files['/etc/s%d.secrets' % level] = 'include /etc/s%d.secrets\n: PSK "x"\n' % (level + 1)
    result = parse(files, path='/etc/s0.secrets')
    assert len(result['entries']) == MAX_INCLUDE_DEPTH + 1
    assert [error['message'] for error in result['errors']] == [
        'includes nested deeper than %d levels' % MAX_INCLUDE_DEPTH]


def test_glob_without_match_is_not_an_error():
    assert parse({'/etc/ipsec.secrets': 'include /etc/ipsec.d/*.secrets\n'})['errors'] == []


def test_binary_input_gives_errors_not_tracebacks():
    result = parse({'/etc/ipsec.secrets': b'\x00\xff\xfe : PSK "ok"\n\x89PNG\r\n\x1a\n'})
    assert len(result['entries']) == 1
    assert all(error['severity'] == 'error' for error in result['errors'])


def test_unknown_flavour_is_refused():
    with pytest.raises(ValueError):
        parse({'/etc/ipsec.secrets': ''}, flavour='openswan')


def test_thousand_entries_parse_quickly():
    text = ''.join('10.0.%d.%d 10.1.%d.%d : PSK "secret-%d"\n' % (i // 250, i % 250, i // 250, i % 250, i)
                   for i in range(1000))
    started = time.time()
    result = parse({'/etc/ipsec.secrets': text})
    elapsed = time.time() - started
    assert len(result['entries']) == 1000
    print('1000 PSK entries parsed in %.3f s' % elapsed)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400), st.sampled_from(['strongswan', 'libreswan', 'racoon']))
def test_arbitrary_text_never_raises(text, flavour):
    result = parse({'/etc/ipsec.secrets': text, '/etc/other.secrets': text}, flavour=flavour)
    assert_error_entries(result['errors'])


@settings(max_examples=200, deadline=None)
@given(soup(['@a', '%any', ':', 'PSK', 'RSA', 'XAUTH', 'PPKS', '"q"', "'s'", '0x41', '0sQQ==',
             '0tx', 'include', '*.secrets', '#', '"', '\n', '\n  ', 'x:', '::1'], max_size=30, separator=' '),
       st.sampled_from(['strongswan', 'libreswan']))
def test_grammar_shaped_text_never_raises(text, flavour):
    parse({'/etc/ipsec.secrets': text, '/etc/a.secrets': text}, flavour=flavour)


def test_ipv6_selectors_and_attached_separator():
    result = parse({'/etc/ipsec.secrets': '2001:db8::1 fe80:: : PSK "v6"\na.lab: PSK "attached"\n'})
    assert result['errors'] == []
    assert [entry['ids'] for entry in result['entries']] == [['2001:db8::1', 'fe80::'], ['a.lab']]


def test_racoon_psk_file():
    result = parse({'/etc/racoon/psk.txt': '# racoon pre-shared keys\n198.51.100.60  simple secret with spaces\n'
                                           'r2.lab 0x616263\n0s-looking 0sYWJj\nlonely\nbad 0xZZ\n'},
                   path='/etc/racoon/psk.txt', flavour='racoon')
    assert [(e['ids'], e['digest'], e['line']) for e in result['entries']] == [
        (['198.51.100.60'], digest(b'simple secret with spaces'), 2),
        (['r2.lab'], digest(b'abc'), 3),
        (['0s-looking'], digest(b'0sYWJj'), 4),  # racoon has no base64 form: the text is the key
    ]
    assert [(e['line'], e['message']) for e in result['errors']] == [
        (5, 'expected an identifier and a key'), (6, 'PSK secret is malformed: invalid hexadecimal PSK')]
    assert 'simple secret' not in json.dumps(result)


def test_reads_the_file_system_by_default(tmp_path):
    (tmp_path / 'ipsec.secrets').write_text(u'include extra/*.secrets\n: PSK "top"\n')
    (tmp_path / 'extra').mkdir()
    (tmp_path / 'extra' / 'x.secrets').write_text(u'a b : PSK "inner"\n')
    result = parse_secrets(str(tmp_path / 'ipsec.secrets'), psk_key=KEY)
    assert [(e['ids'], e['digest']) for e in result['entries']] == [
        (['a', 'b'], digest(b'inner')), ([], digest(b'top'))]
    missing = parse_secrets(str(tmp_path / 'nope.secrets'))
    assert 'No such file' in missing['errors'][0]['message']


def test_key_id_selectors_match_the_connection_ids():
    """A strongSwan @#hex selector is read as charon's colon hex key id; Libreswan keeps the text."""
    files = {'/etc/ipsec.secrets': '@#71270432 : PSK "not-shown"\n'}
    assert parse(files)['entries'][0]['ids'] == ['71:27:04:32']
    assert parse(files, flavour='libreswan')['entries'][0]['ids'] == ['@#71270432']
