# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Firewall analysis for IKE and ESP, common to nftables and iptables (pure functions).

The backends (`firewall_nft`, `firewall_iptables`) translate their rulesets into chains
of simple rule dicts; this module walks the chains from their hooks and reports:

- rules that drop or reject UDP on the IKE ports or ESP, with `shadowed` when an earlier
  accept on the same path already lets that traffic through;
- base chains whose policy is drop, and whether they accept IKE and ESP;
- source NAT (masquerade/snat) with no IPsec exemption before it or on it.

A rule dict: {table, chain, text, protocols (set of names or None for any),
protocol_negated, ports ([{field: dport|sport, negated, values: [int | (low, high)]}]),
ipsec (True: has an IPsec policy, False: has none, None: not matched), verdict
(accept, drop, reject, jump, goto, return, masquerade, snat or None), target (chain of
a jump/goto), other (matches on something else, e.g. addresses), ct_state (matches
connection tracking state)}.
A chain dict: {table, name, type, hook, policy, rules}.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

ESP_NAMES = ('esp', '50')
BLOCKING = ('drop', 'reject')
SOURCE_NAT = ('masquerade', 'snat')
DIRECTIONS = {'input': 'in', 'prerouting': 'in', 'output': 'out', 'postrouting': 'out', 'forward': 'forward'}
MAX_DEPTH = 16


def _in_values(port, values):
    for value in values:
        if isinstance(value, tuple):
            if value[0] <= port <= value[1]:
                return True
        elif value == port:
            return True
    return False


def matches_udp_port(rule, port):
    """True when rule matches UDP traffic on port (as source or destination port)."""
    protocols = rule.get('protocols')
    if protocols is not None:
        has_udp = 'udp' in protocols or '17' in protocols
        if has_udp == bool(rule.get('protocol_negated')):
            return False
    specs = rule.get('ports') or []
    if not specs:
        return True
    by_field = {}
    for spec in specs:
        hit = _in_values(port, spec['values'])
        by_field.setdefault(spec['field'], []).append(hit != bool(spec.get('negated')))
    # Either direction on the port is IKE traffic; all specs on one field must hold.
    return any(all(hits) for hits in by_field.values())


def matches_esp(rule):
    """True when rule matches ESP (IP protocol 50)."""
    protocols = rule.get('protocols')
    if rule.get('ports'):
        return False
    if protocols is None:
        return True
    has_esp = any(name in protocols for name in ESP_NAMES)
    return has_esp != bool(rule.get('protocol_negated'))


def _is_unconditional(rule):
    return (rule.get('protocols') is None and not rule.get('ports') and not rule.get('other')
            and not rule.get('ct_state') and rule.get('ipsec') is None)


def _what_it_matches(rule, ports):
    """Return (ike ports matched, esp matched) for a rule that names a protocol, a port, or nothing at all."""
    if rule.get('ct_state') or rule.get('ipsec') is not None:
        return [], False
    if rule.get('protocols') is None and not rule.get('ports') and rule.get('other'):
        return [], False
    return [port for port in ports if matches_udp_port(rule, port)], matches_esp(rule)


def _finding(backend, chain, hook, rule, ike_ports, esp, accepted):
    protocol = 'udp' if ike_ports and not esp else ('esp' if esp and not ike_ports else 'any')
    shadowed = accepted['all'] or ((set(ike_ports) <= accepted['ports']) and (not esp or accepted['esp']))
    return {'backend': backend, 'table': chain['table'], 'chain': rule.get('chain', chain['name']), 'hook': hook,
            'rule': rule.get('text'), 'protocol': protocol, 'ports': ike_ports, 'esp': esp,
            'action': rule['verdict'], 'direction': DIRECTIONS.get(hook, hook),
            'conditional': bool(rule.get('other')), 'shadowed': shadowed}


def _walk(chains, chain, hook, backend, ports, accepted, found, depth, seen):
    """Walk chain in order from a hook; collect blocking rules; return (accepted after, ended)."""
    if depth > MAX_DEPTH or (chain['table'], chain['name']) in seen:
        return accepted
    seen = seen | {(chain['table'], chain['name'])}
    accepted = {'ports': set(accepted['ports']), 'esp': accepted['esp'], 'all': accepted['all']}
    for rule in chain['rules']:
        verdict = rule.get('verdict')
        ike_ports, esp = _what_it_matches(rule, ports)
        if verdict == 'accept':
            if not rule.get('other'):
                accepted['ports'].update(ike_ports)
                accepted['esp'] = accepted['esp'] or esp
            if _is_unconditional(rule):
                accepted['all'] = True
        elif verdict in BLOCKING and (ike_ports or esp):
            found.append(_finding(backend, chain, hook, dict(rule, chain=chain['name']), ike_ports, esp, accepted))
        elif verdict in ('jump', 'goto') and rule.get('target'):
            target = chains.get((chain['table'], rule['target']))
            if target is not None:
                inner = _walk(chains, target, hook, backend, ports, accepted, found, depth + 1, seen)
                if verdict == 'goto':
                    return inner
    return accepted


def _reachable_rules(chains, chain, depth=0, seen=frozenset()):
    """Yield the rules of chain and of the chains it jumps to."""
    if depth > MAX_DEPTH or (chain['table'], chain['name']) in seen:
        return
    seen = seen | {(chain['table'], chain['name'])}
    for rule in chain['rules']:
        yield rule
        if rule.get('verdict') in ('jump', 'goto') and rule.get('target'):
            target = chains.get((chain['table'], rule['target']))
            if target is not None:
                yield from _reachable_rules(chains, target, depth + 1, seen)


def _default_drop(backend, chains, chain, ports):
    allowed_ports = set()
    allows_esp = False
    for rule in _reachable_rules(chains, chain):
        if rule.get('verdict') != 'accept':
            continue
        if _is_unconditional(rule):
            allowed_ports.update(ports)
            allows_esp = True
            continue
        if chain['hook'] == 'forward' and rule.get('ipsec') is True and not rule.get('protocols'):
            allows_esp = True
        ike_ports, esp = _what_it_matches(rule, ports)
        allowed_ports.update(ike_ports)
        allows_esp = allows_esp or esp
    return {'backend': backend, 'table': chain['table'], 'chain': chain['name'], 'hook': chain['hook'],
            'policy': 'drop', 'allows_ike': 500 in allowed_ports or bool(allowed_ports),
            'allowed_ike_ports': sorted(allowed_ports), 'allows_esp': allows_esp}


def _source_nat(backend, chains, chain):
    findings = []
    exempted = False
    earlier_accepts = []
    for rule in _reachable_rules(chains, chain):
        verdict = rule.get('verdict')
        if verdict in ('accept', 'return'):
            if rule.get('ipsec') is True:
                exempted = True
            else:
                earlier_accepts.append(rule.get('text'))
        elif verdict in SOURCE_NAT:
            if exempted or rule.get('ipsec') is False:
                continue
            findings.append({'backend': backend, 'table': chain['table'], 'chain': rule.get('chain', chain['name']),
                             'rule': rule.get('text'), 'action': verdict, 'earlier_accepts': list(earlier_accepts)})
    return findings


def analyze(backend, chains, ports=(500, 4500)):
    """Return {blocking_rules, default_drop_chains, masquerade_without_ipsec_exemption} for the chains.

    chains: list of chain dicts (see the module docstring); ports: the IKE ports.
    """
    by_key = dict(((chain['table'], chain['name']), chain) for chain in chains)
    blocking = []
    default_drop = []
    nat = []
    for chain in chains:
        hook = chain.get('hook')
        if not hook:
            continue
        if chain.get('type', 'filter') == 'filter' and hook in DIRECTIONS:
            _walk(by_key, chain, hook, backend, list(ports), {'ports': set(), 'esp': False, 'all': False}, blocking,
                  0, frozenset())
            if (chain.get('policy') or '').lower() == 'drop' and hook in ('input', 'output', 'forward'):
                default_drop.append(_default_drop(backend, by_key, chain, list(ports)))
        if chain.get('type') == 'nat' and hook == 'postrouting':
            nat.extend(_source_nat(backend, by_key, chain))
    return {'blocking_rules': blocking, 'default_drop_chains': default_drop,
            'masquerade_without_ipsec_exemption': nat}
