# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Checklist area 1, service: facts available, daemon running, configuration valid and loaded."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine.checks.base import HOST, TUNNEL, Check
from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine.context import where
from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine.facts import MAX_SHAPE_PROBLEMS
from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine.findings import Finding


def facts_state(ctx, host):
    """The host was reached and its facts were gathered completely."""
    if host.status == 'unreachable':
        yield Finding('HOST_UNREACHABLE', [host.name], evidence=['%s: %s' % (host.name, host.problem or 'unreachable')])
        return
    if host.status != 'ok':
        yield Finding('FACTS_UNAVAILABLE', [host.name],
                      evidence=['%s: %s' % (host.name, host.problem or 'no facts')])
        return
    if host.shape_problems:
        problems = host.shape_problems
        evidence = ['%s: %s' % (host.name, problem) for problem in problems[:MAX_SHAPE_PROBLEMS]]
        if len(problems) > MAX_SHAPE_PROBLEMS:
            evidence.append('%s: ... %d more' % (host.name, len(problems) - MAX_SHAPE_PROBLEMS))
        yield Finding('FACTS_MALFORMED', [host.name], params={'count': len(problems)}, evidence=evidence)
    gaps = host.errors
    if gaps:
        evidence = ['%s %s: %s%s' % (host.name, gap.get('subset') or '-', gap.get('message') or 'not readable',
                                     ' (%s)' % gap.get('path') if gap.get('path') else '') for gap in gaps]
        yield Finding('FACTS_INCOMPLETE', [host.name], params={'count': len(gaps)}, evidence=evidence)


def _expects_a_daemon(host):
    # Connections (or a configuration that failed to parse into them) say a tunnel is wanted here;
    # an installed but unconfigured daemon that does not run is no fault.
    return bool(host.connections) or bool(host.config_errors)


def daemon_running(ctx, host):
    """An IKE daemon runs on every host that has IPsec connections configured."""
    if not host.has('service') or not _expects_a_daemon(host):
        return
    if host.daemon_running:
        return
    evidence = []
    units = []
    for daemon in host.daemons:
        unit = (daemon.get('systemd') or {})
        text = '%s %s %s: installed, not running' % (host.name, daemon.get('name'), daemon.get('version') or '')
        if unit:
            units.append(unit.get('unit'))
            text += ' (systemd %s: %s/%s, result %s, %s restart(s)%s)' % (
                unit.get('unit'), unit.get('active_state'), unit.get('sub_state'), unit.get('result'),
                unit.get('n_restarts', 0), ', OOM killed' if unit.get('oom_killed') else '')
        evidence.append(text)
    if not host.daemons:
        evidence.append('%s: no IKE daemon is installed, but %d connection(s) are configured'
                        % (host.name, len(host.connections)))
    names = ', '.join(str(daemon.get('name')) for daemon in host.daemons) or 'none installed'
    unit_names = ', '.join(str(unit) for unit in units if unit) or 'its service'
    yield Finding('DAEMON_NOT_RUNNING', [host.name], params={'daemons': names, 'unit': unit_names},
                  evidence=evidence)


def config_syntax(ctx, host):
    """The IPsec configuration files parse without errors."""
    errors = [error for error in host.config_errors if str(error.get('severity') or 'error') == 'error']
    if not errors:
        return
    evidence = ['%s %s:%s: %s' % (host.name, error.get('file') or '?', error.get('line') or '?',
                                  error.get('message') or 'error') for error in errors]
    # The connections the errors break are not checked further: their other symptoms are this error's.
    evidence.extend('%s %s: broken by the error, not checked further (%s:%s)' % (
        host.name, conn.get('name'), conn.get('file') or '?', conn.get('line') or '?')
        for conn in host.all_connections if conn.get('name') in host.broken_connections)
    yield Finding('CONFIG_PARSE_ERROR', [host.name], params={'count': len(errors)}, evidence=evidence)


def config_loaded(ctx, tunnel):
    """Each end's connection is loaded in its running daemon."""
    for end in tunnel.ends:
        host = end.host
        if host is None or end.conn is None or not host.daemon_running:
            continue
        state = host.config_loaded
        if not state.get('checked'):
            continue
        name = end.connection_name
        if name not in (state.get('missing_from_daemon') or []):
            continue
        evidence = ['%s %s: configured at %s' % (host.name, name, where(end.conn)),
                    '%s: the daemon has loaded: %s' % (host.name, ', '.join(state.get('loaded_connections') or [])
                                                       or 'nothing')]
        if state.get('config_mtime') and state.get('daemon_start_time') \
                and state.get('config_mtime') > state.get('daemon_start_time'):
            evidence.append('%s: the configuration changed after the daemon started' % host.name)
        yield Finding('CONFIG_NOT_LOADED', [host.name], tunnel=tunnel.id, params={'connection': name},
                      evidence=evidence, connections=[(host.name, name)])


CHECKS = (
    Check('facts', 'service', HOST, facts_state, needs_facts=False),
    Check('service', 'service', HOST, daemon_running),
    Check('config-syntax', 'service', HOST, config_syntax),
    Check('config-loaded', 'service', TUNNEL, config_loaded),
)
