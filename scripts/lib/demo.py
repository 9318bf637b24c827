"""The main job, end to end: a broken tunnel in the lab, diagnosed over SSH, then torn down.

Run by scripts/demo.sh (as root, after scripts/bootstrap.sh), with tests/lab on sys.path. It
brings up two strongSwan gateways, builds a PSK tunnel between them, breaks it (a wrong PSK on
one side and IP forwarding off on the other), lets the initiator try once so both logs hold the
failure, runs `ansible-playbook ipsec.doctor.diagnose` against the lab inventory, prints the
summary and the report's path, and tears the lab down whatever happens.
"""

import argparse
import os
import subprocess
import sys
import time

from ipsec_lab.lab import Lab

FAULTS = ('wrong_psk', 'ip_forward_off')


def run_diagnose(lab, report_dir):
    """Run the diagnose playbook against the lab's gateways; return its exit code."""
    bin_dir = os.path.dirname(sys.executable)
    command = [
        os.path.join(bin_dir, 'ansible-playbook'), '-i', lab.inventory_path, 'ipsec.doctor.diagnose',
        '-e', 'ipsec_doctor_hosts=%s' % ':'.join(sorted(lab.hosts)),
        '-e', 'ipsec_doctor_report_dir=%s' % report_dir,
    ]
    env = dict(os.environ, ANSIBLE_HOST_KEY_CHECKING='False', ANSIBLE_NOCOLOR='1')
    print('$ %s' % ' '.join(command), flush=True)
    return subprocess.run(command, env=env, check=False).returncode


def main():
    """Entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', maxsplit=1)[0])
    parser.add_argument('--report-dir', default=os.path.abspath('ipsec-doctor-report'))
    args = parser.parse_args()
    started = time.monotonic()
    with Lab(only=['sw1', 'sw2']) as lab:
        print('lab up in %.1f s: %s' % (lab.timings['setup'], ', '.join(sorted(lab.hosts))), flush=True)
        tunnel = lab.scenario('sw1', 'sw2', auth='psk')
        tunnel.up()
        print('healthy PSK tunnel sw1 -> sw2 established; client ping through it: %s' % tunnel.ping(), flush=True)
        tunnel.inject(*FAULTS)
        print('injected faults: %s; sw1 tries to connect once' % ', '.join(FAULTS), flush=True)
        tunnel.initiate()
        time.sleep(1.0)
        rc = run_diagnose(lab, args.report_dir)
    print('lab torn down; demo took %.1f s' % (time.monotonic() - started))
    print('report: %s/report.html (also report.md, report.json, junit.xml)' % args.report_dir)
    # The diagnose run is expected to fail: it found what we broke. Anything else is a demo failure.
    if rc not in (0, 2):
        print('diagnose playbook exited %d' % rc, file=sys.stderr)
        return rc
    return 0


if __name__ == '__main__':
    sys.exit(main())
