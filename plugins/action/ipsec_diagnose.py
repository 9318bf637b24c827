# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Action plugin ipsec.doctor.ipsec_diagnose: the analysis of all hosts' facts, once, on the controller."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import ipaddress
import os
from collections.abc import Mapping, Sequence

from ansible.errors import AnsibleActionFail
from ansible.module_utils.common.text.converters import to_native
from ansible.plugins.action import ActionBase

from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine.engine import analyze
from ansible_collections.ipsec.doctor.plugins.plugin_utils._report.files import write_reports
from ansible_collections.ipsec.doctor.plugins.plugin_utils._report.summary import summary_lines
from ansible_collections.ipsec.doctor.plugins.plugin_utils._report.view import (
    FAIL_ON_CHOICES,
    counts_by_severity,
    failing_findings,
)

ARGUMENT_SPEC = {
    'report_dir': {'type': 'path', 'default': './ipsec-doctor-report'},
    'fail_on': {'type': 'str', 'default': 'error', 'choices': list(FAIL_ON_CHOICES)},
    'formats': {'type': 'list', 'elements': 'str', 'default': ['json', 'markdown', 'junit', 'html'],
                'choices': ['json', 'markdown', 'junit', 'html']},
    'hosts': {'type': 'list', 'elements': 'str'},
    'facts': {'type': 'dict'},
    'facts_result_var': {'type': 'str', 'default': 'ipsec_doctor_facts_result'},
    'peers_var': {'type': 'str', 'default': 'ipsec_doctor_peers'},
    'peers': {'type': 'dict', 'default': {}},
    'unreachable': {'type': 'list', 'elements': 'str', 'default': []},
    'cert_expiry_warning_days': {'type': 'int', 'default': 30},
    'return_report': {'type': 'bool', 'default': True},
}


def plain(value):
    """Return value as plain dict/list/str/number data (hostvars hold lazy, tagged containers)."""
    if isinstance(value, Mapping):
        return dict((to_native(key), plain(item)) for key, item in value.items())
    if isinstance(value, (str, bytes)):
        return to_native(value)
    if isinstance(value, (Sequence, set)):
        return [plain(item) for item in value]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    return to_native(value)


def _inventory_addresses(host_vars):
    address = to_native(host_vars.get('ansible_host') or '')
    try:
        return [str(ipaddress.ip_address(address))]
    except ValueError:
        return []


def collect_inputs(task_vars, args):
    """Return (facts_by_host, unreachable, failed, peers, host_addresses) from the task vars and arguments.

    host_addresses maps the hosts without facts to their inventory address (ansible_host), so
    that a tunnel toward such a host names it.
    """
    hostvars = task_vars.get('hostvars') or {}
    hosts = args.get('hosts')
    if hosts is None:
        hosts = task_vars.get('ansible_play_hosts_all') or task_vars.get('ansible_play_batch') or []
    facts_by_host, unreachable, failed, host_addresses = {}, {}, {}, {}
    given = args.get('facts') or {}
    peers = dict((host, dict(value)) for host, value in plain(args.get('peers') or {}).items()
                 if isinstance(value, dict))
    for name in args.get('unreachable') or []:
        unreachable[name] = 'host unreachable'
    for name in hosts:
        name = to_native(name)
        if name in unreachable:
            continue
        host_vars = hostvars.get(name) or {}
        result = plain(host_vars.get(args['facts_result_var']) or {})
        host_peers = plain(host_vars.get(args['peers_var']) or {})
        if isinstance(host_peers, dict) and host_peers:
            merged = dict(host_peers)
            merged.update(peers.get(name) or {})
            peers[name] = merged
        if result.get('unreachable'):
            unreachable[name] = result.get('msg') or 'host unreachable'
            host_addresses[name] = _inventory_addresses(host_vars)
            continue
        if name in given:
            facts_by_host[name] = plain(given[name])
            continue
        if result.get('failed'):
            failed[name] = result.get('msg') or 'ipsec_facts failed'
            host_addresses[name] = _inventory_addresses(host_vars)
            continue
        facts = plain((host_vars.get('ansible_facts') or {}).get('ipsec'))
        if not facts:
            facts = plain((result.get('ansible_facts') or {}).get('ipsec'))
        if facts:
            facts_by_host[name] = facts
        else:
            failed[name] = result.get('msg') or 'no ansible_facts.ipsec for this host (did ipsec_facts run?)'
            host_addresses[name] = _inventory_addresses(host_vars)
    for name, facts in given.items():
        if name not in facts_by_host and name not in unreachable:
            facts_by_host[to_native(name)] = plain(facts)
    return facts_by_host, unreachable, failed, peers, host_addresses


class ActionModule(ActionBase):
    """Pair the tunnels of all hosts, run every check, write the reports, fail at fail_on."""

    TRANSFERS_FILES = False
    _VALID_ARGS = frozenset(ARGUMENT_SPEC)
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        del tmp
        task_vars = task_vars or {}
        _validation, args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)

        facts_by_host, unreachable, failed, peers, host_addresses = collect_inputs(task_vars, args)
        options = {'unreachable': unreachable, 'failed': failed, 'peers': peers, 'host_addresses': host_addresses,
                   'cert_expiry_warning_days': args['cert_expiry_warning_days']}
        try:
            report = analyze(facts_by_host, options)
        except ImportError as exc:
            # cryptography or netaddr missing on the controller: the guarded imports say which.
            raise AnsibleActionFail('ipsec_diagnose needs its controller packages (requirements.txt): %s'
                                    % to_native(exc))

        report_dir = os.path.abspath(os.path.expanduser(args['report_dir']))
        try:
            files = write_reports(report, report_dir, args['formats'], args['fail_on'])
        except (OSError, IOError) as exc:
            raise AnsibleActionFail('cannot write the report into %s: %s' % (report_dir, to_native(exc)))

        lines = summary_lines(report)
        failing = failing_findings(report, args['fail_on'])
        reached = bool(failing)
        result.update({
            'changed': False,
            'summary': '\n'.join(lines),
            'summary_lines': lines,
            'report_files': files,
            'counts': counts_by_severity(report),
            'tunnels': report['tunnels'],
            'fail_on': args['fail_on'],
            'fail_on_reached': reached,
        })
        if args['return_report']:
            result['report'] = report
        if reached:
            first = failing[0]
            result['failed'] = True
            result['msg'] = ('%d finding(s) at or above %s; first cause: %s on %s: %s. Report: %s' % (
                len(failing), args['fail_on'], first['code'], ', '.join(first['hosts']) or '-', first['summary'],
                files.get('markdown') or files.get('json') or report_dir))
        else:
            result['msg'] = 'no finding at or above %s; report in %s' % (args['fail_on'], report_dir)
        return result
