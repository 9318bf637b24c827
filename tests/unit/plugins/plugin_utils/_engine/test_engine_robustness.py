# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Facts of any shape give a report, never a traceback: any value anywhere may be replaced by junk."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import copy
import json

from hypothesis import HealthCheck, given, settings, strategies as st

from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine.engine import analyze
from ansible_collections.ipsec.doctor.tests.unit.plugins.plugin_utils import facts_builders as fb

JUNK = st.one_of(st.none(), st.booleans(), st.integers(-5, 70000), st.text(max_size=12),
                 st.lists(st.text(max_size=6), max_size=3),
                 st.dictionaries(st.text(max_size=6), st.text(max_size=6), max_size=2))


def _paths(value, prefix=()):
    """Every (path) to a value inside nested dicts and lists."""
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, prefix + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, prefix + (index,))


def _replace(value, path, junk):
    for step in path[:-1]:
        value = value[step]
    value[path[-1]] = junk


BASES = {'mixed': fb.mixed_pair(), 'cert': fb.cert_pair()}
PATHS = sorted(set(path for base in BASES.values() for path in _paths(base) if len(path) > 1), key=repr)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(BASES)), st.lists(st.tuples(st.sampled_from(PATHS), JUNK), min_size=1, max_size=4))
def test_junk_anywhere_gives_a_report(base, replacements):
    facts = copy.deepcopy(BASES[base])
    for path, junk in replacements:
        try:
            _replace(facts, path, junk)
        except (KeyError, IndexError, TypeError):
            continue   # an earlier replacement removed the path
    report = analyze(facts, {'now': fb.NOW})
    assert report['schema'] == 'ipsec.doctor/report/v1'
    json.dumps(report)
    crashed = [finding['evidence'] for finding in report['findings'] if finding['code'] == 'CHECK_FAILED']
    assert crashed == []


def test_a_check_that_raises_becomes_a_finding():
    from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine.checks.base import HOST, Check
    from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine.engine import build_hosts

    def broken(ctx, host):
        """Always fails."""
        raise TypeError('unexpected')

    host = build_hosts({'gw-a': fb.host_facts('gw-a')})['gw-a']
    findings = Check('psk', 'auth', HOST, broken).run(None, host)
    assert [finding.as_dict()['summary'] for finding in findings] == [
        'gw-a: check psk could not run (TypeError: unexpected)']


def test_wrong_types_are_reported_and_ignored():
    facts = fb.strongswan_pair()
    facts['gw-a']['config']['connections'][0]['children'] = 'net'
    facts['gw-a']['ports'] = {'udp': 500}
    report = analyze(facts, {'now': fb.NOW})
    finding = [item for item in report['findings'] if item['code'] == 'FACTS_MALFORMED'][0]
    assert finding['evidence'] == ['gw-a: config.connections[0].children: expected a list, got str',
                                   'gw-a: ports: expected a list, got dict']
    assert facts['gw-a']['ports'] == {'udp': 500}   # the caller's facts are not changed
