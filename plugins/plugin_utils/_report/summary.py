# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The human summary for the play output: one block of lines per tunnel, then hosts without tunnels."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.ipsec.doctor.plugins.plugin_utils._report.view import (
    check_results,
    counts_by_severity,
    findings_of_host,
    findings_of_tunnel,
    first_cause,
    hosts_without_tunnels,
)


def _fix_text(finding):
    if finding.get('fix'):
        return '%s (safe fix: %s)' % (finding['remediation'], finding['fix'])
    return finding['remediation']


def tunnel_lines(report, tunnel):
    """Lines for one tunnel: state, checks failed, first cause and the fix."""
    findings = findings_of_tunnel(report, tunnel)
    failed = [name for name, hits in check_results(findings) if hits]
    cause = first_cause(findings)
    lines = ['tunnel %s: %s' % (tunnel['id'], tunnel['state'])]
    lines.append('  checks failed: %s' % (', '.join(failed) if failed else 'none'))
    if cause is not None:
        lines.append('  first cause: [%s] %s: %s' % (cause['severity'], cause['code'], cause['summary']))
        lines.append('  fix: %s' % _fix_text(cause))
    return lines


def summary_lines(report):
    """All summary lines of a report."""
    counts = counts_by_severity(report)
    lines = ['ipsec.doctor: %d host(s), %d tunnel(s), findings: %s' % (
        len(report.get('hosts', {})), len(report.get('tunnels', [])),
        ', '.join('%d %s' % (counts[severity], severity) for severity in ('critical', 'error', 'warning', 'info')))]
    for tunnel in report.get('tunnels', []):
        lines.extend(tunnel_lines(report, tunnel))
    for host in hosts_without_tunnels(report):
        cause = first_cause(findings_of_host(report, host))
        if cause is not None:
            lines.append('host %s: [%s] %s: %s' % (host, cause['severity'], cause['code'], cause['summary']))
            lines.append('  fix: %s' % _fix_text(cause))
    return lines


def summary_text(report):
    """The summary as one string."""
    return '\n'.join(summary_lines(report))
