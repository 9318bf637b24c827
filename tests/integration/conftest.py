# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Integration tests: the lab's fixtures, and a runner for the diagnose playbook as users start it.

``diagnose_playbook`` runs ``ansible-playbook -i <inventory> ipsec.doctor.diagnose`` with the
``ansible-playbook`` next to ``sys.executable`` (the venv running pytest) and returns a
``DiagnoseRun``: exit code, output, and the report.json it wrote.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os
import subprocess
import sys
import time
from xml.etree import ElementTree

import pytest

LAB_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'lab')
if LAB_DIR not in sys.path:
    sys.path.insert(0, LAB_DIR)

PLUGIN = 'ipsec_lab.pytest_plugin'
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SEVERITIES = ('info', 'warning', 'error', 'critical')
PLAYBOOK_TIMEOUT = 300


RUN_TIMINGS = []  # (hosts, seconds) of every diagnose playbook run in this session


def pytest_terminal_summary(terminalreporter):
    """Print how long each diagnose playbook run took."""
    if RUN_TIMINGS:
        terminalreporter.write_sep('-', 'diagnose playbook runs')
        for hosts, seconds in RUN_TIMINGS:
            terminalreporter.write_line('%6.1f s  %s' % (seconds, ':'.join(hosts)))
        total = sum(item[1] for item in RUN_TIMINGS)
        terminalreporter.write_line('%6.1f s  in total (%d runs)' % (total, len(RUN_TIMINGS)))


def pytest_configure(config):
    """Register the lab plugin once (unless ``-p ipsec_lab.pytest_plugin`` or tests/lab did)."""
    if not config.pluginmanager.has_plugin(PLUGIN):
        config.pluginmanager.import_plugin(PLUGIN)


def collections_path():
    """The folder that holds ansible_collections/ipsec/doctor, or None."""
    if os.environ.get('ANSIBLE_COLLECTIONS_PATH'):
        return os.environ['ANSIBLE_COLLECTIONS_PATH']
    parts = os.path.abspath(__file__).split(os.sep)
    if 'ansible_collections' in parts:
        return os.sep.join(parts[:parts.index('ansible_collections')])
    farm = os.path.join(REPO, '.cache', 'collections')
    if os.path.isdir(os.path.join(farm, 'ansible_collections', 'ipsec', 'doctor')):
        return farm
    return None


def fail_on_reached(report, fail_on):
    """True when a finding of report is at or above fail_on (the playbook must then fail)."""
    if fail_on == 'never':
        return False
    lowest = SEVERITIES.index(fail_on)
    return any(SEVERITIES.index(finding['severity']) >= lowest for finding in report['findings'])


class DiagnoseRun(object):
    """One finished diagnose playbook run."""

    def __init__(self, argv, proc, report_dir, elapsed):
        self.argv = argv
        self.returncode = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr
        self.report_dir = report_dir
        self.elapsed = elapsed
        path = os.path.join(report_dir, 'report.json')
        self.report = None
        if os.path.exists(path):
            with open(path, encoding='utf-8') as handle:
                self.report = json.load(handle)

    def output(self):
        """stdout and stderr, for assertion messages."""
        return '$ %s\n%s\n%s' % (' '.join(self.argv), self.stdout, self.stderr)

    def tunnel(self, a, b):
        """The report's tunnel between inventory hosts a and b (None when there is none)."""
        for tunnel in self.report['tunnels']:
            if set(peer['host'] for peer in tunnel['peers']) == set((a, b)):
                return tunnel
        return None

    def findings_of(self, a, b):
        """The findings (in report order) of the tunnel a-b and of hosts a and b outside any tunnel."""
        tunnel = self.tunnel(a, b)
        tunnel_id = tunnel['id'] if tunnel else None
        pair = set((a, b))
        return [finding for finding in self.report['findings']
                if (tunnel_id is not None and finding['tunnel'] == tunnel_id)
                or (finding['tunnel'] is None and finding['hosts'] and set(finding['hosts']) <= pair)]

    def check_fail_on(self, fail_on='error'):
        """Assert the run follows ipsec_doctor_fail_on.

        The exit code is 2 (a failed task) when a finding reaches fail_on, else 0; the failures of
        junit.xml are exactly the findings at or above fail_on (a host's finding is a failure in each
        of its tunnels' test cases); all four report files are there.
        """
        assert self.report is not None, 'no report.json\n' + self.output()
        expected = 2 if fail_on_reached(self.report, fail_on) else 0
        assert self.returncode == expected, self.output()
        assert sorted(os.listdir(self.report_dir)) == ['junit.xml', 'report.html', 'report.json', 'report.md']
        reaching = set()
        if fail_on != 'never':
            reaching = set('[%s] %s' % (item['severity'], item['summary']) for item in self.report['findings']
                           if SEVERITIES.index(item['severity']) >= SEVERITIES.index(fail_on))
        junit = ElementTree.parse(os.path.join(self.report_dir, 'junit.xml'))
        failures = set(item.get('message') for item in junit.getroot().iter('failure'))
        assert failures == reaching


class DiagnoseRunner(object):
    """Runs the diagnose playbook against the lab with a private Ansible configuration."""

    def __init__(self, lab, workdir, collections):
        self.lab = lab
        self.workdir = workdir
        self.collections = collections
        self.runs = 0
        bin_dir = os.path.dirname(sys.executable)
        self.ansible_playbook = os.path.join(bin_dir, 'ansible-playbook')

    def env(self, extra=None):
        """Environment of a run: own ansible.cfg and temp folder, the collection, no colour."""
        config = os.path.join(self.workdir, 'ansible.cfg')
        if not os.path.exists(config):
            with open(config, 'w', encoding='utf-8') as handle:
                handle.write('[defaults]\n')
        env = dict(os.environ, ANSIBLE_CONFIG=config, ANSIBLE_HOST_KEY_CHECKING='False', ANSIBLE_NOCOLOR='1',
                   ANSIBLE_LOCAL_TEMP=os.path.join(self.workdir, 'tmp'), ANSIBLE_COLLECTIONS_PATH=self.collections,
                   ANSIBLE_RETRY_FILES_ENABLED='False')
        env.pop('ANSIBLE_LOG_PATH', None)
        env.update(extra or {})
        return env

    def run(self, hosts, fail_on=None, inventory=None, verbosity=0, extra_vars=None, env=None, report_dir=None):
        """Run ``ansible-playbook ipsec.doctor.diagnose`` on hosts; return a DiagnoseRun."""
        self.runs += 1
        report_dir = report_dir or os.path.join(self.workdir, 'report-%d' % self.runs)
        argv = [self.ansible_playbook, '-i', inventory or self.lab.inventory_path, 'ipsec.doctor.diagnose',
                '-f', '20', '-e', 'ipsec_doctor_report_dir=%s' % report_dir,
                '-e', 'ipsec_doctor_hosts=%s' % ':'.join(hosts)]
        if fail_on is not None:
            argv += ['-e', 'ipsec_doctor_fail_on=%s' % fail_on]
        for key, value in sorted((extra_vars or {}).items()):
            argv += ['-e', '%s=%s' % (key, value)]
        if verbosity:
            argv.append('-' + 'v' * verbosity)
        start = time.monotonic()
        proc = subprocess.run(argv, cwd=self.workdir, env=self.env(env), capture_output=True, text=True,
                              timeout=PLAYBOOK_TIMEOUT, check=False)
        elapsed = time.monotonic() - start
        RUN_TIMINGS.append((list(hosts), elapsed))
        return DiagnoseRun(argv, proc, report_dir, elapsed)


@pytest.fixture(scope='session')
def collections_dir():
    """The folder that holds ansible_collections/ipsec/doctor (skips when there is none)."""
    collections = collections_path()
    if collections is None:
        pytest.skip('set ANSIBLE_COLLECTIONS_PATH to a folder that holds ansible_collections/ipsec/doctor')
    return collections


@pytest.fixture(scope='session')
def diagnose_playbook(lab, tmp_path_factory, collections_dir):
    """A DiagnoseRunner for the running lab (skips without ansible-playbook or the collection)."""
    runner = DiagnoseRunner(lab, str(tmp_path_factory.mktemp('diagnose')), collections_dir)
    if not os.access(runner.ansible_playbook, os.X_OK):
        pytest.skip('no ansible-playbook next to %s' % sys.executable)
    return runner
