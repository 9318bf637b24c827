# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""`iptables-save` / `ip6tables-save` text to the chain model of `firewall_rules` (pure functions)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import shlex

BUILTIN_HOOKS = {'INPUT': 'input', 'OUTPUT': 'output', 'FORWARD': 'forward', 'PREROUTING': 'prerouting',
                 'POSTROUTING': 'postrouting'}
TABLE_TYPES = {'filter': 'filter', 'nat': 'nat', 'mangle': 'route', 'raw': 'filter', 'security': 'filter'}
TARGETS = {'ACCEPT': 'accept', 'DROP': 'drop', 'REJECT': 'reject', 'RETURN': 'return', 'MASQUERADE': 'masquerade',
           'SNAT': 'snat'}
# Options whose argument is not a condition on the packet.
NEUTRAL = ('-m', '--comment', '-c', '--reject-with', '--to-source', '--to-ports', '--log-prefix', '--log-level')
OTHER_MATCHES = ('-s', '--source', '-d', '--destination', '-i', '--in-interface', '-o', '--out-interface',
                 '--mark', '--uid-owner', '--src-range', '--dst-range', '--match-set', '--icmp-type')


def _port_values(text):
    values = []
    for part in text.split(','):
        if ':' in part:
            low, _sep, high = part.partition(':')
            values.append((int(low or 0), int(high or 65535)))
        else:
            values.append(int(part))
    return values


def translate_rule(table, chain, args, text):
    """Return the rule dict (firewall_rules) of one `-A CHAIN ...` line's arguments."""
    rule = {'table': table, 'chain': chain, 'text': text, 'protocols': None, 'protocol_negated': False,
            'ports': [], 'ipsec': None, 'verdict': None, 'target': None, 'other': False, 'ct_state': False}
    negate = False
    policy = {}
    index = 0
    while index < len(args):
        word = args[index]
        value = args[index + 1] if index + 1 < len(args) else None
        if word == '!':
            negate = True
            index += 1
            continue
        if word in ('-p', '--protocol'):
            rule['protocols'] = {value.lower()} if value else None
            rule['protocol_negated'] = negate
        elif word in ('--dport', '--destination-port', '--sport', '--source-port', '--dports', '--sports',
                      '--destination-ports', '--source-ports', '--ports'):
            field = 'sport' if 'sport' in word or 'source' in word else 'dport'
            try:
                rule['ports'].append({'field': field, 'negated': negate, 'values': _port_values(value or '')})
            except ValueError:
                rule['other'] = True
        elif word in ('-j', '--jump', '-g', '--goto'):
            target = value or ''
            if target in TARGETS:
                rule['verdict'] = TARGETS[target]
            elif word in ('-g', '--goto'):
                rule['verdict'], rule['target'] = 'goto', target
            else:
                rule['verdict'], rule['target'] = 'jump', target
        elif word == '--pol':
            policy['pol'] = value
        elif word == '--dir':
            policy['dir'] = value
        elif word in ('--state', '--ctstate'):
            rule['ct_state'] = True
        elif word in OTHER_MATCHES:
            rule['other'] = True
        elif word in NEUTRAL or not word.startswith('-'):
            pass
        else:
            rule['other'] = True
        negate = False
        index += 1 if not word.startswith('-') or value is None else 2
    if policy.get('pol') == 'ipsec':
        rule['ipsec'] = True
    elif policy.get('pol') == 'none':
        rule['ipsec'] = False
    return rule


def parse_save(text, family='ip'):
    """Return the chains of an iptables-save output (family 'ip' or 'ip6' names the tables)."""
    chains = {}
    order = []
    table = None
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith('#') or line == 'COMMIT':
            continue
        if line.startswith('*'):
            table = line[1:]
            continue
        if table is None:
            continue
        name = '%s %s' % (family, table)
        if line.startswith(':'):
            parts = line[1:].split()
            chain = parts[0]
            policy = parts[1] if len(parts) > 1 and parts[1] != '-' else None
            chains[(name, chain)] = {'table': name, 'name': chain, 'type': TABLE_TYPES.get(table, 'filter'),
                                     'hook': BUILTIN_HOOKS.get(chain) if policy else None,
                                     'policy': policy.lower() if policy else None, 'rules': []}
            order.append((name, chain))
            continue
        if line.startswith('-A '):
            try:
                args = shlex.split(line)
            except ValueError:
                continue
            chain = args[1]
            key = (name, chain)
            if key not in chains:
                chains[key] = {'table': name, 'name': chain, 'type': TABLE_TYPES.get(table, 'filter'), 'hook': None,
                               'policy': None, 'rules': []}
                order.append(key)
            chains[key]['rules'].append(translate_rule(name, chain, args[2:], line))
    return [chains[key] for key in order]
