# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""report.html: one self-contained page (inline CSS and SVG, no external assets).

Each tunnel gets a picture: both peers, the link between them coloured by the tunnel state,
and every check as a green (passed) or red (failed) mark, then its findings root cause first.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from html import escape

from ansible_collections.ipsec.doctor.plugins.plugin_utils._report.view import (
    check_results,
    counts_by_severity,
    findings_of_host,
    findings_of_tunnel,
    first_cause,
    hosts_without_tunnels,
)

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2em;color:#1d2330;background:#fafbfc}
h1{font-size:1.6em}h2{font-size:1.25em;margin-top:2em;border-bottom:1px solid #d0d5dd;padding-bottom:.2em}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #d0d5dd;padding:.3em .6em;text-align:left}
.sev-critical{background:#7a0916;color:#fff}.sev-error{background:#d92d20;color:#fff}
.sev-warning{background:#f79009;color:#1d2330}.sev-info{background:#d0d5dd;color:#1d2330}
.badge{border-radius:.3em;padding:.1em .45em;font-size:.85em;font-weight:600}
.finding{border:1px solid #d0d5dd;border-radius:.4em;padding:.5em 1em;margin:.6em 0;background:#fff}
.evidence{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.85em;white-space:pre-wrap;color:#344054}
.cause{font-weight:600}svg{max-width:100%;height:auto}
"""

_STATE_COLOURS = {'established': '#12b76a', 'connecting': '#f79009', 'down': '#d92d20', 'unknown': '#98a2b3'}
_PASS, _FAIL = '#12b76a', '#d92d20'


def _peer_label(peer):
    return peer.get('host') or 'outside inventory'


def _picture(tunnel, results):
    """Return the SVG of a tunnel: two peers, the link, one mark per check."""
    width = 760
    rows = (len(results) + 3) // 4
    height = 130 + rows * 24
    colour = _STATE_COLOURS.get(tunnel['state'], '#98a2b3')
    peers = tunnel['peers']
    parts = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" role="img" '
             'aria-label="tunnel %s">' % (width, height, width, height, escape(tunnel['id']))]
    for index, peer in enumerate(peers[:2]):
        x = 20 if index == 0 else width - 220
        parts.append('<rect x="%d" y="10" width="200" height="60" rx="8" fill="#fff" stroke="#344054"/>' % x)
        parts.append('<text x="%d" y="35" font-size="14" font-weight="600" text-anchor="middle">%s</text>'
                     % (x + 100, escape(_peer_label(peer))))
        parts.append('<text x="%d" y="55" font-size="12" text-anchor="middle" fill="#475467">%s %s</text>'
                     % (x + 100, escape(peer.get('address') or '?'), escape(peer.get('connection') or '')))
    dash = '' if tunnel['state'] == 'established' else ' stroke-dasharray="8 6"'
    parts.append('<line x1="220" y1="40" x2="%d" y2="40" stroke="%s" stroke-width="4"%s/>'
                 % (width - 220, colour, dash))
    parts.append('<text x="%d" y="32" font-size="13" text-anchor="middle" fill="%s">%s</text>'
                 % (width // 2, colour, escape(tunnel['state'])))
    for index, (name, hits) in enumerate(results):
        col, row = index % 4, index // 4
        x, y = 20 + col * 185, 100 + row * 24
        fill = _FAIL if hits else _PASS
        parts.append('<circle cx="%d" cy="%d" r="7" fill="%s"><title>%s</title></circle>'
                     % (x + 7, y, fill, escape('%s: %s' % (name, 'failed' if hits else 'passed'))))
        parts.append('<text x="%d" y="%d" font-size="12">%s</text>' % (x + 20, y + 4, escape(name)))
    parts.append('</svg>')
    return ''.join(parts)


def _finding(finding, is_cause):
    evidence = '\n'.join(escape(line) for line in finding['evidence']) or '(none)'
    return ('<div class="finding"><span class="badge sev-%s">%s</span> <b>%s</b> <span>(%s)</span>%s'
            '<p>%s</p><p>Hosts: %s<br>Remediation: %s<br>Safe fix: %s</p>'
            '<div class="evidence">%s</div></div>') % (
        escape(finding['severity']), escape(finding['severity']), escape(finding['code']),
        escape(finding['category']), ' <span class="cause">first cause</span>' if is_cause else '',
        escape(finding['summary']), escape(', '.join(finding['hosts'])), escape(finding['remediation']),
        escape(finding['fix'] or 'none'), evidence)


def render_html(report):
    """Return report.html text."""
    counts = counts_by_severity(report)
    body = ['<h1>ipsec.doctor report</h1>',
            '<p>Generated %s: %d host(s), %d tunnel(s). %s</p>' % (
                escape(str(report.get('generated'))), len(report.get('hosts', {})), len(report.get('tunnels', [])),
                ' '.join('<span class="badge sev-%s">%d %s</span>' % (key, counts[key], key)
                         for key in ('critical', 'error', 'warning', 'info'))),
            '<table><tr><th>host</th><th>daemon</th><th>version</th><th>facts</th><th>gaps</th></tr>']
    for name, host in sorted(report.get('hosts', {}).items()):
        body.append('<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>' % (
            escape(name), escape(str(host.get('daemon'))), escape(str(host.get('version') or '-')),
            'ok' if host.get('facts_ok') else '<b>missing</b>', escape('; '.join(host.get('errors') or []) or '-')))
    body.append('</table>')
    for tunnel in report.get('tunnels', []):
        findings = findings_of_tunnel(report, tunnel)
        results = check_results(findings)
        cause = first_cause(findings)
        body.append('<h2>Tunnel %s</h2>' % escape(tunnel['id']))
        body.append(_picture(tunnel, results))
        if cause is not None:
            body.append('<p class="cause">First cause: %s: %s</p><p>Fix: %s</p>' % (
                escape(cause['code']), escape(cause['summary']), escape(cause['remediation'])))
        body.extend(_finding(finding, finding is cause) for finding in findings)
    for host in hosts_without_tunnels(report):
        findings = findings_of_host(report, host)
        if findings:
            body.append('<h2>Host %s (no tunnel)</h2>' % escape(host))
            body.extend(_finding(finding, index == 0) for index, finding in enumerate(findings))
    return ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>ipsec.doctor report</title>'
            '<style>%s</style></head><body>%s</body></html>\n' % (_CSS, '\n'.join(body)))
