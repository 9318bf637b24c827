# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The ipsec_findings filter."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.ipsec.doctor.plugins.filter.ipsec_findings import ipsec_findings
from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine.engine import analyze
from ansible_collections.ipsec.doctor.tests.unit.plugins.plugin_utils import facts_builders as fb


@pytest.fixture(scope='module')
def report():
    facts = fb.strongswan_pair()
    facts['gw-b']['secrets']['entries'][0]['digest'] = 'f' * 64
    facts['gw-a']['keys'] = [{'path': '/etc/swanctl/private/a.pem', 'mode': '0644', 'owner': 'root', 'group': 'root'}]
    fb.conn_of(facts, 'gw-b')['dpd_delay'] = 0
    return analyze(facts, {'now': fb.NOW})


def codes(findings):
    return [finding['code'] for finding in findings]


def test_severity_floor(report):
    assert codes(ipsec_findings(report)) == ['PSK_MISMATCH', 'KEY_PERMISSIONS', 'DPD_DISABLED']
    assert codes(ipsec_findings(report, min_severity='warning')) == ['PSK_MISMATCH', 'KEY_PERMISSIONS']
    assert codes(ipsec_findings(report['findings'], min_severity='error')) == ['PSK_MISMATCH']


def test_conditions_combine(report):
    assert codes(ipsec_findings(report, host='gw-b')) == ['PSK_MISMATCH', 'DPD_DISABLED']
    assert codes(ipsec_findings(report, with_fix=True)) == ['KEY_PERMISSIONS']
    assert codes(ipsec_findings(report, categories=['config'])) == ['DPD_DISABLED']
    assert codes(ipsec_findings(report, codes=['PSK_MISMATCH', 'TS_MISMATCH'])) == ['PSK_MISMATCH']


def test_tunnel_includes_host_wide_findings_of_its_hosts(report):
    tunnel = report['tunnels'][0]['id']
    assert codes(ipsec_findings(report, tunnel=tunnel)) == ['PSK_MISMATCH', 'KEY_PERMISSIONS', 'DPD_DISABLED']
    assert ipsec_findings(report, tunnel='nope') == []


def test_bad_input():
    with pytest.raises(AnsibleFilterError):
        ipsec_findings('text')
    with pytest.raises(AnsibleFilterError):
        ipsec_findings({'findings': []}, min_severity='fatal')
