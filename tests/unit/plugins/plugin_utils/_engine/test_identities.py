# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Identity normalization and matching as both daemons compare them."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine import identities


@pytest.mark.parametrize('written,normal', [
    ('a.lab', 'a.lab'), ('@a.lab', 'a.lab'), ('fqdn:A.Lab', 'a.lab'), ('%any', '%any'), ('*', '%any'),
    ('198.051.100.010', '198.051.100.010'), ('2001:DB8::1', '2001:db8::1'), ('ipv4:198.51.100.10', '198.51.100.10'),
    ('C=CH, O=Lab, CN=a.lab', 'C=CH,O=Lab,CN=a.lab'), ('cn=a.lab/o=Lab', 'CN=a.lab,O=Lab'),
    ('@#0a0b', '@#0a0b'), ('user@A.lab', 'user@a.lab'),
])
def test_normalize(written, normal):
    assert identities.normalize_id(written) == normal


@pytest.mark.parametrize('expected,actual,result', [
    (None, 'a.lab', True), ('%any', 'a.lab', True), ('a.lab', '@a.lab', True), ('a.lab', 'b.lab', False),
    ('*.lab', 'a.lab', True), ('*@lab.example', 'user@lab.example', True), ('a.lab', None, False),
])
def test_matches(expected, actual, result):
    assert identities.id_matches(expected, actual) is result


def _conn(fmt, remote_id=None, remote_addrs=('198.51.100.20',), local_id=None, local_addrs=('198.51.100.10',)):
    return {'format': fmt, 'remote_addrs': list(remote_addrs), 'local_addrs': list(local_addrs),
            'remote_auth': [{'id': remote_id}], 'local_auth': [{'id': local_id}]}


def test_expected_remote_id_defaults_per_format():
    assert identities.expected_remote_id(_conn('swanctl')) is None
    assert identities.expected_remote_id(_conn('libreswan-ipsec.conf')) == '198.51.100.20'
    assert identities.expected_remote_id(_conn('strongswan-ipsec.conf', remote_addrs=['%any'])) is None
    assert identities.expected_remote_id(_conn('swanctl', remote_id='%any')) is None
    assert identities.expected_remote_id(_conn('swanctl', remote_id='b.lab')) == 'b.lab'
    # the parsers write an unset remote id as %any; Libreswan then expects the right= address
    assert identities.expected_remote_id(_conn('libreswan-ipsec.conf', remote_id='%any')) == '198.51.100.20'
    written_any = dict(_conn('libreswan-ipsec.conf', remote_id='%any'), src={'remote_auth.0.id': 'f:1'})
    assert identities.expected_remote_id(written_any) is None


def test_effective_local_id_falls_back_to_subject_then_address():
    assert identities.effective_local_id(_conn('swanctl', local_id='a.lab')) == 'a.lab'
    assert identities.effective_local_id(_conn('swanctl'), cert_subject='CN=a') == 'CN=a'
    assert identities.effective_local_id(_conn('swanctl')) == '198.51.100.10'
    assert identities.effective_local_id(_conn('swanctl', local_addrs=['%any']), address='198.18.2.7') == '198.18.2.7'
