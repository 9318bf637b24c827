# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""`nft -j list ruleset` to the chain model of `firewall_rules` (pure functions)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

VERDICTS = ('accept', 'drop', 'reject', 'return', 'masquerade', 'snat', 'jump', 'goto')
PROTOCOL_KEYS = (('meta', 'l4proto'), ('payload', 'protocol'), ('payload', 'nexthdr'))
# Tables iptables-nft creates; when iptables-save is analysed too they are left to it.
IPTABLES_CHAINS = ('INPUT', 'OUTPUT', 'FORWARD', 'PREROUTING', 'POSTROUTING')


class NftFormatError(ValueError):
    """Output that is not nft's JSON ruleset."""


def _render_value(value):
    if isinstance(value, dict):
        if 'set' in value:
            return '{ %s }' % ', '.join(_render_value(item) for item in value['set'])
        if 'range' in value:
            return '%s-%s' % tuple(_render_value(item) for item in value['range'])
        if 'prefix' in value:
            return '%s/%s' % (value['prefix'].get('addr'), value['prefix'].get('len'))
        return json.dumps(value, sort_keys=True)
    if isinstance(value, list):
        return ','.join(_render_value(item) for item in value)
    if value is True:
        return 'exists'
    if value is False:
        return 'missing'
    return str(value)


def _render_left(left):
    if not isinstance(left, dict):
        return str(left)
    for kind, body in left.items():
        if kind == 'payload' and isinstance(body, dict):
            return '%s %s' % (body.get('protocol'), body.get('field'))
        if isinstance(body, dict) and 'key' in body:
            return '%s %s' % (kind, body['key'])
        return kind
    return '?'


def render_rule(exprs):
    """Return a readable nft-like text of a rule's expressions."""
    words = []
    for expr in exprs:
        for kind, body in expr.items():
            if kind == 'match':
                op = body.get('op', '==')
                words.append('%s%s %s' % (_render_left(body.get('left')), '' if op in ('==', 'in') else ' ' + op,
                                          _render_value(body.get('right'))))
            elif kind in ('jump', 'goto'):
                words.append('%s %s' % (kind, (body or {}).get('target')))
            elif kind == 'counter':
                continue
            elif kind == 'xt':
                words.append('xt %s %s' % ((body or {}).get('type'), (body or {}).get('name')))
            elif body is None:
                words.append(kind)
            elif kind in VERDICTS:
                words.append('%s %s' % (kind, _render_value(body)))
            else:
                words.append(kind)
    return ' '.join(words)


def _values(right):
    """Return (port values, or None when not a port value)."""
    if isinstance(right, int):
        return [right]
    if isinstance(right, dict):
        if 'set' in right:
            values = []
            for item in right['set']:
                inner = _values(item)
                if inner is None:
                    return None
                values.extend(inner)
            return values
        if 'range' in right and len(right['range']) == 2:
            return [(int(right['range'][0]), int(right['range'][1]))]
    if isinstance(right, str) and right.isdigit():
        return [int(right)]
    return None


def _protocol_names(right):
    if isinstance(right, dict) and 'set' in right:
        return set(str(item) for item in right['set'])
    if isinstance(right, list):
        return set(str(item) for item in right)
    return {str(right)}


def translate_rule(table, chain, exprs):
    """Return the rule dict (firewall_rules) of one nft rule."""
    rule = {'table': table, 'chain': chain, 'text': render_rule(exprs), 'protocols': None, 'protocol_negated': False,
            'ports': [], 'ipsec': None, 'verdict': None, 'target': None, 'other': False, 'ct_state': False}
    for expr in exprs:
        for kind, body in expr.items():
            if kind == 'match':
                _translate_match(rule, body)
            elif kind in ('jump', 'goto'):
                rule['verdict'] = kind
                rule['target'] = (body or {}).get('target')
            elif kind in VERDICTS:
                rule['verdict'] = kind
            elif kind == 'xt':
                rule['other'] = True
                name = (body or {}).get('name', '')
                if (body or {}).get('type') == 'target':
                    rule['verdict'] = name.lower() if name.lower() in VERDICTS else 'xt:%s' % name
    return rule


def _translate_match(rule, body):
    left = body.get('left') or {}
    right = body.get('right')
    negated = body.get('op') == '!='
    if 'payload' in left and isinstance(left['payload'], dict):
        payload = left['payload']
        field = payload.get('field')
        if field in ('dport', 'sport') and payload.get('protocol') in ('udp', 'th'):
            values = _values(right)
            if values is not None:
                if payload.get('protocol') == 'udp':
                    rule['protocols'] = {'udp'}
                rule['ports'].append({'field': field, 'negated': negated, 'values': values})
                return
        if field in ('protocol', 'nexthdr'):
            rule['protocols'] = _protocol_names(right)
            rule['protocol_negated'] = negated
            return
        rule['other'] = True
        return
    if 'meta' in left and isinstance(left['meta'], dict):
        key = left['meta'].get('key')
        if key == 'l4proto':
            rule['protocols'] = _protocol_names(right)
            rule['protocol_negated'] = negated
            return
        if key in ('ipsec', 'secpath'):
            rule['ipsec'] = (right is True) != negated
            return
        rule['other'] = True
        return
    if 'rt' in left and isinstance(left['rt'], dict) and left['rt'].get('key') == 'ipsec':
        rule['ipsec'] = (right is True) != negated
        return
    if 'ct' in left:
        rule['ct_state'] = True
        return
    if 'ipsec' in left:
        rule['ipsec'] = True
        return
    rule['other'] = True


def iptables_nft_tables(objects):
    """Return the (family table) names that iptables-nft manages (they have its upper-case base chains)."""
    tables = set()
    for item in objects:
        chain = item.get('chain')
        if chain and chain.get('family') in ('ip', 'ip6') and chain.get('name') in IPTABLES_CHAINS:
            tables.add('%s %s' % (chain['family'], chain['table']))
    return tables


def parse_ruleset(text):
    """Return (chains, xt_tables) of an `nft -j list ruleset` output; raise NftFormatError.

    xt_tables: the 'family name' tables iptables-nft manages, when some rule uses its
    compatibility expressions (whose meaning only iptables-save shows); else empty.
    """
    try:
        objects = json.loads(text or '{}').get('nftables', [])
    except (ValueError, AttributeError):
        raise NftFormatError('nft printed no JSON ruleset')
    chains = {}
    order = []
    uses_xt = False
    for item in objects:
        chain = item.get('chain')
        if chain:
            table = '%s %s' % (chain.get('family'), chain.get('table'))
            key = (table, chain.get('name'))
            chains[key] = {'table': table, 'name': chain.get('name'), 'type': chain.get('type'),
                           'hook': chain.get('hook'), 'policy': chain.get('policy'), 'rules': []}
            order.append(key)
    for item in objects:
        rule = item.get('rule')
        if not rule:
            continue
        table = '%s %s' % (rule.get('family'), rule.get('table'))
        key = (table, rule.get('chain'))
        if key not in chains:
            continue
        exprs = rule.get('expr') or []
        if any('xt' in expr for expr in exprs):
            uses_xt = True
        chains[key]['rules'].append(translate_rule(table, rule.get('chain'), exprs))
    return [chains[key] for key in order], iptables_nft_tables(objects) if uses_xt else set()
