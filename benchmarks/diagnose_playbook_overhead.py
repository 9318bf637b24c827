# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Wall time of the diagnose playbook on two real peers against a playbook that only pings them.

    sudo .venv/bin/python benchmarks/diagnose_playbook_overhead.py [--repetitions 5]

Brings up the lab's sw1 and sw2 (strongSwan, swanctl) with an established PSK tunnel, then runs,
alternately, ``ansible-playbook ipsec.doctor.diagnose`` on both hosts and a one-task playbook with
``ansible.builtin.ping`` on the same hosts (same inventory, SSH settings and forks). Prints each
median, the fastest run and the ratio of the medians (target: at most 2). The ping playbook is the
floor every playbook pays (start-up, inventory, SSH with pipelining, one module round trip); what
diagnose adds is its facts module, the controller-side analysis and the report files. The lab is
torn down at the end. Needs root and the lab packages (scripts/lab-deps.sh); ``ansible-playbook``
is taken from the folder of the running Python.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HOSTS = ('sw1', 'sw2')
PING_PLAYBOOK = """---
- name: Ping the hosts (the floor every playbook pays)
  hosts: "{hosts}"
  gather_facts: false
  tasks:
    - name: Ping
      ansible.builtin.ping:
"""
TARGET_RATIO = 2.0


def collections_path():
    """The folder holding ansible_collections/ipsec/doctor (environment, checkout location or bootstrap farm)."""
    if os.environ.get('ANSIBLE_COLLECTIONS_PATH'):
        return os.environ['ANSIBLE_COLLECTIONS_PATH']
    parts = REPO.split(os.sep)
    if 'ansible_collections' in parts:
        return os.sep.join(parts[:parts.index('ansible_collections')])
    farm = os.path.join(REPO, '.cache', 'collections')
    if os.path.isdir(os.path.join(farm, 'ansible_collections', 'ipsec', 'doctor')):
        return farm
    sys.exit('set ANSIBLE_COLLECTIONS_PATH to a folder that holds ansible_collections/ipsec/doctor '
             '(scripts/bootstrap.sh makes one)')


def timed(argv, env, cwd):
    """Run argv; return its wall time in seconds (exit codes 0 and 2, findings, are fine)."""
    start = time.monotonic()
    proc = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True, check=False)
    elapsed = time.monotonic() - start
    if proc.returncode not in (0, 2):
        sys.exit('%s failed (%d):\n%s%s' % (' '.join(argv), proc.returncode, proc.stdout[-3000:], proc.stderr[-3000:]))
    return elapsed


def measure(lab, repetitions, workdir):
    """Return ({'diagnose': [s, ...], 'ping': [s, ...]}) for alternating runs after one warm-up each."""
    config = os.path.join(workdir, 'ansible.cfg')
    with open(config, 'w', encoding='utf-8') as handle:
        handle.write('[defaults]\n')
    ping = os.path.join(workdir, 'ping.yml')
    with open(ping, 'w', encoding='utf-8') as handle:
        handle.write(PING_PLAYBOOK.format(hosts=':'.join(HOSTS)))
    env = dict(os.environ, ANSIBLE_CONFIG=config, ANSIBLE_HOST_KEY_CHECKING='False', ANSIBLE_NOCOLOR='1',
               ANSIBLE_LOCAL_TEMP=os.path.join(workdir, 'tmp'), ANSIBLE_COLLECTIONS_PATH=collections_path(),
               ANSIBLE_RETRY_FILES_ENABLED='False')
    playbook = os.path.join(os.path.dirname(sys.executable), 'ansible-playbook')
    commands = {
        'diagnose': [playbook, '-i', lab.inventory_path, 'ipsec.doctor.diagnose',
                     '-e', 'ipsec_doctor_hosts=%s' % ':'.join(HOSTS),
                     '-e', 'ipsec_doctor_report_dir=%s' % os.path.join(workdir, 'report')],
        'ping': [playbook, '-i', lab.inventory_path, ping],
    }
    for argv in commands.values():
        timed(argv, env, workdir)
    times = dict((name, []) for name in commands)
    for _index in range(repetitions):
        for name, argv in commands.items():
            times[name].append(timed(argv, env, workdir))
    return times


def main():
    """Entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', maxsplit=1)[0])
    parser.add_argument('--repetitions', type=int, default=5, help='timed runs of each playbook (default 5)')
    args = parser.parse_args()
    sys.path.insert(0, os.path.join(REPO, 'tests', 'lab'))
    from ipsec_lab.lab import Lab  # pylint: disable=import-outside-toplevel
    from ipsec_lab.pytest_plugin import lab_skip_reason  # pylint: disable=import-outside-toplevel
    reason = lab_skip_reason()
    if reason:
        sys.exit(reason)
    workdir = tempfile.mkdtemp(prefix='ipsec-doctor-overhead-')
    try:
        with Lab(only=list(HOSTS)) as lab:
            lab.scenario(HOSTS[0], HOSTS[1], auth='psk').up()
            times = measure(lab, args.repetitions, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    medians = dict((name, statistics.median(values)) for name, values in times.items())
    print('diagnose playbook overhead on %s (%d runs each, after one warm-up run)' % (' + '.join(HOSTS),
                                                                                      args.repetitions))
    for name in ('ping', 'diagnose'):
        print('  %-9s median %6.2f s   fastest %6.2f s   runs: %s' % (
            name, medians[name], min(times[name]), ' '.join('%.2f' % value for value in times[name])))
    ratio = medians['diagnose'] / medians['ping']
    print('  ratio of the medians: %.2fx (target at most %.1fx): %s' % (
        ratio, TARGET_RATIO, 'met' if ratio <= TARGET_RATIO else 'NOT met'))
    return 0


if __name__ == '__main__':
    sys.exit(main())
