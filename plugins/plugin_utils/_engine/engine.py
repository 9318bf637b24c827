# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The diagnosis: facts of every host in, the report (schema ipsec.doctor/report/v1) out.

    report = analyze({'gw-a': facts_a, 'gw-b': facts_b}, {'unreachable': {'gw-c': 'ssh timeout'}})

Steps: wrap each host's facts, pair tunnel ends, run the host checks and the tunnel checks,
attach the log lines to the findings that explain them (and report the ones nothing explains),
rank the findings root cause first, and derive each tunnel's state from its SAs.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import datetime
import gc

from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine import logs
from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine.checks import host_checks, tunnel_checks
from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine.context import Context
from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine.facts import HostFacts
from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine.findings import Finding
from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine.pairing import pair_tunnels
from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine.ranking import rank_findings
from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine.tunnel_state import tunnel_state

REPORT_SCHEMA = 'ipsec.doctor/report/v1'
MAX_LOG_LINES_PER_HOST = 5
SUCCESS_KINDS = ('child_established',)
GIVE_UP_MESSAGE_IDS = (0, 1)


def _as_problem_map(value):
    if isinstance(value, dict):
        return dict((str(name), str(reason or '')) for name, reason in value.items())
    return dict((str(name), '') for name in value or [])


def build_hosts(facts_by_host, unreachable=None, failed=None):
    """Return {name: HostFacts} for the facts of every host and the hosts without facts."""
    unreachable = _as_problem_map(unreachable)
    failed = _as_problem_map(failed)
    hosts = {}
    for name in sorted(set(facts_by_host or {}) | set(unreachable) | set(failed)):
        if name in unreachable:
            hosts[name] = HostFacts(name, None, 'unreachable', unreachable[name] or 'host unreachable')
        elif name in failed:
            hosts[name] = HostFacts(name, None, 'failed', failed[name] or 'ipsec_facts failed')
        else:
            hosts[name] = HostFacts(name, (facts_by_host or {}).get(name))
    return hosts


def run_checks(ctx):
    """Return the findings of every check on every host and tunnel (unranked)."""
    findings = []
    for check in host_checks():
        for name in sorted(ctx.hosts):
            host = ctx.hosts[name]
            if check.needs_facts and not host.ok:
                continue
            findings.extend(check.run(ctx, host))
    for check in tunnel_checks():
        for tunnel in ctx.tunnels:
            findings.extend(check.run(ctx, tunnel))
    return findings


class _LogIndex(object):
    """Events of every host grouped by connection name (None: the line named no connection).

    Events logged before the host's running daemon started are left out: they are history.
    """

    def __init__(self, hosts):
        self.events = {}
        self.by_host = {}
        self.used = set()
        self.position = {}   # id(event) -> its place in its host's log
        self.gone = set()    # id(event) of the events of connections the host no longer has
        for host in hosts.values():
            if not host.ok:
                continue
            start_times = logs.daemon_start_times(host)
            self.by_host[host.name] = [event for event in host.log_events
                                       if not logs.is_history(event, start_times, host.daemon_family)]
            names = set(conn.get('name') for conn in host.connections)
            loaded = host.config_loaded
            # Only a daemon that was asked tells which connections exist apart from the files.
            known = names | set(loaded.get('loaded_connections') or ()) | set(loaded.get('extra_in_daemon') or ()) \
                if loaded.get('checked') else None
            for place, event in enumerate(self.by_host[host.name]):
                self.position[id(event)] = place
                connection = event.get('connection')
                if connection not in names and connection and '/' in connection:
                    # Libreswan names the instances of a connection "conn/1x2" (leftsubnets=)
                    connection = connection.split('/', 1)[0]
                if connection and known is not None and connection not in known:
                    self.gone.add(id(event))
                self.events.setdefault((host.name, connection), []).append(event)

    def of(self, host_name, connection, single_tunnel):
        """The current events of a connection (plus those naming none when the host has a single tunnel).

        Events before the connection's last CHILD_SA establishment are history: that attempt
        worked, so they are neither evidence nor unexplained failures now.
        """
        own = list(self.events.get((host_name, connection), ())) if connection is not None else []
        found = own + (list(self.events.get((host_name, None), ())) if single_tunnel else [])
        self.used.update(id(event) for event in found)
        position = self.position
        successes = [position[id(event)] for event in own if event.get('kind') in SUCCESS_KINDS]
        cut = max(successes) if successes else -1
        return sorted((event for event in found if position[id(event)] > cut), key=lambda event: position[id(event)])

    def unused(self, host_name):
        """The events of host that no tunnel looked at, in log order.

        Events of a connection that is neither configured nor loaded any more are history of an
        earlier configuration: they are left out.
        """
        return [event for event in self.by_host.get(host_name, ())
                if id(event) not in self.used and id(event) not in self.gone]


def correlate_logs(ctx, findings):
    """Attach log lines to the findings that explain them; return new findings for the unexplained ones."""
    index = _LogIndex(ctx.hosts)
    by_tunnel, by_host = {}, {}
    for finding in findings:
        if finding.tunnel is not None:
            by_tunnel.setdefault(finding.tunnel, []).append(finding)
        else:
            for host in finding.hosts:
                by_host.setdefault(host, []).append(finding)
    extra = []
    for tunnel in ctx.tunnels:
        candidates = list(by_tunnel.get(tunnel.id, ()))
        for name in tunnel.host_names:
            candidates.extend(by_host.get(name, ()))
        seen_from = {}
        unexplained, give_ups = [], []
        for end in tunnel.ends:
            if end.host is None or not end.host.ok:
                continue
            single = len(ctx.tunnels_of_host.get(end.host_name, ())) == 1
            counts = {}
            for event in index.of(end.host_name, end.connection_name, single):
                codes = logs.explaining_codes(event)
                if not codes:
                    continue
                matched = [finding for finding in candidates if finding.code in codes]
                line = logs.evidence_line(end.host_name, event)
                for finding in matched:
                    key = (id(finding), end.host_name)
                    if counts.get(key, 0) < MAX_LOG_LINES_PER_HOST:
                        finding.add_evidence([line])
                        counts[key] = counts.get(key, 0) + 1
                    seen_from.setdefault(id(finding), set()).add(end.host_name)
                if matched or not logs.is_failure(event):
                    continue
                if logs.is_give_up(event) and event.get('message_id') in GIVE_UP_MESSAGE_IDS:
                    give_ups.append((end, event, line))
                else:
                    unexplained.append((end, event, line))
        for finding in candidates:
            if len(seen_from.get(id(finding), ())) > 1:
                finding.definite = True
        extra.extend(_unexplained_findings(tunnel, give_ups, unexplained))
    for name in sorted(ctx.hosts):
        extra.extend(_host_log_findings(name, index.unused(name), by_host.get(name, ())))
    return extra


def _host_log_findings(host_name, events, host_findings):
    """Attach events no tunnel claimed to the host's own findings; report the failures left over."""
    leftover = []
    for event in events:
        codes = logs.explaining_codes(event)
        if not codes:
            continue
        line = logs.evidence_line(host_name, event)
        matched = [finding for finding in host_findings if finding.code in codes]
        for finding in matched:
            finding.add_evidence([line])
        if not matched and logs.is_failure(event):
            leftover.append((host_name, line))
    if leftover:
        yield Finding('LOG_FAILURE_UNEXPLAINED', [host_name], params={'count': len(leftover)},
                      evidence=_limited(leftover), definite=False)


def _limited(lines):
    counts, kept = {}, []
    for host, line in lines:
        if counts.get(host, 0) < MAX_LOG_LINES_PER_HOST:
            kept.append(line)
            counts[host] = counts.get(host, 0) + 1
    return kept


def _unexplained_findings(tunnel, give_ups, unexplained):
    if give_ups:
        end, event, _line = give_ups[0]
        peer = tunnel.other(end)
        yield Finding('PEER_UNREACHABLE', [end.host_name] + ([peer.host_name] if peer.host_name else []),
                      tunnel=tunnel.id,
                      params={'host': end.host_name, 'peer': peer.host_name or peer.address or 'the peer',
                              'message_id': event.get('message_id')},
                      evidence=_limited([(item[0].host_name, item[2]) for item in give_ups]),
                      definite=False, connections=[(end.host_name, end.connection_name)])
    if unexplained:
        hosts = []
        for end, _event, _line in unexplained:
            if end.host_name not in hosts:
                hosts.append(end.host_name)
        yield Finding('LOG_FAILURE_UNEXPLAINED', hosts, tunnel=tunnel.id,
                      params={'count': len(unexplained)},
                      evidence=_limited([(item[0].host_name, item[2]) for item in unexplained]),
                      definite=False,
                      connections=[(end.host_name, end.connection_name) for end, _e, _l in unexplained])


def _host_entry(host):
    errors = []
    if host.problem:
        errors.append(host.problem)
    for gap in host.errors:
        errors.append('%s: %s%s' % (gap.get('subset') or '-', gap.get('message') or 'not readable',
                                    ' (%s)' % gap.get('path') if gap.get('path') else ''))
    return {
        'daemon': host.daemon_family if host.ok else 'none',
        'version': host.daemon_version if host.ok else None,
        'facts_ok': host.ok,
        'errors': errors,
    }


def _timestamp(value):
    return value.astimezone(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')


def analyze(facts_by_host, options=None):
    """Return the report dict (docs: CONTRACT.md report.json) for the facts of all hosts.

    facts_by_host: {inventory name: ansible_facts.ipsec dict}.
    options: unreachable ({name: reason} or names), failed ({name: reason} or names),
    peers (pairing overrides {host: {connection: {host, connection}}}), host_addresses ({name:
    [inventory addresses]}: recognizes peers without facts), now (aware datetime
    the certificates are judged at), cert_expiry_warning_days (30).
    """
    options = dict(options or {})
    # The analysis builds many small, acyclic objects next to large facts; pausing the cyclic
    # garbage collector saves its repeated full scans (2x at 10,000 hosts). Reference counting
    # still frees everything.
    paused = gc.isenabled()
    gc.disable()
    try:
        return _analyze(facts_by_host, options)
    finally:
        if paused:
            gc.enable()


def _analyze(facts_by_host, options):
    hosts = build_hosts(facts_by_host, options.get('unreachable'), options.get('failed'))
    tunnels = pair_tunnels(hosts, options.get('peers'), options.get('host_addresses'))
    ctx = Context(hosts, tunnels, options)
    findings = run_checks(ctx)
    findings.extend(correlate_logs(ctx, findings))
    findings = rank_findings(findings)
    for tunnel in tunnels:
        tunnel.state = tunnel_state(tunnel)
    return {
        'schema': REPORT_SCHEMA,
        'generated': _timestamp(ctx.now),
        'hosts': dict((name, _host_entry(host)) for name, host in sorted(hosts.items())),
        'tunnels': [{'id': tunnel.id, 'peers': [end.as_dict() for end in tunnel.ends], 'state': tunnel.state}
                    for tunnel in tunnels],
        'findings': [finding.as_dict() for finding in findings],
    }
