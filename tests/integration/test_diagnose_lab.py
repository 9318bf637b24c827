# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The diagnose playbook against real daemons: every lab fault is named first, healthy tunnels are clean.

Faults are diagnosed from the facts alone: the test injects them (configuration written, daemons
restarted) and runs ``ansible-playbook ipsec.doctor.diagnose`` without a connection attempt. The
lab's independent pairs (sw1-sw2 and sw3-sw4 with swanctl, lg1-lg2 with ipsec.conf, ls1-ls2 with
Libreswan) each carry another fault, and one playbook run diagnoses all of them. Further tests: two
faults on one tunnel, healthy tunnels (also strongSwan-Libreswan and legacy-swanctl), the log lines
of a failed attempt as evidence from both ends, faults that only time out after an attempt, and an
unreachable inventory host.

Run as root: ``python -m pytest -p ipsec_lab.pytest_plugin tests/integration/test_diagnose_lab.py``
with tests/lab on PYTHONPATH (scripts/test.sh does this).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ipsec_lab.faults import CATALOGUE, FAULTS
from ipsec_lab.scenario import check_concurrently

pytestmark = pytest.mark.lab

SWANCTL_PAIRS = (('sw1', 'sw2'), ('sw3', 'sw4'))
LEGACY_PAIR = ('lg1', 'lg2')
LIBRESWAN_PAIR = ('ls1', 'ls2')
# Faults with verified Libreswan signatures (docs/lab.md); PSK only on Libreswan.
LIBRESWAN_FAULTS = tuple(fault.id for fault in CATALOGUE if fault.libreswan is not None)
# Catalogue faults also diagnosed on the legacy strongSwan pair (ipsec.conf, ipsec.secrets, ipsec.d).
LEGACY_FAULTS = ('wrong_psk', 'ike_proposal_mismatch', 'esp_proposal_mismatch', 'cert_expired', 'cert_untrusted',
                 'local_id_mismatch', 'ike_version_mismatch', 'ts_mismatch', 'private_key_missing', 'ip_forward_off',
                 'daemon_stopped', 'config_syntax_error')
# OVERLAP_NET overlaps the LANs of sw1 and sw2 only.
PINNED = {'subnet_overlap': ('sw1', 'sw2')}
SEVERE = ('warning', 'error', 'critical')


def schedule():
    """Rounds of {pair: fault id}: every catalogue fault on a swanctl pair, some on lg1-lg2 and ls1-ls2 alongside."""
    swanctl = [fault.id for fault in CATALOGUE]
    rounds = []
    while swanctl:
        chosen = {}
        for pair in SWANCTL_PAIRS:
            fault = next((item for item in swanctl if PINNED.get(item, pair) == pair), None)
            if fault is not None:
                swanctl.remove(fault)
                chosen[pair] = fault
        rounds.append(chosen)
    for index, fault in enumerate(LEGACY_FAULTS):
        rounds[index % len(rounds)][LEGACY_PAIR] = fault
    for index, fault in enumerate(LIBRESWAN_FAULTS):
        rounds[index % len(rounds)][LIBRESWAN_PAIR] = fault
    return rounds


ROUNDS = schedule()
CASES = [(pair, fault) for chosen in ROUNDS for pair, fault in chosen.items()]


def flavour_name(pair):
    """Test id prefix of a pair."""
    if pair in SWANCTL_PAIRS:
        return 'swanctl'
    return 'legacy' if pair == LEGACY_PAIR else 'libreswan'


def without_lab_kernel_gap(run, pair):
    """The findings of pair, less KERNEL_ESP_UNSUPPORTED on Libreswan hosts (asserted to be there).

    The lab's kernel has no ESP and Libreswan no userspace ESP (docs/lab.md): every Libreswan host rightly
    gets KERNEL_ESP_UNSUPPORTED, and an injected fault is then the first of the other findings.
    """
    findings = run.findings_of(*pair)
    if pair != LIBRESWAN_PAIR:
        return findings
    gaps = [item for item in findings if item['code'] == 'KERNEL_ESP_UNSUPPORTED']
    assert sorted(name for item in gaps for name in item['hosts']) == sorted(pair), describe(findings)
    return [item for item in findings if item not in gaps]


def describe(findings):
    """One line per finding, for assertion messages."""
    lines = ['  %s %s %s [%s]: %s' % (item['severity'], item['code'], item['tunnel'], ','.join(item['hosts']),
                                      item['summary']) for item in findings]
    return '\n'.join(lines) or '  (no finding)'


def auth_of(fault_id):
    """The authentication a fault needs (PSK when any works)."""
    return FAULTS[fault_id].auth or 'psk'


class Scenarios(object):
    """Lab tunnels made by one test module, one per (a, b, auth); all removed at the end."""

    def __init__(self, lab):
        self.lab = lab
        self.made = {}

    def get(self, a, b, auth='psk', **kwargs):
        """The scenario a -> b with auth (made once)."""
        key = (a, b, auth, tuple(sorted(kwargs.items())))
        if key not in self.made:
            for name in (a, b):
                if name not in self.lab.hosts:
                    pytest.skip('lab host %s is not available (Libreswan not unpacked?)' % name)
            # Another tunnel between the same hosts would be a second connection: take it off first.
            for other_key in [item for item in self.made if item[:2] == (a, b)]:
                self.made.pop(other_key).remove()
            self.made[key] = self.lab.scenario(a, b, auth=auth, **kwargs)
        return self.made[key]

    def only(self, *specs):
        """The scenarios of specs [(a, b, auth)]; every other tunnel of this module is taken off first."""
        wanted = set((a, b, auth, ()) for a, b, auth in specs)
        for key in [key for key in self.made if key not in wanted]:
            item = self.made.pop(key)
            if all(host.running for host in item.hosts.values()):
                item.remove()
        return [self.get(a, b, auth) for a, b, auth in specs]

    def remove_all(self):
        """Take every tunnel off its hosts."""
        for item in reversed(list(self.made.values())):
            if all(host.running for host in item.hosts.values()):
                item.remove()
        self.made = {}


@pytest.fixture(scope='module')
def scenarios(lab):
    """Scenarios of this module (removed afterwards)."""
    made = Scenarios(lab)
    yield made
    made.remove_all()


@pytest.fixture(scope='module')
def fault_rounds(lab, scenarios, diagnose_playbook):
    """Inject each round's faults on their pairs and diagnose all pairs in one run; [(round, DiagnoseRun)]."""
    available = set(lab.hosts)
    done = []
    for chosen in ROUNDS:
        chosen = dict((pair, fault) for pair, fault in chosen.items() if set(pair) <= available)
        for pair, fault in chosen.items():
            scenarios.get(pair[0], pair[1], auth_of(fault)).inject(fault)
        hosts = sorted(name for pair in chosen for name in pair)
        done.append((chosen, diagnose_playbook.run(hosts)))
    return done


def result_for(fault_rounds, pair, fault):
    """The DiagnoseRun of the round that had fault on pair."""
    for chosen, run in fault_rounds:
        if chosen.get(pair) == fault:
            return run
    pytest.skip('pair %s-%s is not in this lab' % pair)
    return None


@pytest.mark.parametrize('pair,fault', CASES, ids=['%s-%s' % (flavour_name(pair), fault) for pair, fault in CASES])
def test_fault_is_the_first_finding(fault_rounds, pair, fault):
    """The first finding of the tunnel (or its hosts) has the catalogue's code."""
    run = result_for(fault_rounds, pair, fault)
    assert run.report is not None, run.output()
    findings = without_lab_kernel_gap(run, pair)
    expected = FAULTS[fault].finding
    assert findings and findings[0]['code'] == expected, (
        '%s on %s-%s: expected %s first, got\n%s' % (fault, pair[0], pair[1], expected, describe(findings)))


def test_fault_rounds_fail_at_error(fault_rounds):
    """Every faulty run fails (exit 2) with junit failures, as a finding reaches the default fail_on (error)."""
    for _chosen, run in fault_rounds:
        run.check_fail_on('error')


def test_two_faults_on_one_tunnel_are_both_reported(lab, scenarios, diagnose_playbook):
    """Faults of different categories injected together: both codes appear for that tunnel."""
    combos = {('sw1', 'sw2'): ('wrong_psk', 'ip_forward_off'),
              ('sw3', 'sw4'): ('esp_proposal_mismatch', 'rp_filter_strict'),
              ('lg1', 'lg2'): ('udp4500_dropped', 'private_key_world_readable')}
    combos = dict((pair, faults) for pair, faults in combos.items() if set(pair) <= set(lab.hosts))
    specs = [pair + ('cert' if any(auth_of(fault) == 'cert' for fault in faults) else 'psk',)
             for pair, faults in combos.items()]
    for tunnel, faults in zip(scenarios.only(*specs), combos.values()):
        tunnel.inject(*faults)
    run = diagnose_playbook.run(sorted(name for pair in combos for name in pair))
    run.check_fail_on('error')
    for pair, faults in combos.items():
        findings = run.findings_of(*pair)
        codes = [item['code'] for item in findings]
        for fault in faults:
            assert FAULTS[fault].finding in codes, '%s on %s-%s:\n%s' % (fault, pair[0], pair[1], describe(findings))


# (initiator, responder, auth): strongSwan-strongSwan (PSK and certificates), legacy-swanctl, strongSwan-Libreswan.
HEALTHY = (('sw1', 'sw2', 'psk'), ('sw3', 'sw4', 'cert'), ('lg1', 'sw1', 'psk'), ('lg2', 'sw3', 'cert'),
           ('sw2', 'ls1', 'psk'))


def healthy_tunnels(scenarios, lab):
    """Establish the HEALTHY tunnels that this lab has; return their scenarios.

    Bringing a tunnel up restarts both daemons, which drops the SAs of other tunnels on those hosts: all are
    configured first, then initiated.
    """
    made = scenarios.only(*[spec for spec in HEALTHY if set(spec[:2]) <= set(lab.hosts)])
    for tunnel in made:
        tunnel.configure()
    for tunnel in made:
        tunnel.initiate()
    for tunnel in made:
        child = not any(host.flavour == 'libreswan' for host in tunnel.hosts.values())
        assert tunnel.wait_established(child=child), tunnel.describe()
    return made


def test_healthy_tunnels_have_no_finding_above_info(lab, scenarios, diagnose_playbook):
    """Established tunnels give no warning or worse, and the run passes ipsec_doctor_fail_on=warning.

    Libreswan cannot install a CHILD SA on a kernel without ESP (docs/lab.md), so on a Libreswan
    host KERNEL_ESP_UNSUPPORTED is the one expected finding: it is true, not a false alarm.
    """
    made = healthy_tunnels(scenarios, lab)
    hosts = sorted(set(host.name for tunnel in made for host in tunnel.hosts.values()))
    run = diagnose_playbook.run(hosts, fail_on='warning')
    assert run.report is not None, run.output()
    libreswan = set(name for name in hosts if lab.hosts[name].flavour == 'libreswan')
    unexpected = [item for item in run.report['findings'] if item['severity'] in SEVERE
                  and not (item['code'] == 'KERNEL_ESP_UNSUPPORTED' and set(item['hosts']) <= libreswan)]
    assert not unexpected, describe(unexpected)
    for tunnel in made:
        entry = run.tunnel(tunnel.host('a').name, tunnel.host('b').name)
        assert entry is not None, 'no tunnel %s in the report' % tunnel.conn
        libreswan_end = any(host.flavour == 'libreswan' for host in tunnel.hosts.values())
        # The IKE SA of a Libreswan tunnel is up, its CHILD SA cannot be (no ESP in this kernel).
        assert entry['state'] == 'established' or libreswan_end and entry['state'] == 'connecting', entry
    for name in hosts:
        assert run.report['hosts'][name]['facts_ok'], run.report['hosts'][name]
    run.check_fail_on('warning')


def test_log_events_of_a_failed_attempt_are_evidence_on_both_sides(lab, scenarios, diagnose_playbook):
    """After one failed initiation with a wrong PSK, both ends' log lines back the PSK_MISMATCH finding."""
    pairs = [pair for pair in (('sw1', 'sw2'), LIBRESWAN_PAIR) if set(pair) <= set(lab.hosts)]
    for tunnel in scenarios.only(*[pair + ('psk',) for pair in pairs]):
        tunnel.inject('wrong_psk')
        result = tunnel.check()
        assert result.ok, result.report()
    run = diagnose_playbook.run(sorted(name for pair in pairs for name in pair))
    run.check_fail_on('error')
    for a, b in pairs:
        findings = without_lab_kernel_gap(run, (a, b))
        assert findings and findings[0]['code'] == 'PSK_MISMATCH', describe(findings)
        evidence = findings[0]['evidence']
        for host in (a, b):
            lines = [line for line in evidence if line.startswith(host + ' /var/log/')]
            assert lines, 'no log line of %s in the evidence:\n%s' % (host, '\n'.join(evidence))
        assert any('AUTHENTICATION_FAILED' in line for line in evidence if line.startswith(a + ' ')), evidence


# Faults that leave only a timeout in the logs (retransmits, then giving up), one per pair.
TIMEOUT_FAULTS = {('sw1', 'sw2'): 'udp500_dropped', ('sw3', 'sw4'): 'udp4500_dropped', ('lg1', 'lg2'): 'daemon_stopped'}


def test_after_a_timed_out_attempt_the_cause_stays_first(lab, scenarios, diagnose_playbook):
    """After one attempt that timed out, the static cause is still first and the initiator's give-up backs it."""
    chosen = dict((pair, fault) for pair, fault in TIMEOUT_FAULTS.items() if set(pair) <= set(lab.hosts))
    tunnels = scenarios.only(*[pair + ('psk',) for pair in chosen])
    results = check_concurrently([(tunnel, [fault]) for tunnel, fault in zip(tunnels, chosen.values())])
    for result in results:
        assert result.ok, result.report()
    run = diagnose_playbook.run(sorted(name for pair in chosen for name in pair))
    run.check_fail_on('error')
    for pair, fault in chosen.items():
        findings = run.findings_of(*pair)
        assert findings and findings[0]['code'] == FAULTS[fault].finding, '%s:\n%s' % (fault, describe(findings))
        given_up = [line for line in findings[0]['evidence']
                    if line.startswith(pair[0] + ' /var/log/') and 'giving up after' in line]
        assert given_up, '%s: no give-up line of %s in\n%s' % (fault, pair[0], '\n'.join(findings[0]['evidence']))
    # Errors but nothing critical on sw1-sw2: with ipsec_doctor_fail_on=critical the run passes.
    run = diagnose_playbook.run(['sw1', 'sw2'], fail_on='critical')
    assert [item for item in run.report['findings'] if item['severity'] == 'error'], describe(run.report['findings'])
    assert run.returncode == 0, run.output()
    run.check_fail_on('critical')


def test_unreachable_host_is_reported_and_the_others_diagnosed(lab, scenarios, diagnose_playbook, tmp_path):
    """An inventory host nobody answers for is a finding; the tunnel of the reachable hosts is still diagnosed."""
    tunnel = scenarios.only(('sw1', 'sw2', 'psk'))[0]
    tunnel.inject('ip_forward_off')
    with open(lab.inventory_path, encoding='utf-8') as handle:
        text = handle.read()
    # 198.51.100.2 is on the lab's WAN and belongs to no host: SSH gets no route to it.
    inventory = tmp_path / 'inventory.ini'
    inventory.write_text(text + '\n[gone]\nghost ansible_host=198.51.100.2\n\n[lab:children]\ngone\n',
                         encoding='utf-8')
    run = diagnose_playbook.run(['sw1', 'sw2', 'ghost'], inventory=str(inventory))
    assert run.report is not None, run.output()
    assert run.report['hosts']['ghost']['facts_ok'] is False
    codes = [(item['code'], item['hosts']) for item in run.report['findings']]
    assert ('HOST_UNREACHABLE', ['ghost']) in codes, describe(run.report['findings'])
    findings = run.findings_of('sw1', 'sw2')
    assert findings and findings[0]['code'] == 'IP_FORWARD_DISABLED', describe(findings)
    assert run.report['hosts']['sw1']['facts_ok'] and run.report['hosts']['sw2']['facts_ok']
    run.check_fail_on('error')
