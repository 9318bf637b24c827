# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The `service` subset: the IKE daemons, their state, control sockets, and whether the config on disk is loaded.

systemd is asked only where it runs (/run/systemd/system exists); containers and the
lab report systemd as service manager without running it, so sockets and /proc are
the primary evidence.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.ipsec.doctor.plugins.module_utils._collect import daemons, runtime
from ansible_collections.ipsec.doctor.plugins.module_utils._collect.config import config_mtime, parsed_configs
from ansible_collections.ipsec.doctor.plugins.module_utils._collect.vici import ViciError

SYSTEMD_UNITS = {
    'charon-systemd': 'strongswan.service',
    'charon': 'strongswan-starter.service',
    'starter': 'strongswan-starter.service',
    'pluto': 'ipsec.service',
    'racoon': 'racoon.service',
}
SYSTEMD_PROPERTIES = 'Id,LoadState,ActiveState,SubState,Result,NRestarts'


def systemd_running(host):
    """True when systemd is the running init (sd_booted(3))."""
    return host.files.isdir('/run/systemd/system')


def parse_systemctl_show(text):
    """Parse `systemctl show -p ... UNIT...` (blocks separated by blank lines) into {unit: {property: value}}."""
    units = {}
    current = {}
    for line in text.splitlines() + ['']:
        if not line.strip():
            if current.get('Id'):
                units[current['Id']] = current
            current = {}
            continue
        key, _sep, value = line.partition('=')
        current[key.strip()] = value.strip()
    return units


def _systemd_states(host, names):
    units = sorted(set(SYSTEMD_UNITS[name] for name in names if name in SYSTEMD_UNITS))
    if not units:
        return {}
    result = host.run_ok('service', ['systemctl', 'show', '-p', SYSTEMD_PROPERTIES] + units, label='systemctl show')
    if result is None:
        return {}
    states = {}
    for unit, props in parse_systemctl_show(result.stdout).items():
        if props.get('LoadState') == 'not-found':
            continue
        try:
            restarts = int(props.get('NRestarts', ''))
        except ValueError:
            restarts = None
        states[unit] = {'unit': unit, 'active_state': props.get('ActiveState'), 'sub_state': props.get('SubState'),
                        'result': props.get('Result'), 'n_restarts': restarts,
                        'oom_killed': props.get('Result') == 'oom-kill'}
    return states


def _loaded_strongswan(host):
    try:
        items = runtime.vici_query(host, 'list-conns')
    except ViciError as exc:
        host.gap('service', 'cannot ask charon for its connections: %s' % exc)
        return None
    names = []
    for item in items:
        names.extend(name for name in item if name not in names)
    return names


def _loaded_libreswan(host):
    status = runtime.pluto_status(host, 'service')
    if status is None:
        return None
    return runtime.pluto_connection_names(status)


def _config_loaded(host, running):
    configured = {}
    for item in parsed_configs(host):
        for conn in item['result'].get('connections') or []:
            configured.setdefault(item['family'], []).append(conn.get('name'))
    loaded = None
    family = None
    if daemons.STRONGSWAN in running and runtime.vici_socket(host):
        family, loaded = daemons.STRONGSWAN, _loaded_strongswan(host)
    elif daemons.LIBRESWAN in running and runtime.pluto_socket(host):
        family, loaded = daemons.LIBRESWAN, _loaded_libreswan(host)
    if loaded is None:
        return {'checked': False, 'loaded_connections': [], 'missing_from_daemon': [], 'extra_in_daemon': [],
                'config_mtime': config_mtime(host), 'daemon_start_time': None}
    on_disk = configured.get(family, [])
    starts = [d['start_time'] for d in daemons.installed_daemons(host)
              if d['family'] == family and d['running'] and d['start_time'] is not None]
    return {
        'checked': True,
        'family': family,
        'loaded_connections': loaded,
        'missing_from_daemon': [name for name in on_disk if name not in loaded],
        'extra_in_daemon': [name for name in loaded if name not in on_disk],
        'config_mtime': config_mtime(host),
        'daemon_start_time': min(starts) if starts else None,
    }


def _vici_version(host):
    try:
        answer = runtime.vici_query(host, 'version')
    except ViciError:
        return None
    return answer.get('version')


def collect(host):
    """Return {daemons, sockets, primary, systemd_running, config_loaded} (docs/facts.md `service`)."""
    found = daemons.installed_daemons(host)
    versions = daemons.daemon_versions(host)
    running_version = _vici_version(host) if runtime.vici_socket(host) else None
    systemd = systemd_running(host)
    states = _systemd_states(host, [d['name'] for d in found]) if systemd else {}
    entries = []
    for daemon in found:
        version = versions.get(daemon['family'])
        if daemon['family'] == daemons.STRONGSWAN and daemon['running'] and running_version:
            version = running_version
        entry = dict(daemon)
        entry['version'] = version
        entry['systemd'] = states.get(SYSTEMD_UNITS.get(daemon['name'])) if systemd else None
        entries.append(entry)
    running = [d['family'] for d in found if d['running']]
    return {
        'daemons': entries,
        'sockets': {'vici': runtime.vici_socket(host), 'pluto_ctl': runtime.pluto_socket(host)},
        'primary': daemons.primary_family(host),
        'systemd_running': systemd,
        'config_loaded': _config_loaded(host, running),
    }
