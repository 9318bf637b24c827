# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Pairing: both ends by address, identity or mirrored selectors; overrides; hubs; one-sided tunnels."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import copy

from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine.engine import build_hosts
from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine.pairing import pair_tunnels
from ansible_collections.ipsec.doctor.tests.unit.plugins.plugin_utils import facts_builders as fb


def tunnels_of(facts, overrides=None):
    return pair_tunnels(build_hosts(facts), overrides)


def ends(tunnel):
    return [(end.host_name, end.connection_name, end.address) for end in tunnel.ends]


def test_pair_by_addresses():
    tunnels = tunnels_of(fb.strongswan_pair())
    assert len(tunnels) == 1
    assert tunnels[0].paired_by == 'address'
    assert ends(tunnels[0]) == [('gw-a', 'gw-gw', '198.51.100.10'), ('gw-b', 'gw-gw', '198.51.100.20')]


def test_pair_by_identities_behind_nat():
    facts = fb.strongswan_pair()
    # gw-a reaches gw-b through a NAT: it knows only the public address, gw-b accepts anyone.
    fb.conn_of(facts, 'gw-a')['remote_addrs'] = ['203.0.113.5']
    fb.conn_of(facts, 'gw-b')['remote_addrs'] = ['%any']
    tunnels = tunnels_of(facts)
    assert len(tunnels) == 1
    assert tunnels[0].paired
    assert tunnels[0].paired_by == 'identity'


def test_pair_by_mirrored_selectors_only():
    facts = fb.strongswan_pair()
    for host in facts:
        conn = fb.conn_of(facts, host)
        conn['remote_addrs'] = ['%any']
        conn['local_auth'][0]['id'] = None
        conn['remote_auth'][0]['id'] = None
    tunnels = tunnels_of(facts)
    assert len(tunnels) == 1 and tunnels[0].paired_by == 'selectors'


def test_override_names_the_peer():
    facts = fb.strongswan_pair()
    for host in facts:
        conn = fb.conn_of(facts, host)
        conn['remote_addrs'] = ['%any']
        conn['local_auth'][0]['id'] = None
        conn['remote_auth'][0]['id'] = None
        conn['children'][0]['local_ts'] = ['dynamic']
        conn['children'][0]['remote_ts'] = ['dynamic']
    fb.conn_of(facts, 'gw-b')['name'] = 'from-a'
    assert [tunnel.paired for tunnel in tunnels_of(facts)] == [False, False]
    tunnels = tunnels_of(facts, {'gw-a': {'gw-gw': {'host': 'gw-b', 'connection': 'from-a'}}})
    assert len(tunnels) == 1
    assert tunnels[0].paired_by == 'override'
    assert tunnels[0].id == 'gw-a:gw-gw <-> gw-b:from-a'


def test_override_naming_only_the_host_picks_its_matching_connection():
    facts = fb.strongswan_pair()
    decoy = copy.deepcopy(fb.conn_of(facts, 'gw-b'))
    decoy.update({'name': 'decoy', 'remote_addrs': ['198.18.2.50']})
    decoy['remote_auth'][0]['id'] = 'z.lab'
    facts['gw-b']['config']['connections'].insert(0, decoy)
    tunnels = tunnels_of(facts, {'gw-a': {'gw-gw': {'host': 'gw-b'}}, 'gw-b': 'not a mapping'})
    assert 'gw-a:gw-gw <-> gw-b:gw-gw' in [tunnel.id for tunnel in tunnels]


def test_override_to_a_host_without_facts_leaves_one_end():
    facts = fb.strongswan_pair()
    tunnels = tunnels_of({'gw-a': facts['gw-a']}, {'gw-a': {'gw-gw': {'host': 'gw-x'}}})
    assert len(tunnels) == 1 and not tunnels[0].paired
    assert tunnels[0].ends[1].address == '198.51.100.20'


def test_hub_with_many_clients():
    hub = fb.host_facts('gw-b')
    conn = fb.conn_of({'gw-b': hub}, 'gw-b')
    conn['remote_addrs'] = ['%any']
    conn['remote_auth'][0]['id'] = '%any'
    conn['children'][0]['remote_ts'] = ['198.51.100.64/26']
    facts = {'hub': hub}
    for index in range(3):
        client = fb.host_facts('gw-a')
        address = '198.51.100.%d' % (11 + index)
        client['routes']['addresses'][0]['address'] = address
        client_conn = client['config']['connections'][0]
        client_conn['local_addrs'] = [address]
        client_conn['local_auth'][0]['id'] = 'client%d.lab' % index
        client['sas']['ike_sas'][0]['local_host'] = address
        facts['client%d' % index] = client
    tunnels = tunnels_of(facts)
    assert sorted(tunnel.id for tunnel in tunnels) == [
        'client0:gw-gw <-> hub:gw-gw', 'client1:gw-gw <-> hub:gw-gw', 'client2:gw-gw <-> hub:gw-gw']


def test_unrelated_connections_stay_apart():
    facts = fb.strongswan_pair()
    other = copy.deepcopy(facts['gw-b'])
    other['sas']['ike_sas'] = []
    fb.conn_of({'x': other}, 'x')['remote_addrs'] = ['198.18.2.99']
    fb.conn_of({'x': other}, 'x')['remote_auth'][0]['id'] = 'z.lab'
    other['routes']['addresses'][0]['address'] = '198.51.100.30'
    fb.conn_of({'x': other}, 'x')['local_addrs'] = ['198.51.100.30']
    fb.conn_of({'x': other}, 'x')['children'][0]['remote_ts'] = ['10.0.0.0/8']
    facts['gw-c'] = other
    tunnels = tunnels_of(facts)
    ids = sorted(tunnel.id for tunnel in tunnels)
    assert ids == ['198.18.2.99 <-> gw-c:gw-gw', 'gw-a:gw-gw <-> gw-b:gw-gw']


def test_children_pair_by_mirrored_selectors_not_order():
    facts = fb.strongswan_pair()
    conn_a, conn_b = fb.conn_of(facts, 'gw-a'), fb.conn_of(facts, 'gw-b')
    extra_a = copy.deepcopy(conn_a['children'][0])
    extra_a.update({'name': 'mgmt', 'local_ts': ['10.1.0.0/24'], 'remote_ts': ['10.2.0.0/24']})
    extra_b = copy.deepcopy(conn_b['children'][0])
    extra_b.update({'name': 'management', 'local_ts': ['10.2.0.0/24'], 'remote_ts': ['10.1.0.0/24']})
    conn_a['children'].append(extra_a)
    conn_b['children'].insert(0, extra_b)
    tunnel = tunnels_of(facts)[0]
    names = [(a['name'], b['name']) for a, b in tunnel.child_pairs]
    assert names == [('net', 'net'), ('mgmt', 'management')]


def test_two_connections_between_one_host_pair():
    facts = fb.strongswan_pair()
    for host in facts:
        second = copy.deepcopy(fb.conn_of(facts, host))
        second['name'] = 'voice'
        second['children'][0]['local_ts'] = ['10.%d.0.0/24' % (1 if host == 'gw-a' else 2)]
        second['children'][0]['remote_ts'] = ['10.9.9.0/24']   # wrong on both: no mirror to pair by
        facts[host]['config']['connections'].insert(0, second)
    tunnels = tunnels_of(facts)
    assert sorted(tunnel.id for tunnel in tunnels) == ['gw-a:gw-gw <-> gw-b:gw-gw', 'gw-a:voice <-> gw-b:voice']


def test_hosts_without_facts_are_not_paired():
    facts = fb.strongswan_pair()
    hosts = build_hosts({'gw-a': facts['gw-a']}, unreachable=['gw-b'])
    tunnels = pair_tunnels(hosts)
    assert [tunnel.paired for tunnel in tunnels] == [False]
