# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""junit.xml: one test suite per tunnel (and per host without tunnels), one test case per check,
a <failure> for each finding at or above the fail_on threshold."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import xml.etree.ElementTree as ET

from ansible_collections.ipsec.doctor.plugins.plugin_utils._report.view import (
    at_or_above,
    check_of,
    findings_of_host,
    findings_of_tunnel,
    hosts_without_tunnels,
)
from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine.checks import ALL_CHECKS, HOST, check_names


def _suite(parent, name, findings, threshold, names, timestamp):
    suite = ET.SubElement(parent, 'testsuite', name=name, timestamp=timestamp or '')
    failures = 0
    for check in names:
        case = ET.SubElement(suite, 'testcase', classname=name, name=check)
        for finding in findings:
            if check_of(finding) != check:
                continue
            if at_or_above(finding['severity'], threshold):
                failures += 1
                failure = ET.SubElement(case, 'failure', type=finding['code'],
                                        message='[%s] %s' % (finding['severity'], finding['summary']))
                failure.text = '\n'.join(['remediation: %s' % finding['remediation'],
                                          'fix: %s' % (finding['fix'] or 'none')] + list(finding['evidence']))
            else:
                out = ET.SubElement(case, 'system-out')
                out.text = '[%s] %s: %s' % (finding['severity'], finding['code'], finding['summary'])
    suite.set('tests', str(len(names)))
    suite.set('failures', str(failures))
    suite.set('errors', '0')
    return len(names), failures


def render_junit(report, fail_on='error'):
    """Return junit.xml text for report with failures at or above fail_on."""
    root = ET.Element('testsuites', name='ipsec.doctor')
    total_tests = total_failures = 0
    names = check_names()
    for tunnel in report.get('tunnels', []):
        tests, failures = _suite(root, 'tunnel %s' % tunnel['id'], findings_of_tunnel(report, tunnel), fail_on,
                                 names, report.get('generated'))
        total_tests += tests
        total_failures += failures
    host_names = []
    for check in ALL_CHECKS:
        if check.scope == HOST and check.name not in host_names:
            host_names.append(check.name)
    for host in hosts_without_tunnels(report):
        tests, failures = _suite(root, 'host %s' % host, findings_of_host(report, host), fail_on, host_names,
                                 report.get('generated'))
        total_tests += tests
        total_failures += failures
    root.set('tests', str(total_tests))
    root.set('failures', str(total_failures))
    root.set('errors', '0')
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding='unicode') + '\n'
