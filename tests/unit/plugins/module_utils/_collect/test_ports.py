# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.ipsec.doctor.plugins.module_utils._collect import ports
from ansible_collections.ipsec.doctor.tests.unit.plugins.module_utils._collect.fake_host import (
    make_host,
    strongswan_host_files,
)

UDP6 = ('  sl  local_address                         remote_address                        st tx_queue rx_queue\n'
        '   1: 00000000000000000000000000000000:01F4 00000000000000000000000000000000:0000 07 00000000:00000000 '
        '00:00000000 00000000     0        0 41000 2 0 0\n'
        '   2: 000080FE000000000000000001000000:1195 00000000000000000000000000000000:0000 07 00000000:00000000 '
        '00:00000000 00000000     0        0 41001 2 0 0\n')


def test_ike_sockets_and_their_owner(tmp_path):
    files = strongswan_host_files()
    files['/proc/net/udp6'] = UDP6
    result = ports.collect(make_host(tmp_path, files))
    # strongswan.conf moves NAT-T to 4501, so 4501 is watched as well as 500 and 4500.
    assert [(p['address'], p['port'], p['family'], p['process'], p['pid']) for p in result] == [
        ('0.0.0.0', 500, 4, 'charon-systemd', 4242),
        ('0.0.0.0', 4500, 4, 'charon-systemd', 4242),
        ('::', 500, 6, None, None),
        ('fe80::1', 4501, 6, None, None),
    ]


def test_parse_proc_net_udp_skips_garbage():
    text = 'header\n   1: 0100007F:01F4 00000000:0000 07 0:0 00:0 0 0 0 77 2\n   2: broken line\n'
    assert ports.parse_proc_net_udp(text, 4) == [
        {'address': '127.0.0.1', 'port': 500, 'family': 4, 'inode': '77', 'uid': 0}]
