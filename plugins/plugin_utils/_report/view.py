# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Read-only views of a report dict that every writer shares: per tunnel findings, checks, thresholds."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine.catalog import CATALOG, SEVERITIES
from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine.checks import check_names

FAIL_ON_CHOICES = SEVERITIES + ('never',)


def at_or_above(severity, threshold):
    """True when severity reaches threshold (never: nothing does)."""
    if threshold == 'never':
        return False
    return SEVERITIES.index(severity) >= SEVERITIES.index(threshold)


def failing_findings(report, threshold):
    """The findings at or above threshold, in report order."""
    return [finding for finding in report.get('findings', []) if at_or_above(finding['severity'], threshold)]


def tunnel_hosts(tunnel):
    """Inventory hosts of a tunnel entry."""
    return [peer['host'] for peer in tunnel.get('peers', []) if peer.get('host')]


def findings_of_tunnel(report, tunnel):
    """Findings of the tunnel, plus host-wide findings (no tunnel) of its hosts, in report order."""
    hosts = set(tunnel_hosts(tunnel))
    return [finding for finding in report.get('findings', [])
            if finding.get('tunnel') == tunnel['id']
            or (finding.get('tunnel') is None and hosts.intersection(finding.get('hosts') or []))]


def hosts_without_tunnels(report):
    """Hosts of the report that are an end of no tunnel."""
    used = set()
    for tunnel in report.get('tunnels', []):
        used.update(tunnel_hosts(tunnel))
    return [name for name in sorted(report.get('hosts', {})) if name not in used]


def findings_of_host(report, host):
    """Host-wide findings (no tunnel) that name host."""
    return [finding for finding in report.get('findings', [])
            if finding.get('tunnel') is None and host in (finding.get('hosts') or [])]


def check_of(finding):
    """The name of the check that reported finding."""
    entry = CATALOG.get(finding['code'])
    return entry.check if entry else 'other'


def check_results(findings, threshold='warning'):
    """Return [(check name, [findings at or above threshold])] for every check, in checklist order."""
    results = []
    for name in check_names():
        results.append((name, [finding for finding in findings
                               if check_of(finding) == name and at_or_above(finding['severity'], threshold)]))
    return results


def first_cause(findings, threshold='warning'):
    """The first finding at or above threshold (the ranked root cause), or None."""
    for finding in findings:
        if at_or_above(finding['severity'], threshold):
            return finding
    return None


def counts_by_severity(report):
    """{severity: number of findings} for every severity."""
    counts = dict((severity, 0) for severity in SEVERITIES)
    for finding in report.get('findings', []):
        counts[finding['severity']] = counts.get(finding['severity'], 0) + 1
    return counts
