# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Log events from before the running daemon started are history, not evidence of the current state."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine import logs
from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine.engine import analyze
from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine.facts import HostFacts
from ansible_collections.ipsec.doctor.tests.unit.plugins.plugin_utils import facts_builders as fb

STARTED = 1796320000.0


def run(facts):
    return analyze(facts, {'now': fb.NOW})


def codes(report):
    return [item['code'] for item in report['findings'] if item['severity'] != 'info']


def _unconnected_pair(epoch):
    """A pair whose tunnel is down, with one old TS_UNACCEPTABLE of gw-a's still configured connection."""
    facts = fb.strongswan_pair()
    for host in facts.values():
        host['sas']['ike_sas'] = []
        host['service']['daemons'][0]['start_time'] = STARTED
    event = fb.event('notify_received', 'received TS_UNACCEPTABLE notify, no CHILD_SA built', code='TS_UNACCEPTABLE')
    event['epoch'] = epoch
    facts['gw-a']['logs']['events'] = [event]
    return facts


def test_a_failure_logged_before_the_daemon_started_is_history():
    assert 'LOG_FAILURE_UNEXPLAINED' not in codes(run(_unconnected_pair(STARTED - 3600)))


@pytest.mark.parametrize('epoch', [STARTED + 60, STARTED - 0.5, None, 'not a time'])
def test_a_failure_since_the_start_or_of_unknown_time_is_current(epoch):
    assert 'LOG_FAILURE_UNEXPLAINED' in codes(run(_unconnected_pair(epoch)))


def test_without_a_known_daemon_start_every_failure_is_current():
    facts = _unconnected_pair(STARTED - 3600)
    del facts['gw-a']['service']['daemons'][0]['start_time']
    assert 'LOG_FAILURE_UNEXPLAINED' in codes(run(facts))


def test_history_is_no_evidence_either():
    facts = _unconnected_pair(STARTED - 3600)
    facts['gw-b']['config']['connections'][0]['children'][0]['local_ts'] = ['198.51.100.0/24']
    old = fb.event('notify_received', 'received TS_UNACCEPTABLE notify, no CHILD_SA built (old)',
                   code='TS_UNACCEPTABLE', src='/var/log/charon.log:90')
    old['epoch'] = STARTED - 3600
    new = fb.event('notify_received', 'received TS_UNACCEPTABLE notify, no CHILD_SA built (new)',
                   code='TS_UNACCEPTABLE', src='/var/log/charon.log:120')
    new['epoch'] = STARTED + 60
    facts['gw-a']['logs']['events'] = [old, new]
    report = run(facts)
    evidence = [line for item in report['findings'] for line in item['evidence'] if 'TS_UNACCEPTABLE' in line]
    assert evidence == ['gw-a /var/log/charon.log:120: received TS_UNACCEPTABLE notify, no CHILD_SA built (new)']


def test_the_earliest_running_process_of_a_family_counts():
    facts = fb.host_facts('gw-a')
    facts['service']['daemons'] = [
        {'name': 'starter', 'family': 'strongswan', 'running': True, 'start_time': 100.0},
        {'name': 'charon', 'family': 'strongswan', 'running': True, 'start_time': 300.0},
        {'name': 'pluto', 'family': 'libreswan', 'running': False, 'start_time': 50.0}]
    starts = logs.daemon_start_times(HostFacts('gw-a', facts))
    assert starts == {'strongswan': 100.0}
    assert logs.is_history({'daemon': 'strongswan', 'epoch': 98.0}, starts)
    assert not logs.is_history({'daemon': 'strongswan', 'epoch': 99.5}, starts)
    assert logs.is_history({'daemon': None, 'epoch': 98.0}, starts, 'strongswan')
    assert not logs.is_history({'daemon': 'libreswan', 'epoch': 10.0}, starts)
