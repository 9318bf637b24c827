# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.ipsec.doctor.plugins.module_utils._collect import sysctl
from ansible_collections.ipsec.doctor.tests.unit.plugins.module_utils._collect.fake_host import make_host


def test_runtime_values_per_interface_and_xfrm(tmp_path):
    files = {
        '/proc/sys/net/ipv4/ip_forward': '1\n',
        '/proc/sys/net/ipv6/conf/all/forwarding': '0\n',
        '/proc/sys/net/core/xfrm_larval_drop': '1\n',
        '/proc/sys/net/core/somaxconn': '4096\n',
        '/proc/sys/net/ipv4/conf/all/rp_filter': '0\n',
        '/proc/sys/net/ipv4/conf/eth0/rp_filter': '1\n',
        '/proc/sys/net/ipv4/conf/eth0/disable_policy': '0\n',
        '/proc/sys/net/ipv4/conf/eth0.100/rp_filter': '2\n',
    }
    runtime = sysctl.collect(make_host(tmp_path, files))['runtime']
    assert runtime == {
        'net.ipv4.ip_forward': '1', 'net.ipv6.conf.all.forwarding': '0', 'net.core.xfrm_larval_drop': '1',
        'net.ipv4.conf.all.rp_filter': '0', 'net.ipv4.conf.eth0.rp_filter': '1',
        'net.ipv4.conf.eth0.disable_policy': '0', 'net.ipv4.conf.eth0/100.rp_filter': '2'}


def test_boot_values_follow_systemd_precedence(tmp_path):
    files = {
        '/usr/lib/sysctl.d/50-default.conf': 'net.ipv4.conf.default.rp_filter = 2\nnet.ipv4.ip_forward=0\n',
        '/usr/lib/sysctl.d/99-ipsec.conf': 'net.ipv4.ip_forward = 0\n',
        # Same name in /etc hides the /usr/lib file.
        '/etc/sysctl.d/99-ipsec.conf': '# ipsec\nnet.ipv4.ip_forward = 1\n-net/ipv4/conf/eth0/rp_filter = 0\n',
        '/run/sysctl.d/10-early.conf': 'net.ipv4.conf.all.rp_filter=1\nkernel.pid_max = 65536\n',
        '/etc/sysctl.conf': 'net.ipv4.conf.all.rp_filter = 0\n',
    }
    boot = sysctl.collect(make_host(tmp_path, files))['boot']
    assert boot == {
        'net.ipv4.conf.default.rp_filter': {'value': '2', 'src': '/usr/lib/sysctl.d/50-default.conf:1'},
        'net.ipv4.ip_forward': {'value': '1', 'src': '/etc/sysctl.d/99-ipsec.conf:2'},
        'net.ipv4.conf.eth0.rp_filter': {'value': '0', 'src': '/etc/sysctl.d/99-ipsec.conf:3'},
        'net.ipv4.conf.all.rp_filter': {'value': '0', 'src': '/etc/sysctl.conf:1'},
    }


@pytest.mark.parametrize('key, expected', [
    ('net.ipv4.ip_forward', 'net.ipv4.ip_forward'),
    ('net/ipv4/conf/eth0.100/rp_filter', 'net.ipv4.conf.eth0/100.rp_filter'),
    (' net/ipv4/ip_forward ', 'net.ipv4.ip_forward'),
])
def test_normalize_key(key, expected):
    assert sysctl.normalize_key(key) == expected
