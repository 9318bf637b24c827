# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import calendar
import time

import pytest

from ansible_collections.ipsec.doctor.plugins.module_utils._collect import logs
from ansible_collections.ipsec.doctor.tests.unit.plugins.module_utils._collect.fake_host import (
    make_host,
    strongswan_host_files,
)

SYSLOG = '''Dec  3 17:00:00 gw sshd[99]: Accepted publickey for root
Dec  3 17:00:01 gw charon-systemd[4242]: 10[IKE] <gw-gw|1> received AUTHENTICATION_FAILED notify error
Dec  3 17:00:02 gw kernel: [1.0] eth0: link up
Dec  3 17:00:03 gw charon-systemd[4242]: 11[IKE] <gw-gw|1> giving up after 5 retransmits
'''


def test_daemon_filelog_and_filtered_syslog_keep_file_line_numbers(tmp_path):
    files = strongswan_host_files()
    files['/var/log/syslog'] = SYSLOG
    result = logs.collect(make_host(tmp_path, files, options={'log_lines': 100}))
    assert [(s['kind'], s['path'], s['daemon'], s['lines_read']) for s in result['sources']] == [
        ('file', '/var/log/charon.log', 'strongswan', 3), ('file', '/var/log/syslog', None, 4)]
    assert result['sources'][1]['lines_matched'] == 2
    assert [(e['kind'], e['src']) for e in result['events']] == [
        ('psk_mac_mismatch', '/var/log/charon.log:2'), ('notify_sent', '/var/log/charon.log:3'),
        ('notify_received', '/var/log/syslog:2'), ('retransmit_give_up', '/var/log/syslog:4')]
    assert result['window'] == {'max_lines': 100, 'since': None}
    assert result['source'] == {'kind': 'file', 'path': '/var/log/charon.log'}


def test_only_the_tail_is_read(tmp_path):
    files = strongswan_host_files()
    files['/var/log/charon.log'] = ''.join('Dec  3 17:00:%02d 10[IKE] <gw-gw|1> received AUTHENTICATION_FAILED '
                                           'notify error\n' % (i % 60) for i in range(5000))
    result = logs.collect(make_host(tmp_path, files, options={'log_lines': 10}))
    assert result['sources'][0]['lines_read'] == 10
    assert [e['src'] for e in result['events']][0] == '/var/log/charon.log:4991'


def test_journal_where_journald_runs(tmp_path):
    files = strongswan_host_files()
    del files['/var/log/charon.log']
    files['/run/systemd/journal/socket'] = ''
    journal = ('-- Journal begins --\n2026-12-03T17:00:01+0000 gw charon-systemd[4242]: 10[IKE] <gw-gw|1> '
               'received NO_PROPOSAL_CHOSEN notify error\n')
    answers = {('journalctl',): (0, journal)}
    host = make_host(tmp_path, files, answers, options={'log_lines': 50, 'log_since': '-1h'})
    result = logs.collect(host)
    assert host.runner.calls[-1] == ['journalctl', '--no-pager', '-o', 'short-iso', '-n', '50', '-u',
                                     'strongswan.service', '-u', 'strongswan-starter.service', '--since', '-1h']
    assert [(e['code'], e['src']) for e in result['events']] == [('NO_PROPOSAL_CHOSEN', 'journal:1')]


def test_no_daemon_no_logs(tmp_path):
    result = logs.collect(make_host(tmp_path, {'/var/log/syslog': SYSLOG}))
    assert result['sources'] == [] and result['events'] == []


@pytest.fixture
def utc_host_clock(monkeypatch):
    """Run with the host's local time zone set to UTC, so local log times are comparable."""
    monkeypatch.setenv('TZ', 'UTC')
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


# 2026-12-03T18:46:42Z
NOW = 1796323602.0


@pytest.mark.parametrize('text, expected', [
    ('2026-12-03T18:46:42.891', NOW + 0.891),        # charon filelog time_format %FT%T with ms
    ('2026-12-03T18:46:42+0000', NOW),               # journalctl -o short-iso
    ('2026-12-03T19:46:42+01:00', NOW),
    ('2026-12-03T18:46:42Z', NOW),
    ('Thu 2026-12-03 18:46:42 UTC', NOW),            # journalctl -o short-full
    ('1796323602.5', NOW + 0.5),                     # journalctl -o short-unix
    ('Dec  3 18:46:42', NOW),                        # syslog: the year is the clock's
    ('Dec 31 23:00:00', 1767222000.0),               # a day ahead of the clock: last year (2025)
])
def test_log_times_become_epoch_seconds(utc_host_clock, text, expected):
    assert logs.log_time_epoch(text, NOW) == pytest.approx(expected)


@pytest.mark.parametrize('text', [None, '', 'yesterday', '99:99', 'Foo  3 17:00:01', '2026-13-45T99:00:00'])
def test_unknown_log_times_have_no_epoch(utc_host_clock, text):
    assert logs.log_time_epoch(text, NOW) is None


def test_every_event_gets_its_epoch(tmp_path, utc_host_clock):
    files = strongswan_host_files()
    files['/var/log/syslog'] = SYSLOG
    result = logs.collect(make_host(tmp_path, files, options={'log_lines': 100}))
    by_src = dict((event['src'], event['epoch']) for event in result['events'])
    year = time.gmtime().tm_year
    expected = calendar.timegm((year, 12, 3, 17, 0, 1, 0, 0, 0))
    if expected > time.time() + 86400:
        expected = calendar.timegm((year - 1, 12, 3, 17, 0, 1, 0, 0, 0))
    assert by_src['/var/log/syslog:2'] == expected
