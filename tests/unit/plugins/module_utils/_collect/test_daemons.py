# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.ipsec.doctor.plugins.module_utils._collect import config, daemons
from ansible_collections.ipsec.doctor.tests.unit.plugins.module_utils._collect.fake_host import make_host

BOTH_INSTALLED = {'/usr/lib/ipsec/starter': '', '/usr/lib/ipsec/charon': '', '/usr/libexec/ipsec/pluto': '',
                  '/proc/stat': 'btime 1000\n'}


def process(pid, name):
    return {'/proc/%d/stat' % pid: '%d (%s) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 100 0 0\n' % (pid, name),
            '/proc/%d/comm' % pid: name + '\n'}


@pytest.mark.parametrize('running, ipsec_version, expected', [
    (['pluto'], 'Libreswan 4.10', daemons.LIBRESWAN),
    (['charon', 'starter'], 'Libreswan 4.10', daemons.STRONGSWAN),
    ([], 'Linux strongSwan U5.9.8/K6.1.0', daemons.STRONGSWAN),
    ([], 'Libreswan 5.2', daemons.LIBRESWAN),
])
def test_ipsec_conf_family_when_both_daemons_are_installed(tmp_path, running, ipsec_version, expected):
    files = dict(BOTH_INSTALLED)
    for pid, name in enumerate(running, 10):
        files.update(process(pid, name))
    host = make_host(tmp_path, files, {('ipsec', '--version'): (0, ipsec_version + '\n')})
    assert daemons.ipsec_conf_family(host) == expected


def test_ipsec_conf_is_parsed_for_one_daemon_only(tmp_path):
    files = dict(BOTH_INSTALLED)
    files.update(process(10, 'pluto'))
    files['/etc/ipsec.conf'] = 'conn gw\n    left=198.18.2.1\n    right=198.18.2.2\n    authby=secret\n    auto=add\n'
    host = make_host(tmp_path, files, {('ip', '-j', 'addr'): (0, '[]')})
    result = config.collect(host)
    assert [(conn['name'], conn['daemon']) for conn in result['connections']] == [('gw', 'libreswan')]
    assert [entry['format'] for entry in result['files']] == ['libreswan-ipsec.conf']


def test_versions_from_the_ipsec_command_and_swanctl(tmp_path):
    files = {'/usr/sbin/charon-systemd': '', '/usr/libexec/ipsec/pluto': ''}
    host = make_host(tmp_path, files, {('ipsec', '--version'): (0, 'Libreswan 4.10\n'),
                                       ('swanctl', '--version'): (0, 'strongSwan 5.9.8 swanctl\n')})
    assert daemons.daemon_versions(host) == {'libreswan': '4.10', 'strongswan': '5.9.8'}
    assert daemons.ipsec_command_family(host) == daemons.LIBRESWAN
