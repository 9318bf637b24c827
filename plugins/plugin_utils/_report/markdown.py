# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""report.md: per tunnel its state, the checks that failed, the first cause and its fix, then every finding."""

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


def _cell(text):
    return str(text if text is not None else '-').replace('|', '\\|').replace('\n', ' ')


def _code(text):
    return '`%s`' % str(text).replace('`', "'")


def _finding_block(finding):
    lines = ['#### %s %s (%s)' % (finding['severity'].upper(), finding['code'], finding['category']), '',
             finding['summary'], '',
             '- hosts: %s' % ', '.join(finding['hosts']),
             '- remediation: %s' % finding['remediation'],
             '- safe fix: %s' % (_code(finding['fix']) if finding['fix'] else 'none'),
             '- evidence:']
    lines.extend('  - %s' % _code(line) for line in finding['evidence'] or ['(none)'])
    lines.append('')
    return lines


def _tunnel_section(report, tunnel):
    findings = findings_of_tunnel(report, tunnel)
    failed = [name for name, hits in check_results(findings) if hits]
    cause = first_cause(findings)
    peers = ', '.join('%s (%s, %s)' % (peer.get('host') or 'outside the inventory', peer.get('address') or '?',
                                       peer.get('connection') or '-') for peer in tunnel['peers'])
    lines = ['## Tunnel %s' % tunnel['id'], '',
             '| | |', '|---|---|',
             '| state | **%s** |' % tunnel['state'],
             '| peers | %s |' % _cell(peers),
             '| checks failed | %s |' % _cell(', '.join(failed) or 'none'),
             '| first cause | %s |' % _cell('%s: %s' % (cause['code'], cause['summary']) if cause else 'none'),
             '| fix | %s |' % _cell((cause['remediation'] + (' (safe fix `%s`)' % cause['fix'] if cause['fix'] else ''))
                                    if cause else '-'),
             '']
    if findings:
        lines.append('### Findings, root cause first')
        lines.append('')
        for finding in findings:
            lines.extend(_finding_block(finding))
    return lines


def render_markdown(report):
    """Return report.md text."""
    counts = counts_by_severity(report)
    lines = ['# ipsec.doctor report', '',
             'Generated %s. %d host(s), %d tunnel(s). Findings: %s.' % (
                 report.get('generated'), len(report.get('hosts', {})), len(report.get('tunnels', [])),
                 ', '.join('%d %s' % (counts[key], key) for key in ('critical', 'error', 'warning', 'info'))),
             '', '| host | daemon | version | facts | gaps |', '|---|---|---|---|---|']
    for name, host in sorted(report.get('hosts', {}).items()):
        lines.append('| %s | %s | %s | %s | %s |' % (_cell(name), _cell(host.get('daemon')), _cell(host.get('version')),
                                                     'ok' if host.get('facts_ok') else '**missing**',
                                                     _cell('; '.join(host.get('errors') or []) or '-')))
    lines.append('')
    for tunnel in report.get('tunnels', []):
        lines.extend(_tunnel_section(report, tunnel))
    lonely = [(host, findings_of_host(report, host)) for host in hosts_without_tunnels(report)]
    lonely = [(host, findings) for host, findings in lonely if findings]
    if lonely:
        lines.extend(['## Hosts without tunnels', ''])
        for host, findings in lonely:
            lines.extend(['### %s' % host, ''])
            for finding in findings:
                lines.extend(_finding_block(finding))
    return '\n'.join(lines).rstrip('\n') + '\n'
