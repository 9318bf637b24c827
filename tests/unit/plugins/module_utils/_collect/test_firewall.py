# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os

import pytest

from ansible_collections.ipsec.doctor.plugins.module_utils._collect import firewall
from ansible_collections.ipsec.doctor.plugins.module_utils._collect.firewall_iptables import parse_save
from ansible_collections.ipsec.doctor.plugins.module_utils._collect.firewall_nft import NftFormatError, parse_ruleset
from ansible_collections.ipsec.doctor.plugins.module_utils._collect.firewall_rules import analyze
from ansible_collections.ipsec.doctor.tests.unit.plugins.module_utils._collect.fake_host import make_host

FIXTURES = os.path.join(os.path.dirname(__file__), 'fixtures')


def fixture(name):
    with open(os.path.join(FIXTURES, name)) as handle:
        return handle.read()


def summary(rules):
    return [(rule['chain'], rule['rule'], rule['ports'], rule['esp'], rule['direction'], rule['shadowed'])
            for rule in rules]


def test_nft_blocking_rules_with_shadowing_by_earlier_accepts():
    chains, xt_tables = parse_ruleset(fixture('nft-ruleset.json'))
    assert xt_tables == set()
    result = analyze('nftables', chains)
    assert summary(result['blocking_rules']) == [
        # input accepts udp 500/4500 before it jumps to ike_block: these drops never hit.
        ('ike_block', 'udp dport 4500 drop', [4500], False, 'in', True),
        ('ike_block', 'ip saddr 10.0.0.0/8 udp dport 500 reject {"expr": "port-unreachable", "type": "icmp"}',
         [500], False, 'in', True),
        ('output', 'ip protocol esp drop', [], True, 'out', False),
        ('output', 'udp sport 500 drop', [500], False, 'out', False),
    ]
    assert result['blocking_rules'][1]['conditional'] is True


def test_nft_default_drop_chains_say_what_they_accept():
    result = analyze('nftables', parse_ruleset(fixture('nft-ruleset.json'))[0])
    chains = [(c['chain'], c['allows_ike'], c['allowed_ike_ports'], c['allows_esp'])
              for c in result['default_drop_chains']]
    assert chains == [('input', True, [500, 4500], True), ('forward', False, [], True)]


def test_nft_masquerade_exemptions():
    result = analyze('nftables', parse_ruleset(fixture('nft-ruleset.json'))[0])
    # "rt ipsec missing masquerade" is exempt; the later masquerade and snat are not.
    assert [(item['rule'], item['earlier_accepts']) for item in result['masquerade_without_ipsec_exemption']] == [
        ('meta oifname eth0 masquerade', ['ip daddr 10.2.0.0/24 accept']),
        ('snat {"addr": "198.18.2.5"}', ['ip daddr 10.2.0.0/24 accept']),
    ]


def test_nft_custom_ports_are_watched():
    result = analyze('nftables', parse_ruleset(fixture('nft-ruleset.json'))[0], ports=(1500,))
    assert [(rule['chain'], rule['ports'], rule['esp']) for rule in result['blocking_rules']] == [
        ('output', [], True), ('forward', [1500], False)]


def test_iptables_save_rules_policies_and_policy_match():
    result = analyze('iptables', parse_save(fixture('iptables-save.txt')))
    assert summary(result['blocking_rules']) == [
        ('INPUT', '-A INPUT -p udp -m udp --dport 500 -j DROP', [500], False, 'in', False),
        ('INPUT', '-A INPUT -p udp -m multiport --dports 500,4500 -j REJECT --reject-with icmp-port-unreachable',
         [500, 4500], False, 'in', False),
        ('OUTPUT', '-A OUTPUT -p esp -j DROP', [], True, 'out', False),
    ]
    assert [(c['chain'], c['allows_ike'], c['allows_esp']) for c in result['default_drop_chains']] == [
        ('FORWARD', False, True)]
    # -m policy --pol ipsec --dir out -j ACCEPT before MASQUERADE is the exemption.
    assert result['masquerade_without_ipsec_exemption'] == []


def test_iptables_masquerade_without_exemption_and_negated_ports():
    text = ('*nat\n:POSTROUTING ACCEPT [0:0]\n-A POSTROUTING -o eth0 -j MASQUERADE\nCOMMIT\n'
            '*filter\n:INPUT DROP [0:0]\n-A INPUT -p udp ! --dport 500 -j DROP\n-A INPUT -p udp --dport 4500 -j ACCEPT\n'
            'COMMIT\n')
    result = analyze('iptables', parse_save(text))
    assert [item['rule'] for item in result['masquerade_without_ipsec_exemption']] == [
        '-A POSTROUTING -o eth0 -j MASQUERADE']
    assert [(rule['ports'], rule['shadowed']) for rule in result['blocking_rules']] == [([4500], False)]
    assert result['default_drop_chains'][0]['allowed_ike_ports'] == [4500]


def test_iptables_nft_tables_are_left_to_iptables_save():
    chains, xt_tables = parse_ruleset(fixture('nft-ruleset-iptables-nft.json'))
    assert xt_tables == {'ip filter', 'ip nat'}
    assert len(chains) > 0


def test_broken_nft_output_is_a_format_error():
    with pytest.raises(NftFormatError):
        parse_ruleset('not json')


def test_collector_uses_iptables_save_for_iptables_nft_rules(tmp_path):
    host = make_host(tmp_path, answers={
        ('nft', '-j', 'list', 'ruleset'): (0, fixture('nft-ruleset-iptables-nft.json')),
        ('iptables-save',): (0, fixture('iptables-save.txt')),
        ('ip6tables-save',): (0, ''),
    })
    result = firewall.collect(host)
    assert result['backend'] == 'nftables+iptables'
    backends = sorted(set(rule['backend'] for rule in result['blocking_rules']))
    assert backends == ['iptables', 'nftables']
    # The iptables-nft tables are reported once, from iptables-save; the inet table from nft.
    assert sorted(set(rule['table'] for rule in result['blocking_rules'])) == ['inet filter', 'ip filter']
    assert [rule['rule'] for rule in result['blocking_rules'] if rule['backend'] == 'iptables'][0] == \
        '-A INPUT -p udp -m udp --dport 500 -j DROP'


def test_collector_without_any_firewall_tool(tmp_path):
    host = make_host(tmp_path, answers={})
    assert firewall.collect(host)['backend'] == 'none'
    assert host.errors == [{'subset': 'firewall', 'message': 'neither nft nor iptables-save found: firewall not inspected'}]


def test_unreadable_ruleset_is_not_available(tmp_path):
    host = make_host(tmp_path, answers={
        ('nft', '-j', 'list', 'ruleset'): (1, '', 'Operation not permitted (you must be root)')})
    result = firewall.collect(host)
    assert (result['backend'], result['available'], result['blocking_rules']) == ('nftables', False, [])
    assert host.errors == [{'subset': 'firewall',
                            'message': 'nft -j list ruleset: Operation not permitted (you must be root)'}]
