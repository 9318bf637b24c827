# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The ipsec_diagnose action plugin: inputs from hostvars, report files, fail_on."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os
from unittest.mock import MagicMock

import pytest

from ansible.errors import AnsibleActionFail
from ansible.playbook.task import Task

from ansible_collections.ipsec.doctor.plugins.action.ipsec_diagnose import ActionModule, collect_inputs, plain
from ansible_collections.ipsec.doctor.tests.unit.plugins.plugin_utils import facts_builders as fb

DEFAULTS = {'facts_result_var': 'ipsec_doctor_facts_result', 'peers_var': 'ipsec_doctor_peers', 'peers': {},
            'unreachable': [], 'facts': None, 'hosts': None}


def task_vars(facts, results=None, extra=None):
    hostvars = {}
    for name, value in facts.items():
        hostvars[name] = {'ansible_facts': {'ipsec': value},
                          'ipsec_doctor_facts_result': {'changed': False, 'ansible_facts': {'ipsec': value}}}
    for name, result in (results or {}).items():
        hostvars.setdefault(name, {})['ipsec_doctor_facts_result'] = result
    for name, values in (extra or {}).items():
        hostvars.setdefault(name, {}).update(values)
    return {'hostvars': hostvars, 'ansible_play_hosts_all': sorted(hostvars)}


def make_action(args):
    task = MagicMock(Task)
    task.args = args
    task.async_val = 0
    task.check_mode = False
    task.diff = False
    connection = MagicMock()
    connection._shell.tmpdir = '/tmp/unused'
    return ActionModule(task=task, connection=connection, play_context=MagicMock(), loader=MagicMock(),
                        templar=MagicMock(), shared_loader_obj=None)


def test_collect_inputs_sorts_hosts_by_outcome():
    facts = fb.strongswan_pair()
    variables = task_vars(facts, results={
        'gw-c': {'unreachable': True, 'msg': 'Failed to connect to the host via ssh'},
        'gw-d': {'failed': True, 'msg': 'MODULE FAILURE'},
        'gw-e': {'changed': False}})
    variables['hostvars']['gw-c']['ansible_host'] = '198.18.2.30'
    variables['hostvars']['gw-d']['ansible_host'] = 'gw-d.example.org'
    found, unreachable, failed, peers, addresses = collect_inputs(variables, dict(DEFAULTS))
    assert addresses == {'gw-c': ['198.18.2.30'], 'gw-d': [], 'gw-e': []}
    assert sorted(found) == ['gw-a', 'gw-b']
    assert unreachable == {'gw-c': 'Failed to connect to the host via ssh'}
    assert failed['gw-d'] == 'MODULE FAILURE'
    assert 'no ansible_facts.ipsec' in failed['gw-e']
    assert peers == {}


def test_collect_inputs_merges_peer_overrides():
    facts = fb.strongswan_pair()
    variables = task_vars(facts, extra={'gw-a': {'ipsec_doctor_peers': {'gw-gw': {'host': 'gw-x'},
                                                                        'other': {'host': 'gw-y'}}}})
    args = dict(DEFAULTS, peers={'gw-a': {'gw-gw': {'host': 'gw-b', 'connection': 'gw-gw'}}})
    _found, _unreachable, _failed, peers, _addresses = collect_inputs(variables, args)
    assert peers == {'gw-a': {'gw-gw': {'host': 'gw-b', 'connection': 'gw-gw'}, 'other': {'host': 'gw-y'}}}


def test_given_facts_win_and_restrict_nothing():
    facts = fb.strongswan_pair()
    args = dict(DEFAULTS, facts=facts, hosts=[])
    found, unreachable, failed, _peers, _addresses = collect_inputs({'hostvars': {}}, args)
    assert sorted(found) == ['gw-a', 'gw-b'] and not unreachable and not failed


def test_plain_turns_mappings_and_tuples_into_json_data():
    class Odd(dict):
        pass
    assert plain(Odd(a=(1, 'x', b'y'), b={'c': None})) == {'a': [1, 'x', 'y'], 'b': {'c': None}}


def test_run_writes_the_reports_and_fails_at_the_bar(tmp_path):
    facts = fb.strongswan_pair()
    facts['gw-b']['secrets']['entries'][0]['digest'] = 'f' * 64
    action = make_action({'report_dir': str(tmp_path), 'fail_on': 'error'})
    result = action.run(task_vars=task_vars(facts))
    assert result['failed'] is True
    assert result['fail_on_reached'] is True
    assert 'first cause: PSK_MISMATCH on gw-a, gw-b' in result['msg']
    assert sorted(os.listdir(str(tmp_path))) == ['junit.xml', 'report.html', 'report.json', 'report.md']
    with open(str(tmp_path / 'report.json')) as stream:
        assert json.load(stream) == result['report']
    assert result['summary_lines'][2] == '  checks failed: psk'
    assert 'f' * 64 not in json.dumps(result)


def test_run_below_the_bar_succeeds(tmp_path):
    facts = fb.strongswan_pair()
    facts['gw-b']['secrets']['entries'][0]['digest'] = 'f' * 64
    action = make_action({'report_dir': str(tmp_path), 'fail_on': 'never', 'formats': ['json'],
                          'return_report': False})
    result = action.run(task_vars=task_vars(facts))
    assert not result.get('failed')
    assert result['fail_on_reached'] is False
    assert 'report' not in result
    assert os.listdir(str(tmp_path)) == ['report.json']
    assert result['counts']['error'] == 1


def test_unwritable_report_dir_is_a_clear_error(tmp_path):
    blocker = tmp_path / 'file'
    blocker.write_text('x')
    action = make_action({'report_dir': str(blocker / 'sub')})
    with pytest.raises(AnsibleActionFail, match='cannot write the report'):
        action.run(task_vars=task_vars(fb.strongswan_pair()))
