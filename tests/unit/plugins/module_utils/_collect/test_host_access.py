# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import sys

import pytest

from ansible_collections.ipsec.doctor.plugins.module_utils._collect.commands import (
    CommandError,
    CommandRunner,
    ToolMissing,
)
from ansible_collections.ipsec.doctor.plugins.module_utils._collect.context import HostContext
from ansible_collections.ipsec.doctor.plugins.module_utils._collect.files import HostFiles
from ansible_collections.ipsec.doctor.plugins.module_utils._collect.processes import scan_processes
from ansible_collections.ipsec.doctor.tests.unit.plugins.module_utils._collect.fake_host import make_host, write_tree


def test_runner_output_exit_status_and_bound():
    runner = CommandRunner(max_output=10)
    result = runner.run([sys.executable, '-c', 'import sys; print("x" * 50); sys.exit(3)'])
    assert (result.rc, result.stdout, result.truncated, result.ok) == (3, 'x' * 10, True, False)


def test_runner_binary_output_and_stdin():
    result = CommandRunner().run([sys.executable, '-c', 'import sys; sys.stdout.buffer.write(sys.stdin.buffer.read())'],
                                 binary=True, stdin_data=b'\x00\x01')
    assert result.stdout == b'\x00\x01'


def test_runner_missing_tool_and_timeout():
    with pytest.raises(ToolMissing):
        CommandRunner().run(['no-such-tool-ipsec-doctor'])
    with pytest.raises(CommandError, match='did not finish'):
        CommandRunner(timeout=0.2).run([sys.executable, '-c', 'import time; time.sleep(5)'])


def test_host_files_map_paths_below_the_root(tmp_path):
    write_tree(tmp_path, {'/etc/swanctl/conf.d/a.conf': 'a', '/etc/swanctl/conf.d/.hidden.conf': 'h'})
    files = HostFiles(str(tmp_path))
    assert files.glob('/etc/swanctl/conf.d/*.conf') == ['/etc/swanctl/conf.d/a.conf']
    assert files.read('/etc/swanctl/conf.d/a.conf') == 'a'
    assert files.host(str(tmp_path / 'etc' / 'swanctl' / 'conf.d' / '.hidden.conf')) == \
        '/etc/swanctl/conf.d/.hidden.conf'
    with pytest.raises(OSError):
        files.read('/etc/missing')
    assert files.meta('/etc/swanctl/conf.d/a.conf')['path'] == '/etc/swanctl/conf.d/a.conf'


def test_list_files_gives_regular_files_and_states_unlistable_directories(tmp_path, monkeypatch):
    write_tree(tmp_path, {'/etc/swanctl/x509/b.pem': 'b', '/etc/swanctl/x509/a.pem': 'a',
                          '/etc/swanctl/x509/sub/c.pem': 'c', '/etc/swanctl/private/k.pem': 'k'})
    host = HostContext(root=str(tmp_path))
    assert host.list_files('certs', '/etc/swanctl/x509') == ['/etc/swanctl/x509/a.pem', '/etc/swanctl/x509/b.pem']
    assert host.list_files('certs', '/etc/swanctl/x509ca') == []
    assert host.errors == []
    real_listdir = HostFiles.listdir

    def listdir(self, path):
        if path == '/etc/swanctl/private':
            raise OSError(13, 'Permission denied', path)
        return real_listdir(self, path)
    monkeypatch.setattr(HostFiles, 'listdir', listdir)
    assert host.list_files('keys', '/etc/swanctl/private') == []
    assert host.errors == [{'subset': 'keys', 'message': 'Permission denied', 'path': '/etc/swanctl/private'}]


def test_run_ok_returns_successes_and_states_failures_as_gaps(tmp_path):
    host = make_host(tmp_path, answers={
        ('ip', 'xfrm', 'state'): (0, 'src 10.0.0.1 dst 10.0.0.2\n'),
        ('ip', 'xfrm', 'policy'): (2, '', 'RTNETLINK answers: Operation not permitted\n'),
        ('certutil',): (255, '', 'certutil: function failed: SEC_ERROR_BAD_DATABASE\n'),
    })
    assert host.run_ok('routes', ['ip', 'xfrm', 'state', 'list']).stdout == 'src 10.0.0.1 dst 10.0.0.2\n'
    assert host.run_ok('routes', ['ip', 'xfrm', 'policy', 'list']) is None
    assert host.run_ok('certs', ['certutil', '-L'], label='certutil -L', path='/var/lib/ipsec/nss') is None
    assert host.run_ok('service', ['systemctl', 'show']) is None
    assert host.errors == [
        {'subset': 'routes', 'message': 'ip xfrm policy list: RTNETLINK answers: Operation not permitted'},
        {'subset': 'certs', 'message': 'certutil -L: certutil: function failed: SEC_ERROR_BAD_DATABASE',
         'path': '/var/lib/ipsec/nss'},
        {'subset': 'service', 'message': 'systemctl not found'},
    ]


@pytest.mark.parametrize('max_lines, expected_first, expected_count', [(5, 99996, 5), (0, 100001, 0),
                                                                       (200000, 1, 100000)])
def test_tail_lines_reads_from_the_end_with_line_numbers(tmp_path, max_lines, expected_first, expected_count):
    write_tree(tmp_path, {'/var/log/big.log': ''.join('line %d\n' % n for n in range(1, 100001))})
    first, lines = HostFiles(str(tmp_path)).tail_lines('/var/log/big.log', max_lines)
    assert (first, len(lines)) == (expected_first, expected_count)
    if lines:
        assert lines[0] == 'line %d' % expected_first and lines[-1] == 'line 100000'


def test_scan_processes_skips_zombies(tmp_path):
    write_tree(tmp_path, {
        '/proc/stat': 'btime 1000\n',
        '/proc/10/stat': '10 (charon (x)) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 200 0 0\n',
        '/proc/10/comm': 'charon\n',
        '/proc/10/cmdline': b'/usr/lib/ipsec/charon\0--debug\0',
        '/proc/11/stat': '11 (charon-systemd) Z 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 300 0 0\n',
        '/proc/11/comm': 'charon-systemd\n',
    })
    processes = scan_processes(HostFiles(str(tmp_path)))
    assert processes == [{'pid': 10, 'comm': 'charon', 'cmdline': ['/usr/lib/ipsec/charon', '--debug'],
                          'start_time': 1002.0}]
