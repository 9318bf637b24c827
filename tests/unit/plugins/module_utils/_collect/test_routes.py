# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

from ansible_collections.ipsec.doctor.plugins.module_utils._collect import routes
from ansible_collections.ipsec.doctor.tests.unit.plugins.module_utils._collect.fake_host import make_host

XFRM_STATES = '''src 198.51.100.10 dst 198.51.100.20
\tproto esp spi 0xc1234567 reqid 1 mode tunnel
\treplay-window 0 flag af-unspec
\tauth-trunc hmac(sha256) 0x00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff 128
\tenc cbc(aes) 0xffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100
\tencap type espinudp sport 4500 dport 4500 addr 0.0.0.0
\tanti-replay context: seq 0x0, oseq 0x0, bitmap 0x00000000
\tsel src 0.0.0.0/0 dst 0.0.0.0/0
'''
XFRM_POLICIES = '''src 198.51.100.64/26 dst 198.51.100.128/26
\tdir out priority 375423 ptype main
\ttmpl src 198.51.100.10 dst 198.51.100.20
\t\tproto esp spi 0xc1234567 reqid 1 mode tunnel
src ::/0 dst ::/0
\tsocket in priority 0 ptype main
'''


def test_xfrm_states_keep_algorithms_and_drop_keys():
    states = routes.parse_xfrm_states(XFRM_STATES)
    assert states == [{
        'src': '198.51.100.10', 'dst': '198.51.100.20', 'proto': 'esp', 'spi': '0xc1234567', 'reqid': '1',
        'mode': 'tunnel', 'encap': 'udp', 'encap_sport': '4500', 'encap_dport': '4500',
        'sel_src': '0.0.0.0/0', 'sel_dst': '0.0.0.0/0',
        'algorithms': {'auth-trunc': {'alg': 'hmac(sha256)', 'key_bits': 256},
                       'enc': {'alg': 'cbc(aes)', 'key_bits': 256}}}]
    assert '00112233' not in json.dumps(states) and 'ffeeddcc' not in json.dumps(states)


def test_xfrm_policies():
    policies = routes.parse_xfrm_policies(XFRM_POLICIES)
    assert [(p['src'], p['dst'], p['dir'], p['tmpl_src'], p['tmpl_dst'], p['proto'], p['mode']) for p in policies] == [
        ('198.51.100.64/26', '198.51.100.128/26', 'out', '198.51.100.10', '198.51.100.20', 'esp', 'tunnel'),
        ('::/0', '::/0', 'socket-in', None, None, None, None)]


def test_xfrm_lines_before_the_first_entry_are_skipped_and_indented_src_lines_stay_in_their_entry():
    text = '\tproto ah spi 0x1 reqid 9 mode transport\n\nsrc 10.0.0.1 dst 10.0.0.2\n\tsel src 10.1.0.0/16 dst 10.2.0.0/16\n'
    assert routes.parse_xfrm_states(text) == [{
        'src': '10.0.0.1', 'dst': '10.0.0.2', 'proto': None, 'spi': None, 'reqid': None, 'mode': None,
        'encap': None, 'algorithms': {}, 'sel_src': '10.1.0.0/16', 'sel_dst': '10.2.0.0/16'}]
    assert routes.parse_xfrm_policies(text) == [{
        'src': '10.0.0.1', 'dst': '10.0.0.2', 'dir': None, 'action': 'allow', 'priority': None, 'tmpl_src': None,
        'tmpl_dst': None, 'proto': None, 'mode': None, 'reqid': None}]


def test_collect_maps_ip_json(tmp_path):
    answers = {
        ('ip', '-j', 'addr'): (0, json.dumps([{'ifname': 'eth0', 'addr_info': [
            {'family': 'inet', 'local': '198.51.100.10', 'prefixlen': 26, 'scope': 'global'},
            {'family': 'inet6', 'local': 'fe80::1', 'prefixlen': 64, 'scope': 'link'}]}])),
        ('ip', '-j', '-d', 'link'): (0, json.dumps([{'ifname': 'eth0', 'mtu': 1400, 'operstate': 'UP',
                                                     'linkinfo': {'info_kind': 'veth'}}])),
        ('ip', '-4', '-j', 'route'): (0, json.dumps([{'dst': 'default', 'gateway': '198.51.100.1', 'dev': 'eth0'},
                                                     {'dst': '198.51.100.128/26', 'dev': 'ipsec0', 'table': '220',
                                                      'prefsrc': '198.51.100.65'}])),
        ('ip', '-6', '-j', 'route'): (0, '[]'),
        ('ip', '-4', '-j', 'rule'): (0, json.dumps([{'priority': 220, 'src': 'all', 'table': '220'}])),
        ('ip', '-6', '-j', 'rule'): (0, '[]'),
        ('ip', 'xfrm', 'state'): (0, ''),
        ('ip', 'xfrm', 'policy'): (2, '', 'RTNETLINK answers: Operation not permitted'),
    }
    host = make_host(tmp_path, answers=answers)
    result = routes.collect(host)
    assert result['addresses'] == [
        {'ifname': 'eth0', 'address': '198.51.100.10', 'prefixlen': 26, 'family': 4, 'scope': 'global'},
        {'ifname': 'eth0', 'address': 'fe80::1', 'prefixlen': 64, 'family': 6, 'scope': 'link'}]
    assert result['interfaces'][0]['kind'] == 'veth' and result['interfaces'][0]['mtu'] == 1400
    assert [(r['table'], r['dst'], r['gateway'], r['src']) for r in result['routes']] == [
        ('main', 'default', '198.51.100.1', None), ('220', '198.51.100.128/26', None, '198.51.100.65')]
    assert result['rules'] == [{'priority': 220, 'table': '220', 'selector': 'from all', 'family': 4}]
    assert host.errors == [{'subset': 'routes',
                            'message': 'ip xfrm policy list: RTNETLINK answers: Operation not permitted'}]
