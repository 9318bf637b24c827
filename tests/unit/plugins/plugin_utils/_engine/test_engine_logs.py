# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Which findings explain which log events."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine import logs
from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine.catalog import CATALOG


def test_psk_mismatch_and_auth_failed():
    assert logs.explaining_codes({'kind': 'psk_mac_mismatch'}) == ('PSK_MISMATCH',)
    codes = logs.explaining_codes({'kind': 'notify_received', 'code': 'AUTHENTICATION_FAILED'})
    assert 'PSK_MISMATCH' in codes and 'CERT_UNTRUSTED' in codes


def test_failures_and_evidence_only_events():
    assert logs.is_failure({'kind': 'retransmit_give_up', 'message_id': 0})
    assert not logs.is_failure({'kind': 'retransmit', 'message_id': 0})
    assert not logs.is_failure({'kind': 'ike_established'})
    assert not logs.is_failure({'kind': 'notify_received', 'code': 'INVALID_KE_PAYLOAD'})
    assert logs.is_failure({'kind': 'notify_sent', 'code': 'TS_UNACCEPTABLE'})


def test_every_mapped_code_is_in_the_catalog():
    mapped = set()
    for codes in list(logs.EXPLAINED_BY_KIND.values()) + list(logs.EXPLAINED_BY_NOTIFY.values()):
        mapped.update(codes)
    assert mapped <= set(CATALOG)


def test_evidence_line_names_host_and_origin():
    line = logs.evidence_line('gw-b', {'src': '/var/log/charon.log:7', 'line': 'MAC mismatched\n'})
    assert line == 'gw-b /var/log/charon.log:7: MAC mismatched'
