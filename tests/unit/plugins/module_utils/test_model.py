# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.ipsec.doctor.plugins.module_utils import _model

# The keys of the connection model in docs/facts.md.
CONNECTION_KEYS = {
    'name', 'daemon', 'format', 'file', 'line', 'ike_version', 'local_addrs', 'remote_addrs', 'local_port',
    'remote_port', 'local_auth', 'remote_auth', 'ike_proposals', 'rekey_time', 'reauth_time', 'over_time',
    'dpd_delay', 'dpd_timeout', 'encap', 'fragmentation', 'mobike', 'pools', 'vips', 'auto', 'unique',
    'children', 'src',
}
CHILD_KEYS = {
    'name', 'file', 'line', 'mode', 'protocol', 'esp_proposals', 'pfs_groups', 'pfs', 'local_ts', 'remote_ts', 'rekey_time',
    'life_time', 'start_action', 'dpd_action', 'close_action', 'src',
}


def test_new_connection_has_every_model_key():
    conn = _model.new_connection('gw-gw', 'strongswan', 'swanctl', '/etc/swanctl/conf.d/gw.conf', 3)
    assert set(conn) == CONNECTION_KEYS
    assert conn['name'] == 'gw-gw'
    assert conn['file'] == '/etc/swanctl/conf.d/gw.conf'
    assert conn['line'] == 3
    assert conn['ike_proposals'] == {'written': None, 'strict': False, 'effective': []}
    assert conn['src'] == {}


def test_new_child_and_auth_round_have_every_key():
    child = _model.new_child('net', '/etc/ipsec.conf', 7)
    assert set(child) == CHILD_KEYS
    assert child['esp_proposals']['effective'] == []
    auth = _model.new_auth_round(2, 'eap', 'carol@lab', 'rfc822')
    assert auth == {'auth': 'eap', 'id': 'carol@lab', 'id_type': 'rfc822', 'certs': [], 'cacerts': [], 'round': 2}


def test_builders_return_independent_objects():
    first = _model.new_connection('a', 'strongswan', 'swanctl', 'f', 1)
    second = _model.new_connection('b', 'strongswan', 'swanctl', 'f', 2)
    first['local_addrs'].append('198.51.100.10')
    first['src']['x'] = 'f:1'
    assert second['local_addrs'] == []
    assert second['src'] == {}


def test_set_value_records_origin():
    conn = _model.new_connection('a', 'strongswan', 'swanctl', 'f', 1)
    _model.set_value(conn, 'remote_addrs', ['198.51.100.20'], '/etc/swanctl/swanctl.conf', 12)
    assert conn['remote_addrs'] == ['198.51.100.20']
    assert conn['src']['remote_addrs'] == '/etc/swanctl/swanctl.conf:12'


@pytest.mark.parametrize('src, parts', [
    ('/etc/swanctl/swanctl.conf:12', ('/etc/swanctl/swanctl.conf', 12)),
    ('C:/odd:name.conf:3', ('C:/odd:name.conf', 3)),
    ('/etc/ipsec.conf:None', ('/etc/ipsec.conf', 0)),
    (None, ('', 0)),
])
def test_split_origin_inverts_origin(src, parts):
    assert _model.split_origin(src) == parts
    if parts[1]:
        assert _model.origin(*parts) == src


def test_set_auth_value_records_origin_on_connection():
    conn = _model.new_connection('a', 'strongswan', 'swanctl', 'f', 1)
    conn['local_auth'].append(_model.new_auth_round())
    _model.set_auth_value(conn, 'local', 0, 'id', 'a.lab', '/etc/swanctl/swanctl.conf', 6)
    assert conn['local_auth'][0]['id'] == 'a.lab'
    assert conn['src']['local_auth.0.id'] == '/etc/swanctl/swanctl.conf:6'


@pytest.mark.parametrize('text, seconds', [
    ('3600', 3600), ('3600s', 3600), ('30m', 1800), ('1h', 3600), ('4h', 14400), ('2d', 172800),
    ('1.5h', 5400), (' 10 s ', 10), ('0', 0), ('1H', 3600),
])
def test_parse_duration(text, seconds):
    assert _model.parse_duration(text) == seconds


@pytest.mark.parametrize('text', ['', 'soon', '1w', '-5', '1h30m', None, 'h'])
def test_parse_duration_rejects(text):
    assert _model.parse_duration(text) is None


@pytest.mark.parametrize('text, value', [
    ('yes', True), ('YES', True), ('true', True), ('no', False), ('false', False), ('0', False),
    ('maybe', None), (None, None),
])
def test_parse_bool(text, value):
    assert _model.parse_bool(text) is value


@pytest.mark.parametrize('identity, kind', [
    ('198.51.100.10', 'ipv4'),
    ('2001:db8::1', 'ipv6'),
    ('a.lab', 'fqdn'),
    ('@a.lab', 'fqdn'),
    ('fqdn:a.lab', 'fqdn'),
    ('carol@lab', 'rfc822'),
    ('@@carol@lab', 'rfc822'),
    ('email:carol@lab', 'rfc822'),
    ('C=CH, O=Lab, CN=gw-a.lab', 'dn'),
    ('asn1dn:#3012', 'dn'),
    ('@#0123abcd', 'keyid'),
    ('keyid:0123', 'keyid'),
    ('%any', 'any'),
    ('%any6', 'any'),
    ('', None),
    (None, None),
])
def test_identity_type(identity, kind):
    assert _model.identity_type(identity) == kind


@pytest.mark.parametrize('identity, normalized', [
    ('@a.lab', 'a.lab'), ('a.lab', 'a.lab'), ('@@carol@lab', 'carol@lab'), ('@#0123', '@#0123'),
    (' 198.51.100.10 ', '198.51.100.10'), (None, None),
])
def test_normalize_identity(identity, normalized):
    assert _model.normalize_identity(identity) == normalized


@pytest.mark.parametrize('value, auth', [
    ('psk', 'psk'), ('secret', 'psk'), ('pubkey', 'pubkey'), ('rsasig', 'pubkey'), ('ecdsa-sha256', 'pubkey'),
    ('eap-mschapv2', 'eap'), ('eap', 'eap'), ('xauth-pam', 'xauth'), ('carrier-pigeon', None), (None, None),
])
def test_auth_class(value, auth):
    assert _model.auth_class(value) == auth


def test_split_list():
    written = '10.1.0.0/24, 10.2.0.0/24 10.3.0.0/24,,'
    assert _model.split_list(written) == ['10.1.0.0/24', '10.2.0.0/24', '10.3.0.0/24']
    assert _model.split_list(None) == []
