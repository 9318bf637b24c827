# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A connection a syntax error breaks is covered by CONFIG_PARSE_ERROR alone (lab fault config_syntax_error)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import copy

import pytest

from ansible_collections.ipsec.doctor.plugins.module_utils._parse.libreswan_conf import parse_libreswan_conf
from ansible_collections.ipsec.doctor.plugins.module_utils._parse.source import MemoryReader
from ansible_collections.ipsec.doctor.plugins.module_utils._parse.strongswan_ipsec_conf import parse_ipsec_conf
from ansible_collections.ipsec.doctor.plugins.module_utils._parse.swanctl import parse_swanctl
from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine.broken import broken_connection_names
from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine.engine import analyze
from ansible_collections.ipsec.doctor.tests.unit.plugins.plugin_utils import facts_builders as fb

CONF = '/etc/swanctl/conf.d/gw.conf'

# The lab's fault texts (tests/lab/ipsec_lab/flavours), after a healthy connection.
SWANCTL = '''connections {
    gw-gw {
        remote_addrs = 198.18.2.2
        local {
            auth = pubkey
        }
        remote {
            auth = pubkey
        }
        children {
            net {
                local_ts = 10.0.1.0/24
            }
        }
    }
}
secrets {
}
connections { broken {
'''
STRONGSWAN_IPSEC_CONF = '''conn gw-gw
    left=198.18.2.1
    right=198.18.2.2
    leftauth=pubkey
    auto=add

conn broken
    leftsubnet 198.51.100.64/28
'''
LIBRESWAN_IPSEC_CONF = '''conn gw-gw
    left=198.18.2.1
    right=198.18.2.2
    authby=rsasig
    auto=add

conn broken
    left=
  bogus line
'''


def _parsed(fmt):
    if fmt == 'swanctl':
        path = '/etc/swanctl/swanctl.conf'
        return parse_swanctl(path, reader=MemoryReader({path: SWANCTL}))
    if fmt == 'strongswan-ipsec.conf':
        return parse_ipsec_conf('/etc/ipsec.conf', reader=MemoryReader({'/etc/ipsec.conf': STRONGSWAN_IPSEC_CONF}))
    return parse_libreswan_conf('/etc/ipsec.conf', reader=MemoryReader({'/etc/ipsec.conf': LIBRESWAN_IPSEC_CONF}))


@pytest.mark.parametrize('fmt', ['swanctl', 'strongswan-ipsec.conf', 'libreswan-ipsec.conf'])
def test_the_lab_syntax_errors_break_only_the_bogus_section(fmt):
    result = _parsed(fmt)
    assert sorted(conn['name'] for conn in result['connections']) == ['broken', 'gw-gw']
    assert broken_connection_names(result['connections'], result['errors']) == {'broken'}


def _error(line, message='expected key=value', severity='error', path=CONF):
    return {'file': path, 'line': line, 'message': message, 'severity': severity}


@pytest.mark.parametrize('error, broken', [
    (_error(3), {'gw-gw'}),                                  # between its first and last key
    (_error(17), {'gw-gw'}),                                 # one past its last key (src up to line 16)
    (_error(18), set()),                                     # further on: another section
    (_error(40, "missing '}' for section 'gw-gw'"), {'gw-gw'}),   # names it
    (_error(3, severity='warning'), set()),
    (_error(3, path='/etc/swanctl/swanctl.conf'), set()),
    (_error('?'), set()),
])
def test_an_error_breaks_the_connection_it_falls_in(error, broken):
    assert broken_connection_names([fb.strongswan_connection('gw-a')], [error]) == broken


@pytest.mark.parametrize('line', [18, 400])
def test_in_ipsec_conf_a_section_runs_to_the_next_connection(line):
    conn = fb.libreswan_connection('gw-a')
    conn['file'] = CONF
    assert broken_connection_names([conn], [_error(line)]) == {'gw-gw'}


def test_an_error_before_the_next_connection_breaks_only_the_one_it_is_in():
    first = fb.strongswan_connection('gw-a')
    second = copy.deepcopy(first)
    second.update({'name': 'other', 'line': 17, 'src': {}})
    second['children'][0]['src'] = {}
    assert broken_connection_names([first, second], [_error(17)]) == {'other'}
    assert broken_connection_names([first, second], [_error(16)]) == {'gw-gw'}


def _with_broken_section(facts, host='gw-b'):
    """Add the lab's bogus section: a pubkey connection without certificate and a syntax error in it."""
    broken = copy.deepcopy(fb.conn_of(facts, host))
    broken.update({'name': 'broken', 'line': 30, 'remote_addrs': [], 'src': {}})
    broken['local_auth'][0].update({'auth': 'pubkey', 'id': None, 'certs': []})
    broken['children'] = []
    config = facts[host]['config']
    config['connections'].append(broken)
    config['errors'].append(_error(30, "missing '}' for section 'broken'"))
    facts[host]['service']['config_loaded']['missing_from_daemon'] = ['broken']
    return facts


def test_a_broken_connection_gets_config_parse_error_only():
    report = analyze(_with_broken_section(fb.strongswan_pair()), {'now': fb.NOW})
    codes = [item['code'] for item in report['findings'] if item['severity'] != 'info']
    assert codes == ['CONFIG_PARSE_ERROR']
    finding = report['findings'][0]
    assert finding['evidence'] == [
        "gw-b %s:30: missing '}' for section 'broken'" % CONF,
        'gw-b broken: broken by the error, not checked further (%s:30)' % CONF]
    assert [tunnel['peers'][0]['connection'] for tunnel in report['tunnels']] == ['gw-gw']


def test_a_missing_certificate_nothing_names_is_worded_once():
    facts = fb.strongswan_pair()
    conn = fb.conn_of(facts, 'gw-b')
    conn['local_auth'][0].update({'auth': 'pubkey', 'certs': []})
    report = analyze(facts, {'now': fb.NOW})
    missing = [item for item in report['findings'] if item['code'] == 'CERT_MISSING']
    assert [item['summary'] for item in missing] == [
        'gw-b: connection gw-gw uses certificates but its certificate for b.lab is not there']
    conn['local_auth'][0]['id'] = None
    report = analyze(facts, {'now': fb.NOW})
    titles = [item['summary'] for item in report['findings'] if item['code'] == 'CERT_MISSING']
    assert titles == ['gw-b: connection gw-gw uses certificates but its certificate for this connection is not there']
    assert not any('certificate certificate' in line for item in report['findings']
                   for line in [item['summary'], item['remediation']] + item['evidence'])
