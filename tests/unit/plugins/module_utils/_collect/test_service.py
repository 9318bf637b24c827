# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.ipsec.doctor.plugins.module_utils._collect import runtime, service
from ansible_collections.ipsec.doctor.plugins.module_utils._collect.vici import ViciError
from ansible_collections.ipsec.doctor.tests.unit.plugins.module_utils._collect.fake_host import (
    make_host,
    strongswan_host_files,
)

SYSTEMCTL_SHOW = '''Id=strongswan.service
LoadState=loaded
ActiveState=active
SubState=running
Result=success
NRestarts=2

Id=strongswan-starter.service
LoadState=not-found
ActiveState=inactive
SubState=dead
Result=success
NRestarts=0
'''


def fake_vici(answers):
    def query(host, command):
        if command not in answers:
            raise ViciError('no answer')
        return answers[command]
    return query


def test_running_charon_with_systemd_and_config_loaded(tmp_path, monkeypatch):
    files = strongswan_host_files()
    files['/run/systemd/system/.keep'] = ''
    files['/run/charon.vici'] = ''
    monkeypatch.setattr(runtime, 'vici_query', fake_vici({
        'version': {'daemon': 'charon-systemd', 'version': '5.9.8'},
        'list-conns': [{'gw-gw': {}}, {'old-conn': {}}]}))
    host = make_host(tmp_path, files, {('systemctl', 'show'): (0, SYSTEMCTL_SHOW),
                                       ('swanctl', '--version'): (0, 'strongSwan 5.9.7 swanctl\n')})
    result = service.collect(host)
    daemon = result['daemons'][0]
    assert (daemon['name'], daemon['family'], daemon['binary'], daemon['running'], daemon['pids']) == \
        ('charon-systemd', 'strongswan', '/usr/sbin/charon-systemd', True, [4242])
    # The running daemon's own version wins over the installed tool's.
    assert daemon['version'] == '5.9.8'
    assert daemon['start_time'] == 1764780005.0
    assert daemon['systemd'] == {'unit': 'strongswan.service', 'active_state': 'active', 'sub_state': 'running',
                                 'result': 'success', 'n_restarts': 2, 'oom_killed': False}
    assert result['sockets'] == {'vici': '/run/charon.vici', 'pluto_ctl': None}
    assert result['primary'] == 'strongswan'
    loaded = result['config_loaded']
    assert (loaded['checked'], loaded['loaded_connections'], loaded['missing_from_daemon'],
            loaded['extra_in_daemon']) == (True, ['gw-gw', 'old-conn'], [], ['old-conn'])
    assert loaded['daemon_start_time'] == 1764780005.0 and loaded['config_mtime'] > 0


def test_no_systemd_means_no_systemctl_call(tmp_path, monkeypatch):
    monkeypatch.setattr(runtime, 'vici_query', fake_vici({}))
    host = make_host(tmp_path, strongswan_host_files(), {('systemctl', 'show'): (0, SYSTEMCTL_SHOW)})
    result = service.collect(host)
    assert result['systemd_running'] is False and result['daemons'][0]['systemd'] is None
    assert ['systemctl', 'show'] not in [call[:2] for call in host.runner.calls]
    assert result['config_loaded']['checked'] is False


def test_libreswan_config_loaded_from_whack_status(tmp_path):
    files = {
        '/usr/libexec/ipsec/pluto': '',
        '/run/pluto/pluto.ctl': '',
        '/etc/ipsec.conf': 'config setup\n\nconn gw-gw\n    left=198.51.100.30\n    right=198.51.100.10\n'
                           '    authby=secret\n    auto=start\n\nconn spare\n    left=%defaultroute\n'
                           '    right=198.51.100.40\n    auto=add\n',
        '/proc/stat': 'btime 1764780000\n',
        '/proc/77/stat': '77 (pluto) S 1 77 77 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 100 0 0\n',
        '/proc/77/comm': 'pluto\n',
    }
    whack = '000 "gw-gw": 198.51.100.30...198.51.100.10; erouted\n000 #1: "gw-gw":500 STATE_V2_ESTABLISHED_IKE_SA\n'
    host = make_host(tmp_path, files, {('ipsec', 'whack', '--status'): (0, whack),
                                       ('ipsec', '--version'): (0, 'Libreswan 4.10\n'),
                                       ('ip', '-j', 'addr'): (0, '[]')})
    result = service.collect(host)
    assert [(d['name'], d['family'], d['version'], d['running']) for d in result['daemons']] == [
        ('pluto', 'libreswan', '4.10', True)]
    assert result['config_loaded']['loaded_connections'] == ['gw-gw']
    assert result['config_loaded']['missing_from_daemon'] == ['spare']


def test_parse_systemctl_show_skips_blank_blocks():
    units = service.parse_systemctl_show(SYSTEMCTL_SHOW + '\n\n')
    assert sorted(units) == ['strongswan-starter.service', 'strongswan.service']
