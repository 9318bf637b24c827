# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The `routes` subset: addresses, links, routes, policy rules, and the kernel's XFRM policies and states.

`ip` prints JSON for addresses, links, routes and rules, but not for XFRM, so
`ip xfrm policy list` and `ip xfrm state list` are parsed as text. Key material lines
(enc, auth, auth-trunc, aead, comp) keep only the algorithm name and the key length;
the key itself is dropped while parsing and never stored.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

MAX_ROUTES = 5000
KEY_LINES = ('enc', 'auth', 'auth-trunc', 'aead', 'comp')


def _ip_json(host, argv):
    result = host.run_ok('routes', argv)
    if result is None:
        return None
    try:
        data = json.loads(result.stdout or '[]')
    except ValueError:
        host.gap('routes', '%s printed no JSON' % ' '.join(argv))
        return None
    return data if isinstance(data, list) else []


def addresses(host):
    """Return [{ifname, address, prefixlen, family, scope}] from `ip -j addr` (computed once)."""
    def compute(host):
        data = _ip_json(host, ['ip', '-j', 'addr', 'show'])
        found = []
        for link in data or []:
            for info in link.get('addr_info') or []:
                if info.get('local') is None:
                    continue
                found.append({'ifname': link.get('ifname'), 'address': info.get('local'),
                              'prefixlen': info.get('prefixlen'),
                              'family': 6 if info.get('family') == 'inet6' else 4,
                              'scope': info.get('scope')})
        return found
    return host.cached('addresses', compute)


def local_addresses(host):
    """Return the host's own addresses as text (for orienting Libreswan connections)."""
    return [entry['address'] for entry in addresses(host)]


def _interfaces(host):
    data = _ip_json(host, ['ip', '-j', '-d', 'link', 'show'])
    found = []
    for link in data or []:
        found.append({'ifname': link.get('ifname'), 'mtu': link.get('mtu'), 'state': link.get('operstate'),
                      'kind': (link.get('linkinfo') or {}).get('info_kind'), 'flags': link.get('flags') or []})
    return found


def _routes(host):
    found = []
    for family in ('-4', '-6'):
        data = _ip_json(host, ['ip', family, '-j', 'route', 'show', 'table', 'all'])
        for route in data or []:
            if len(found) >= MAX_ROUTES:
                host.gap('routes', 'more than %d routes; the rest is left out' % MAX_ROUTES)
                return found
            found.append({'table': str(route.get('table', 'main')), 'dst': route.get('dst'),
                          'dev': route.get('dev'), 'gateway': route.get('gateway'), 'src': route.get('prefsrc'),
                          'type': route.get('type', 'unicast'), 'family': 4 if family == '-4' else 6,
                          'metric': route.get('metric')})
    return found


def _rules(host):
    found = []
    for family in ('-4', '-6'):
        data = _ip_json(host, ['ip', family, '-j', 'rule', 'show'])
        for rule in data or []:
            selector = ['from %s' % rule.get('src', 'all')]
            if rule.get('dst'):
                selector.append('to %s/%s' % (rule['dst'], rule['dstlen']) if rule.get('dstlen') is not None
                                else 'to %s' % rule['dst'])
            for key in ('fwmark', 'iif', 'oif'):
                if rule.get(key) is not None:
                    selector.append('%s %s' % (key, rule[key]))
            found.append({'priority': rule.get('priority'), 'table': str(rule.get('table', '')),
                          'selector': ' '.join(selector), 'family': 4 if family == '-4' else 6})
    return found


def _words_after(words, key):
    try:
        return words[words.index(key) + 1]
    except (ValueError, IndexError):
        return None


def _key_algorithm(words):
    """Return {alg, key_bits} of a key line; the key value is not kept."""
    algorithm = {'alg': words[1] if len(words) > 1 else None, 'key_bits': None}
    if len(words) > 2 and words[2].startswith('0x'):
        algorithm['key_bits'] = (len(words[2]) - 2) * 4
    return algorithm


def _xfrm_entries(text):
    """Return [(words of the header, [words of each following line])] of `ip xfrm state|policy list` output.

    An entry starts with a ``src ...`` line at column 0; lines before the first entry are skipped.
    """
    entries = []
    for line in text.splitlines():
        words = line.split()
        if not words:
            continue
        if not line[0].isspace() and words[0] == 'src':
            entries.append((words, []))
        elif entries:
            entries[-1][1].append(words)
    return entries


def parse_xfrm_states(text):
    """Parse `ip xfrm state list` into [{src, dst, proto, spi, reqid, mode, encap, algorithms}]."""
    states = []
    for header, lines in _xfrm_entries(text):
        current = {'src': _words_after(header, 'src'), 'dst': _words_after(header, 'dst'), 'proto': None,
                   'spi': None, 'reqid': None, 'mode': None, 'encap': None, 'algorithms': {}}
        states.append(current)
        for words in lines:
            if words[0] in KEY_LINES:
                current['algorithms'][words[0]] = _key_algorithm(words)
            elif words[0] == 'proto':
                current['proto'] = words[1] if len(words) > 1 else None
                current['spi'] = _words_after(words, 'spi')
                current['reqid'] = _words_after(words, 'reqid')
                current['mode'] = _words_after(words, 'mode')
            elif words[0] == 'encap':
                current['encap'] = 'udp' if 'espinudp' in words else _words_after(words, 'type')
                current['encap_sport'] = _words_after(words, 'sport')
                current['encap_dport'] = _words_after(words, 'dport')
            elif words[0] == 'sel':
                current['sel_src'] = _words_after(words, 'src')
                current['sel_dst'] = _words_after(words, 'dst')
    return states


def parse_xfrm_policies(text):
    """Parse `ip xfrm policy list` into [{src, dst, dir, action, priority, tmpl_src, tmpl_dst, proto, mode, reqid}]."""
    policies = []
    for header, lines in _xfrm_entries(text):
        current = {'src': _words_after(header, 'src'), 'dst': _words_after(header, 'dst'), 'dir': None,
                   'action': 'allow', 'priority': None, 'tmpl_src': None, 'tmpl_dst': None, 'proto': None,
                   'mode': None, 'reqid': None}
        policies.append(current)
        for words in lines:
            if words[0] in ('dir', 'socket'):
                current['dir'] = words[1] if words[0] == 'dir' else 'socket-%s' % words[1]
                current['priority'] = _words_after(words, 'priority')
                if 'action' in words:
                    current['action'] = _words_after(words, 'action')
            elif words[0] == 'action':
                current['action'] = words[1] if len(words) > 1 else current['action']
            elif words[0] == 'tmpl':
                current['tmpl_src'] = _words_after(words, 'src')
                current['tmpl_dst'] = _words_after(words, 'dst')
            elif words[0] == 'proto':
                current['proto'] = words[1] if len(words) > 1 else None
                current['mode'] = _words_after(words, 'mode')
                current['reqid'] = _words_after(words, 'reqid')
    return policies


def _xfrm(host, what, parse):
    result = host.run_ok('routes', ['ip', 'xfrm', what, 'list'])
    if result is None:
        return []
    return parse(result.stdout)


def collect(host):
    """Return {addresses, interfaces, routes, rules, xfrm_policies, xfrm_states} (docs/facts.md `routes`)."""
    return {
        'addresses': addresses(host),
        'interfaces': _interfaces(host),
        'routes': _routes(host),
        'rules': _rules(host),
        'xfrm_policies': _xfrm(host, 'policy', parse_xfrm_policies),
        'xfrm_states': _xfrm(host, 'state', parse_xfrm_states),
    }
