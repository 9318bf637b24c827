# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The engine on facts gathered by the collectors on the real lab (tests/lab) with faults injected.

fixtures/lab/*.json were gathered on sw1..sw4 (strongSwan, swanctl) and ls1/ls2 (Libreswan 4.10)
right after the lab injected: a wrong PSK on sw2, an IKE proposal of aes128-sha1-modp2048 on sw4
and a wrong PSK on ls2. The lab kernel has no ESP: strongSwan uses kernel-libipsec, Libreswan
cannot install CHILD SAs. PSK digests are replaced by placeholders that keep (in)equality.
fixtures/lab_certs/*.json were gathered on the same hosts later, with certificate authentication:
sw1's certificate expired (2021), sw3's is valid only from 2036, and ls1 presents wrong-ls1.lab.
The lab made its PKI on 2026-12-03 around 18:00 UTC, so those facts are judged a day later.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import datetime
import json
import os

import pytest

from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine.engine import analyze
from ansible_collections.ipsec.doctor.plugins.plugin_utils._report.view import findings_of_tunnel, first_cause
from ansible_collections.ipsec.doctor.tests.unit.plugins.plugin_utils import facts_builders as fb

FIXTURES = os.path.join(os.path.dirname(__file__), 'fixtures')


def _load(folder):
    facts = {}
    for name in sorted(os.listdir(os.path.join(FIXTURES, folder))):
        with open(os.path.join(FIXTURES, folder, name), encoding='utf-8') as stream:
            facts[name[:-len('.json')]] = json.load(stream)
    return facts


@pytest.fixture(scope='module')
def report():
    return analyze(_load('lab'), {'now': fb.NOW})


@pytest.fixture(scope='module')
def cert_report():
    return analyze(_load('lab_certs'), {'now': datetime.datetime(2026, 12, 4, tzinfo=datetime.timezone.utc)})


def _tunnel(report, tunnel_id):
    return [tunnel for tunnel in report['tunnels'] if tunnel['id'] == tunnel_id][0]


def test_every_lab_tunnel_is_paired(report):
    assert sorted(tunnel['id'] for tunnel in report['tunnels']) == [
        'ls1:ls1-ls2 <-> ls2:ls1-ls2', 'sw1:sw1-sw2 <-> sw2:sw1-sw2', 'sw3:sw3-sw4 <-> sw4:sw3-sw4']
    assert all(host['facts_ok'] for host in report['hosts'].values())
    assert report['hosts']['ls1']['daemon'] == 'libreswan'


@pytest.mark.parametrize('tunnel_id,code', [
    ('sw1:sw1-sw2 <-> sw2:sw1-sw2', 'PSK_MISMATCH'),
    ('sw3:sw3-sw4 <-> sw4:sw3-sw4', 'IKE_PROPOSAL_MISMATCH'),
    ('ls1:ls1-ls2 <-> ls2:ls1-ls2', 'PSK_MISMATCH'),
])
def test_first_cause_per_tunnel(report, tunnel_id, code):
    findings = findings_of_tunnel(report, _tunnel(report, tunnel_id))
    assert first_cause(findings)['code'] == code


def test_libreswan_pair_also_shows_the_kernel_without_esp(report):
    findings = findings_of_tunnel(report, _tunnel(report, 'ls1:ls1-ls2 <-> ls2:ls1-ls2'))
    assert [item['code'] for item in findings if item['severity'] != 'info'] == [
        'PSK_MISMATCH', 'KERNEL_ESP_UNSUPPORTED', 'KERNEL_ESP_UNSUPPORTED']


def test_userspace_esp_hosts_are_not_flagged(report):
    flagged = set(host for item in report['findings'] if item['code'] == 'KERNEL_ESP_UNSUPPORTED'
                  for host in item['hosts'])
    assert flagged == {'ls1', 'ls2'}


def test_proposal_evidence_points_at_the_lines(report):
    finding = [item for item in report['findings'] if item['code'] == 'IKE_PROPOSAL_MISMATCH'][0]
    assert finding['evidence'] == [
        'sw3 sw3-sw4: ike_proposals = aes256-sha256-ecp256 => '
        'AES_CBC_256-HMAC_SHA2_256_128-PRF_HMAC_SHA2_256-ECP_256 (/etc/swanctl/swanctl.conf:7)',
        'sw4 sw3-sw4: ike_proposals = aes128-sha1-modp2048 => '
        'AES_CBC_128-HMAC_SHA1_96-PRF_HMAC_SHA1-MODP_2048 (/etc/swanctl/swanctl.conf:7)']


def test_real_certificates(cert_report):
    found = [(item['code'], item['hosts']) for item in cert_report['findings'] if item['severity'] != 'info']
    assert found == [('CERT_EXPIRED', ['sw1']), ('CERT_NOT_YET_VALID', ['sw3']), ('ID_MISMATCH', ['ls1', 'ls2']),
                     ('KERNEL_ESP_UNSUPPORTED', ['ls1']), ('KERNEL_ESP_UNSUPPORTED', ['ls2'])]
    expired = cert_report['findings'][0]
    assert expired['summary'] == 'sw1: certificate /etc/swanctl/x509/sw1.pem expired on 2021-01-01 17:51 UTC'


def test_real_certificates_chain_and_keys_are_fine_where_no_fault_was_injected(cert_report):
    codes = set(item['code'] for item in cert_report['findings'])
    assert not codes & {'CERT_UNTRUSTED', 'CERT_KEY_MISMATCH', 'PRIVATE_KEY_MISSING', 'CERT_ID_MISMATCH',
                        'CERT_MISSING', 'KEY_PERMISSIONS', 'FACTS_MALFORMED', 'CHECK_FAILED'}
