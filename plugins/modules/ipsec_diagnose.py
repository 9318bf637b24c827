#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: ipsec_diagnose
short_description: Find why IPsec tunnels between inventory hosts do not come up, from both ends' facts
version_added: 0.1.0
description:
  - Runs once on the controller (an action plugin; it needs no connection to a host). It reads the
    C(ansible_facts.ipsec) of every host of the play (gathered by M(ipsec.doctor.ipsec_facts)), pairs the
    two ends of every tunnel, checks every invariant of the troubleshooting checklist (service, network,
    auth, config, nat, kernel, routing), attaches the log lines of both ends to the findings they explain
    and orders the findings so that the first one is the root cause to fix first.
  - Writes C(report.json) (schema C(ipsec.doctor/report/v1)), C(report.md), C(junit.xml) and a
    self-contained C(report.html) into O(report_dir).
  - Hosts whose facts task was unreachable or failed are reported as such (HOST_UNREACHABLE,
    FACTS_UNAVAILABLE); their tunnels are judged from the other end.
  - Every finding code is documented in docs/findings.md.
  - No secret is read or returned. PSKs are compared through the keyed digests the facts carry.
author:
  - ipsec.doctor contributors (@ipsec-doctor)
requirements:
  - On the controller, the Python packages C(cryptography) and C(netaddr) (see requirements.txt).
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
    details: The analysis changes nothing on any host; the report files are written in check mode too.
  diff_mode:
    support: none
  platform:
    support: full
    platforms: posix
options:
  report_dir:
    description:
      - Folder on the controller for the report files; created when missing.
    type: path
    default: ./ipsec-doctor-report
  fail_on:
    description:
      - Lowest severity that makes the task fail. V(never) never fails.
    type: str
    default: error
    choices: [info, warning, error, critical, never]
  formats:
    description:
      - Report files to write.
    type: list
    elements: str
    default: [json, markdown, junit, html]
    choices: [json, markdown, junit, html]
  hosts:
    description:
      - Inventory hosts to analyze. Defaults to all hosts of the play (C(ansible_play_hosts_all)),
        including the ones that failed or were unreachable.
    type: list
    elements: str
  facts:
    description:
      - Facts to analyze instead of the hosts' C(ansible_facts.ipsec), as a mapping of inventory name to
        the C(ipsec) facts dictionary (for saved facts or tests).
    type: dict
  facts_result_var:
    description:
      - Name of the variable each host registered the result of its M(ipsec.doctor.ipsec_facts) task in;
        used to tell unreachable and failed hosts apart.
    type: str
    default: ipsec_doctor_facts_result
  peers_var:
    description:
      - Name of the host variable that names the peer of a connection when pairing cannot infer it.
      - "Its value is C({connection: {host: peer inventory name, connection: peer connection name}})."
    type: str
    default: ipsec_doctor_peers
  peers:
    description:
      - "Pairing overrides for all hosts as C({host: {connection: {host: ..., connection: ...}}})."
      - They win over the host variables named by O(peers_var).
    type: dict
    default: {}
  unreachable:
    description:
      - Inventory hosts to report as unreachable in addition to those found through O(facts_result_var).
    type: list
    elements: str
    default: []
  cert_expiry_warning_days:
    description:
      - A certificate in use that expires within this many days gets a CERT_EXPIRES_SOON warning.
    type: int
    default: 30
  return_report:
    description:
      - Return the whole report in RV(report). Turn off for very large inventories.
    type: bool
    default: true
notes:
  - "Run it once, for example with C(run_once: true) and C(delegate_to: localhost), after the facts of
    all hosts were gathered; the role C(ipsec.doctor.diagnose) does exactly that."
seealso:
  - module: ipsec.doctor.ipsec_facts
'''

EXAMPLES = r'''
- name: Gather IPsec facts on every host
  ipsec.doctor.ipsec_facts:
    psk_digest_key: "{{ ipsec_doctor_psk_digest_key }}"
  register: ipsec_doctor_facts_result
  ignore_unreachable: true
  failed_when: false

- name: Diagnose all tunnels, write the report and fail on errors
  ipsec.doctor.ipsec_diagnose:
    report_dir: ./ipsec-doctor-report
    fail_on: error
  run_once: true
  delegate_to: localhost

- name: Diagnose saved facts, never fail, only JSON and JUnit
  ipsec.doctor.ipsec_diagnose:
    facts: "{{ lookup('ansible.builtin.file', 'saved-facts.json') | from_json }}"
    formats: [json, junit]
    fail_on: never
    peers:
      gw-a:
        to-cloud:
          host: cloud-gw
          connection: from-branch
  run_once: true
  delegate_to: localhost
  register: diagnosis
'''

RETURN = r'''
summary:
  description: The readable summary, one block per tunnel (state, checks failed, first cause, the fix).
  returned: always
  type: str
summary_lines:
  description: RV(summary) as a list of lines, for M(ansible.builtin.debug).
  returned: always
  type: list
  elements: str
report_files:
  description: The files written, by format.
  returned: always
  type: dict
  sample: {json: /home/me/ipsec-doctor-report/report.json, markdown: /home/me/ipsec-doctor-report/report.md}
counts:
  description: Number of findings per severity.
  returned: always
  type: dict
  sample: {info: 2, warning: 0, error: 1, critical: 0}
tunnels:
  description: Every tunnel found, with its peers and state (the C(tunnels) of report.json).
  returned: always
  type: list
  elements: dict
  sample: [{id: "gw-a:gw-gw <-> gw-b:gw-gw", state: established,
            peers: [{host: gw-a, address: 198.51.100.10, connection: gw-gw},
                    {host: gw-b, address: 198.51.100.20, connection: gw-gw}]}]
fail_on:
  description: The threshold the run was judged with.
  returned: always
  type: str
fail_on_reached:
  description: Whether a finding reached O(fail_on); the task failed if so.
  returned: always
  type: bool
report:
  description:
    - The whole report (schema C(ipsec.doctor/report/v1)) with C(hosts), C(tunnels) and C(findings),
      findings ordered root cause first. Each finding has code, category, severity, hosts, tunnel,
      summary, evidence, remediation and fix.
  returned: when O(return_report=true)
  type: dict
msg:
  description: What happened; when failing, the number of findings at or above O(fail_on) and the first cause.
  returned: always
  type: str
'''
