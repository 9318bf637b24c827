# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
name: ipsec_findings
short_description: Select findings of an ipsec.doctor report
version_added: 0.1.0
description:
  - Returns the findings of a report (the C(report) returned by M(ipsec.doctor.ipsec_diagnose), or a loaded
    C(report.json)) that match every given condition, in report order (root cause first).
author:
  - ipsec.doctor contributors (@ipsec-doctor)
options:
  _input:
    description: The report dictionary, or its C(findings) list.
    type: raw
    required: true
  min_severity:
    description: Keep findings at or above this severity.
    type: str
    choices: [info, warning, error, critical]
    default: info
  codes:
    description: Keep findings with one of these codes.
    type: list
    elements: str
  categories:
    description: Keep findings of one of these categories.
    type: list
    elements: str
  host:
    description: Keep findings that name this inventory host.
    type: str
  tunnel:
    description: Keep findings of this tunnel id, and the host-wide findings of its hosts when O(_input) is a report.
    type: str
  with_fix:
    description: When true, keep only findings that have a safe fix.
    type: bool
    default: false
'''

EXAMPLES = r'''
- name: Show the errors of gw-a
  ansible.builtin.debug:
    msg: "{{ diagnosis.report | ipsec.doctor.ipsec_findings(min_severity='error', host='gw-a') }}"

- name: List the safe fixes the last run found
  ansible.builtin.debug:
    msg: "{{ report | ipsec.doctor.ipsec_findings(with_fix=true) | map(attribute='fix') | unique }}"
  vars:
    report: "{{ lookup('ansible.builtin.file', 'ipsec-doctor-report/report.json') | from_json }}"
'''

RETURN = r'''
_value:
  description: The matching findings, each with code, category, severity, hosts, tunnel, summary, evidence,
    remediation and fix.
  type: list
  elements: dict
'''

from ansible.errors import AnsibleFilterError

SEVERITIES = ('info', 'warning', 'error', 'critical')


def _tunnel_hosts(report, tunnel_id):
    for tunnel in report.get('tunnels') or []:
        if tunnel.get('id') == tunnel_id:
            return set(peer.get('host') for peer in tunnel.get('peers') or [] if peer.get('host'))
    return set()


def ipsec_findings(data, min_severity='info', codes=None, categories=None, host=None, tunnel=None,
                   with_fix=False):
    """Return the findings of data (a report or a findings list) matching every condition."""
    if isinstance(data, dict):
        findings = data.get('findings')
        report = data
    else:
        findings = data
        report = {}
    if not isinstance(findings, list):
        raise AnsibleFilterError('ipsec_findings expects an ipsec.doctor report or its findings list')
    if min_severity not in SEVERITIES:
        raise AnsibleFilterError('min_severity must be one of %s' % ', '.join(SEVERITIES))
    floor = SEVERITIES.index(min_severity)
    tunnel_hosts = _tunnel_hosts(report, tunnel) if tunnel else set()
    selected = []
    for finding in findings:
        if not isinstance(finding, dict):
            continue
        severity = finding.get('severity')
        if severity not in SEVERITIES or SEVERITIES.index(severity) < floor:
            continue
        if codes and finding.get('code') not in codes:
            continue
        if categories and finding.get('category') not in categories:
            continue
        if host and host not in (finding.get('hosts') or []):
            continue
        if tunnel and finding.get('tunnel') != tunnel and not (
                finding.get('tunnel') is None and tunnel_hosts.intersection(finding.get('hosts') or [])):
            continue
        if with_fix and not finding.get('fix'):
            continue
        selected.append(finding)
    return selected


class FilterModule(object):
    """ipsec.doctor report filters."""

    def filters(self):
        return {'ipsec_findings': ipsec_findings}
