# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The `sas` subset: the IKE and CHILD SAs the running daemon reports.

strongSwan: vici list-sas, else `swanctl --list-sas --pretty` (same message, printed one
key per line). Libreswan: the state lines of `ipsec whack --status` with the byte counters
of `ipsec trafficstatus`. Both map into one shape (docs/facts.md `sas`).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re

from ansible_collections.ipsec.doctor.plugins.module_utils._collect import daemons, runtime
from ansible_collections.ipsec.doctor.plugins.module_utils._collect.vici import ViciError

IKE_KEYS = (('uniqueid', 'uniqueid', str), ('version', 'version', int), ('state', 'state', str),
            ('local_host', 'local-host', str), ('local_port', 'local-port', int), ('local_id', 'local-id', str),
            ('remote_host', 'remote-host', str), ('remote_port', 'remote-port', int),
            ('remote_id', 'remote-id', str), ('initiator', 'initiator', 'bool'),
            ('encr_alg', 'encr-alg', str), ('encr_keysize', 'encr-keysize', int), ('integ_alg', 'integ-alg', str),
            ('prf_alg', 'prf-alg', str), ('dh_group', 'dh-group', str), ('nat_local', 'nat-local', 'bool'),
            ('nat_remote', 'nat-remote', 'bool'), ('nat_fake', 'nat-fake', 'bool'), ('nat_any', 'nat-any', 'bool'),
            ('established', 'established', int), ('rekey_time', 'rekey-time', int),
            ('reauth_time', 'reauth-time', int))
CHILD_KEYS = (('name', 'name', str), ('uniqueid', 'uniqueid', str), ('state', 'state', str), ('mode', 'mode', str),
              ('protocol', 'protocol', str), ('encap', 'encap', 'bool'), ('spi_in', 'spi-in', str),
              ('spi_out', 'spi-out', str), ('encr_alg', 'encr-alg', str), ('encr_keysize', 'encr-keysize', int),
              ('integ_alg', 'integ-alg', str), ('dh_group', 'dh-group', str), ('esn', 'esn', 'bool'),
              ('bytes_in', 'bytes-in', int), ('bytes_out', 'bytes-out', int), ('packets_in', 'packets-in', int),
              ('packets_out', 'packets-out', int), ('rekey_time', 'rekey-time', int),
              ('life_time', 'life-time', int), ('install_time', 'install-time', int),
              ('local_ts', 'local-ts', list), ('remote_ts', 'remote-ts', list))

_PLUTO_STATE = re.compile(r'^(?:\d{3} )?#(?P<serial>\d+): "(?P<conn>[^"]+)"(?:\[\d+\])?(?:[^ ]*)? '
                          r'(?P<state>STATE_\w+) \((?P<description>[^)]*)\)(?P<rest>.*)$')
_PLUTO_PARENT = re.compile(r'\b(?:IKE SA|parent) #(\d+)', re.IGNORECASE)
_TRAFFIC = re.compile(r'^(?:\d{3} )?#(?P<serial>\d+): "(?P<conn>[^"]+)"(?:\[\d+\])?[^,]*, (?P<fields>.*)$')


def _convert(value, kind):
    if kind == 'bool':
        # vici sends flags only when they are set.
        return value in ('yes', '1')
    if value is None:
        return [] if kind is list else None
    if kind is int:
        try:
            return int(value)
        except (TypeError, ValueError):
            return None
    if kind is list:
        return list(value) if isinstance(value, list) else [value]
    return value


def _mapped(raw, keys):
    return dict((name, _convert(raw.get(wire), kind)) for name, wire, kind in keys)


def map_vici_sas(items):
    """Map vici list-sa events ([{ike name: {...}}]) to the ike_sas list."""
    ike_sas = []
    for item in items:
        for name, raw in item.items():
            if not isinstance(raw, dict):
                continue
            sa = _mapped(raw, IKE_KEYS)
            sa['connection'] = name
            sa['child_sas'] = []
            for key, child in sorted((raw.get('child-sas') or {}).items()):
                if isinstance(child, dict):
                    mapped = _mapped(child, CHILD_KEYS)
                    mapped['name'] = mapped['name'] or key.rsplit('-', 1)[0]
                    sa['child_sas'].append(mapped)
            ike_sas.append(sa)
    return ike_sas


def parse_swanctl_pretty(text):
    """Parse `swanctl --list-sas --pretty` into the list of list-sa event messages."""
    events = []
    stack = []
    list_name = None
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if list_name is not None:
            if stripped == ']':
                list_name = None
            else:
                stack[-1][list_name].append(stripped)
            continue
        if stripped.endswith('{'):
            name = stripped[:-1].strip()
            if not stack:
                message = {}
                events.append(message)
                stack.append(message)
                continue
            section = {}
            stack[-1][name] = section
            stack.append(section)
        elif stripped == '}':
            if stack:
                stack.pop()
        elif ' = ' in stripped or stripped.endswith(' ='):
            key, _sep, value = stripped.partition(' =')
            value = value.strip()
            if not stack:
                continue
            if value == '[':
                stack[-1][key] = []
                list_name = key
            else:
                stack[-1][key] = value
    return events


def _strongswan(host):
    try:
        return 'vici', map_vici_sas(runtime.vici_query(host, 'list-sas'))
    except ViciError as exc:
        vici_problem = str(exc)
    result = host.run('sas', ['swanctl', '--list-sas', '--pretty'])
    if result is not None and result.ok:
        return 'swanctl', map_vici_sas(parse_swanctl_pretty(result.stdout))
    host.gap('sas', 'strongSwan SAs not available: %s' % vici_problem)
    return 'none', []


def parse_pluto_states(status_text, traffic_text=''):
    """Map `ipsec whack --status` state lines (and trafficstatus counters) to the ike_sas list."""
    ike = {}
    children = []
    for line in status_text.splitlines():
        match = _PLUTO_STATE.match(line.strip())
        if not match:
            continue
        state = match.group('state')
        description = match.group('description')
        entry = {'serial': match.group('serial'), 'connection': match.group('conn'), 'pluto_state': state,
                 'description': description}
        is_child = ('CHILD' in state or 'IPSEC' in state or 'Child SA' in description or 'IPsec SA' in description
                    or 'V2_ESTABLISHED_CHILD' in state)
        if is_child:
            parent = _PLUTO_PARENT.search(match.group('rest'))
            entry['parent'] = parent.group(1) if parent else None
            children.append(entry)
        else:
            ike[entry['serial']] = entry
    traffic = {}
    for line in (traffic_text or '').splitlines():
        match = _TRAFFIC.match(line.strip())
        if match:
            fields = dict(part.strip().split('=', 1) for part in match.group('fields').split(',') if '=' in part)
            traffic[match.group('serial')] = fields
    ike_sas = []
    for serial, entry in ike.items():
        established = 'ESTABLISHED' in entry['pluto_state'] or 'established' in entry['description'].lower()
        ike_sas.append({'connection': entry['connection'], 'uniqueid': serial, 'version': 2 if '_V2_' in
                        entry['pluto_state'] or 'PARENT' in entry['pluto_state'] else 1,
                        'state': 'ESTABLISHED' if established else 'CONNECTING',
                        'pluto_state': entry['pluto_state'], 'child_sas': []})
    by_serial = dict((sa['uniqueid'], sa) for sa in ike_sas)
    for child in children:
        established = 'ESTABLISHED' in child['pluto_state'] or 'established' in child['description'].lower()
        counters = traffic.get(child['serial'], {})
        mapped = {'name': child['connection'], 'uniqueid': child['serial'],
                  'state': 'INSTALLED' if established else 'INSTALLING', 'pluto_state': child['pluto_state'],
                  'protocol': counters.get('type'), 'bytes_in': _convert(counters.get('inBytes'), int),
                  'bytes_out': _convert(counters.get('outBytes'), int)}
        parent = by_serial.get(child.get('parent'))
        if parent is None:
            parent = next((sa for sa in ike_sas if sa['connection'] == child['connection']), None)
        if parent is None:
            parent = {'connection': child['connection'], 'uniqueid': None, 'version': None, 'state': 'UNKNOWN',
                      'pluto_state': None, 'child_sas': []}
            ike_sas.append(parent)
            by_serial[None] = parent
        parent['child_sas'].append(mapped)
    return ike_sas


def _libreswan(host):
    status = runtime.pluto_status(host, 'sas')
    if status is None:
        return 'none', []
    traffic = host.run('sas', ['ipsec', 'trafficstatus'])
    return 'whack', parse_pluto_states(status, traffic.stdout if traffic is not None and traffic.ok else '')


def collect(host):
    """Return {source, ike_sas} (docs/facts.md `sas`)."""
    running = [d['family'] for d in daemons.installed_daemons(host) if d['running']]
    if daemons.STRONGSWAN in running or runtime.vici_socket(host):
        source, ike_sas = _strongswan(host)
    elif daemons.LIBRESWAN in running:
        source, ike_sas = _libreswan(host)
    else:
        source, ike_sas = 'none', []
    return {'source': source, 'ike_sas': ike_sas}
