# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Root cause first."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine.findings import Finding
from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine.ranking import rank_findings


def order(findings):
    return [finding.code for finding in rank_findings(findings)]


def test_severity_first():
    findings = [Finding('DPD_DISABLED', ['a']), Finding('RP_FILTER_STRICT', ['a']), Finding('TS_MISMATCH', ['a']),
                Finding('DAEMON_NOT_RUNNING', ['b'])]
    assert order(findings) == ['DAEMON_NOT_RUNNING', 'TS_MISMATCH', 'RP_FILTER_STRICT', 'DPD_DISABLED']


def test_definite_before_speculative_then_category_then_rank():
    findings = [Finding('PEER_UNREACHABLE', ['a'], definite=False), Finding('TS_MISMATCH', ['a']),
                Finding('PSK_MISMATCH', ['a']), Finding('PSK_MISSING', ['a'])]
    assert order(findings) == ['PSK_MISSING', 'PSK_MISMATCH', 'TS_MISMATCH', 'PEER_UNREACHABLE']


def test_a_cause_ranks_above_the_symptom_it_explains():
    findings = [Finding('PEER_CONNECTION_MISSING', ['a', 'b']), Finding('CONFIG_PARSE_ERROR', ['b'])]
    assert order(findings) == ['CONFIG_PARSE_ERROR', 'PEER_CONNECTION_MISSING']
    # same severity: the cause (config) ranks before its symptom (auth), whatever the category order
    findings = [Finding('PSK_MISSING', ['a']), Finding('ID_MISMATCH', ['a', 'b'])]
    assert order(findings) == ['ID_MISMATCH', 'PSK_MISSING']


def test_the_causes_graph_has_no_cycle():
    from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine.catalog import CATALOG

    def reaches(start, target, seen):
        for code in CATALOG[start].causes:
            if code == target or (code not in seen and reaches(code, target, seen | {code})):
                return True
        return False

    assert [code for code in CATALOG if reaches(code, code, set())] == []


def test_explaining_needs_a_shared_host():
    # the firewall on b explains b's timeouts; the port on a explains nothing here
    findings = [Finding('PEER_UNREACHABLE', ['b']), Finding('IKE_PORT_NOT_LISTENING', ['a']),
                Finding('FIREWALL_BLOCKS_IKE', ['b'])]
    assert order(findings) == ['FIREWALL_BLOCKS_IKE', 'IKE_PORT_NOT_LISTENING', 'PEER_UNREACHABLE']
