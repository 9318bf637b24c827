# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""report.json, report.md, junit.xml, report.html and the play summary."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os
import re
import xml.etree.ElementTree as ET

import pytest

from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine.checks import check_names
from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine.engine import analyze
from ansible_collections.ipsec.doctor.plugins.plugin_utils._report.files import render, write_reports
from ansible_collections.ipsec.doctor.plugins.plugin_utils._report.html import render_html
from ansible_collections.ipsec.doctor.plugins.plugin_utils._report.junit import render_junit
from ansible_collections.ipsec.doctor.plugins.plugin_utils._report.markdown import render_markdown
from ansible_collections.ipsec.doctor.plugins.plugin_utils._report.summary import summary_lines
from ansible_collections.ipsec.doctor.tests.unit.plugins.plugin_utils import facts_builders as fb


@pytest.fixture
def faulty_report():
    facts = fb.strongswan_pair()
    facts['gw-b']['secrets']['entries'][0]['digest'] = 'f' * 64
    facts['gw-a']['sysctl']['runtime']['net.ipv4.conf.all.rp_filter'] = '1'
    facts['gw-a']['sysctl']['runtime']['net.ipv4.conf.eth0.rp_filter'] = '0'
    return analyze(facts, {'now': fb.NOW, 'unreachable': {'gw-c': 'ssh: connect timed out'}})


@pytest.fixture
def healthy_report():
    return analyze(fb.strongswan_pair(), {'now': fb.NOW})


def test_json_is_the_report(faulty_report):
    assert json.loads(render(faulty_report, 'json')) == faulty_report


def test_markdown_per_tunnel(faulty_report):
    text = render_markdown(faulty_report)
    assert '## Tunnel gw-a:gw-gw <-> gw-b:gw-gw' in text
    assert '| state | **established** |' in text
    assert '| checks failed | psk, rp-filter |' in text
    assert '| first cause | PSK_MISMATCH: gw-a and gw-b: the pre-shared keys differ |' in text
    assert 'safe fix: `sysctl_rp_filter`' in text
    assert '### gw-c' in text and 'HOST_UNREACHABLE' in text


def _suites(xml_text):
    root = ET.fromstring(xml_text)
    return root, dict((suite.get('name'), suite) for suite in root.findall('testsuite'))


def test_junit_one_case_per_check_and_failures_at_the_bar(faulty_report):
    root, suites = _suites(render_junit(faulty_report, 'error'))
    tunnel = suites['tunnel gw-a:gw-gw <-> gw-b:gw-gw']
    assert [case.get('name') for case in tunnel.findall('testcase')] == check_names()
    failed = dict((case.get('name'), [item.get('type') for item in case.findall('failure')])
                  for case in tunnel.findall('testcase') if case.findall('failure'))
    assert failed == {'psk': ['PSK_MISMATCH']}
    assert tunnel.get('failures') == '1'
    assert suites['host gw-c'].find("testcase[@name='facts']/failure").get('type') == 'HOST_UNREACHABLE'
    assert root.get('failures') == '2'


def test_junit_threshold(faulty_report):
    root, _suites_by_name = _suites(render_junit(faulty_report, 'warning'))
    assert root.get('failures') == '3'
    root, _suites_by_name = _suites(render_junit(faulty_report, 'never'))
    assert root.get('failures') == '0'


def test_html_is_self_contained_with_a_picture_per_tunnel(faulty_report):
    text = render_html(faulty_report)
    assert text.startswith('<!DOCTYPE html>')
    assert '<style>' in text
    for pattern in (r'<script', r'<link', r'\bsrc=', r'url\(', r'@import'):
        assert not re.search(pattern, text), pattern
    assert re.findall(r'https?://[^"\s]+', text) == ['http://www.w3.org/2000/svg']
    assert text.count('<svg') == 1
    red = text.count('fill="#d92d20"><title>')
    assert red == 2  # psk and rp-filter
    assert text.count('<circle') == len(check_names())


def test_html_escapes_what_comes_from_hosts():
    facts = fb.strongswan_pair()
    fb.conn_of(facts, 'gw-a')['name'] = '<script>alert(1)</script>'
    fb.conn_of(facts, 'gw-a')['children'][0]['remote_ts'] = ['10.9.9.0/24']
    text = render_html(analyze(facts, {'now': fb.NOW}))
    assert '<script>' not in text
    assert '&lt;script&gt;' in text


def test_summary_lines(faulty_report, healthy_report):
    lines = summary_lines(faulty_report)
    assert lines[0] == 'ipsec.doctor: 3 host(s), 1 tunnel(s), findings: 0 critical, 2 error, 1 warning, 0 info'
    assert lines[1:5] == [
        'tunnel gw-a:gw-gw <-> gw-b:gw-gw: established',
        '  checks failed: psk, rp-filter',
        '  first cause: [error] PSK_MISMATCH: gw-a and gw-b: the pre-shared keys differ',
        '  fix: Set the same PSK on both ends (gw-a and gw-b) and reload the secrets.']
    assert lines[5].startswith('host gw-c: [error] HOST_UNREACHABLE')
    assert summary_lines(healthy_report)[1:] == ['tunnel gw-a:gw-gw <-> gw-b:gw-gw: established',
                                                 '  checks failed: none']


def test_write_reports(tmp_path, faulty_report):
    folder = str(tmp_path / 'out' / 'report')
    written = write_reports(faulty_report, folder)
    assert sorted(os.path.basename(path) for path in written.values()) == [
        'junit.xml', 'report.html', 'report.json', 'report.md']
    assert sorted(os.listdir(folder)) == ['junit.xml', 'report.html', 'report.json', 'report.md']
    assert write_reports(faulty_report, folder, ['json']) == {'json': os.path.join(folder, 'report.json')}
    with pytest.raises(ValueError, match='unknown report format'):
        write_reports(faulty_report, folder, ['pdf'])
