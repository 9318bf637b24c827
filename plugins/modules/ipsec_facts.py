#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: ipsec_facts
short_description: Gather one host's IPsec facts (strongSwan, Libreswan, racoon) in one call
version_added: 0.1.0
description:
  - Finds the IKE daemons of a Linux host and gathers what a diagnosis of a tunnel needs from that end, under
    C(ansible_facts.ipsec) (schema C(ipsec.doctor/facts/v1), described in docs/facts.md).
  - Reads configuration (swanctl.conf, strongSwan and Libreswan ipsec.conf, racoon.conf, strongswan.conf) into one
    connection model, secrets, certificates, private key metadata, UDP ports 500/4500, firewall rules, kernel IPsec
    support, sysctls, routes and XFRM state, the daemon's SAs (vici, swanctl, pluto) and the events in the daemon's
    logs.
  - Changes nothing on the host; never reloads or restarts a daemon and never writes a file.
  - Every subset is gathered in isolation. A subset that fails, or a file or tool it cannot read, becomes an entry of
    C(ansible_facts.ipsec.errors) and the other subsets are still returned. Without root, what could not be read is
    listed there.
  - No secret leaves the host. Pre-shared keys are returned as HMAC-SHA256 digests keyed by O(psk_digest_key), private
    keys only as metadata and the SHA-256 of their public key, and key lines of XFRM states are dropped.
author:
  - ipsec.doctor contributors (@ipsec-doctor)
requirements:
  - Python 3.8 or newer on the target; no Python package beyond the standard library.
  - Optional host tools, each a gap in C(errors) when missing, C(ip), C(nft) or C(iptables-save), C(openssl) (key
    fingerprints), C(certutil) (Libreswan NSS certificates), C(swanctl), C(ipsec), C(journalctl), C(systemctl).
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.facts
attributes:
  check_mode:
    support: full
    details: The module only reads; check mode changes nothing.
  diff_mode:
    support: none
  facts:
    support: full
  platform:
    platforms: posix
options:
  gather_subset:
    description:
      - Which fact subsets to gather, like the C(gather_subset) of M(ansible.builtin.setup).
      - V(all) gathers every subset; a subset name adds one; a name prefixed with C(!) leaves one out. A list of only
        exclusions means all subsets but those.
      - 'Subsets: V(service), V(config), V(secrets), V(certs), V(keys), V(ports), V(firewall), V(kernel), V(sysctl),
        V(routes), V(sas), V(logs).'
      - An unknown name fails the task and lists the valid names.
    type: list
    elements: str
    default: [all]
  psk_digest_key:
    description:
      - The per-run key for the HMAC-SHA256 digests of pre-shared keys, so the controller can compare two ends' PSKs
        without seeing them. Use one random value for all hosts of a run.
      - Without it every PSK digest is V(null) and C(errors) says that PSKs could not be compared.
    type: str
  log_lines:
    description:
      - How many lines to read from the end of each daemon log (file or journal).
    type: int
    default: 2000
  log_since:
    description:
      - Only read journal entries since this time, in any form C(journalctl --since) accepts (for example
        V(-1h) or V(2026-12-03 17:00:00)). Log files are bounded by O(log_lines) only.
    type: str
  config_paths:
    description:
      - Paths that differ from the daemons' defaults.
    type: dict
    suboptions:
      strongswan_conf:
        description: strongswan.conf (default V(/etc/strongswan.conf), else V(/etc/strongswan/strongswan.conf)).
        type: path
      swanctl_dir:
        description: The swanctl directory (default V(/etc/swanctl), else V(/etc/strongswan/swanctl)).
        type: path
      ipsec_conf:
        description: ipsec.conf of strongSwan's starter or Libreswan (default V(/etc/ipsec.conf)).
        type: path
      ipsec_secrets:
        description: ipsec.secrets (default V(/etc/ipsec.secrets)).
        type: path
      ipsec_d:
        description: The ipsec.d directory (default V(/etc/ipsec.d)).
        type: path
      racoon_conf:
        description: racoon.conf (default V(/etc/racoon/racoon.conf)).
        type: path
      nss_dir:
        description: Libreswan's NSS database directory (default V(/var/lib/ipsec/nss)).
        type: path
      strongswan_plugin_dir:
        description: Where strongSwan's plugin shared objects are installed (default V(/usr/lib/ipsec/plugins)).
        type: path
notes:
  - The facts are described key by key in docs/facts.md of the collection.
  - Run it with root privileges (C(become)) for complete facts; without root, unreadable secrets, keys and
    other processes' sockets are listed in C(errors).
seealso:
  - module: ipsec.doctor.ipsec_diagnose
'''

EXAMPLES = r'''
- name: Gather all IPsec facts
  become: true
  ipsec.doctor.ipsec_facts:
    psk_digest_key: "{{ ipsec_doctor_run_key }}"

- name: Only the daemon and its configuration
  ipsec.doctor.ipsec_facts:
    gather_subset: [service, config]

- name: Everything but the logs, on a Fedora host with a custom swanctl directory
  become: true
  ipsec.doctor.ipsec_facts:
    gather_subset: ['!logs']
    config_paths:
      swanctl_dir: /etc/strongswan/swanctl

- name: Show what failed to be gathered
  ansible.builtin.debug:
    var: ansible_facts['ipsec']['errors']
'''

RETURN = r'''
ansible_facts:
  description: Facts to add to C(ansible_facts).
  returned: always
  type: complex
  contains:
    ipsec:
      description:
        - The host's IPsec facts; every subset key is present only when it was gathered. See docs/facts.md for
          every key.
      returned: always
      type: complex
      contains:
        schema:
          description: The facts schema.
          returned: always
          type: str
          sample: ipsec.doctor/facts/v1
        gathered:
          description: The subsets that were gathered without failing.
          returned: always
          type: list
          elements: str
          sample: [service, config, secrets]
        is_root:
          description: Whether the facts were gathered with root privileges.
          returned: always
          type: bool
        errors:
          description: Gaps, each V({subset, message}) with V(path) when about a file.
          returned: always
          type: list
          elements: dict
          sample: [{subset: certs, path: /etc/ipsec.d/cacerts, message: Permission denied}]
        service:
          description: Installed and running IKE daemons, versions, systemd state, control sockets, and whether the
            configuration on disk is what the daemon loaded.
          returned: when gathered
          type: dict
        config:
          description: Configuration files with modes, located errors, and the connections in the normalized model.
          returned: when gathered
          type: dict
        secrets:
          description: Secret entries with identities and keyed PSK digests, and the secrets files with their modes.
          returned: when gathered
          type: dict
        certs:
          description: Certificates the daemons can use, as PEM with path, mode and role; parsed on the controller.
          returned: when gathered
          type: list
          elements: dict
        keys:
          description: Private key files as metadata (modes, owner, type, bits, SHA-256 of the public key).
          returned: when gathered
          type: list
          elements: dict
        ports:
          description: UDP sockets on the IKE ports (500, 4500, custom) and the processes that own them.
          returned: when gathered
          type: list
          elements: dict
        firewall:
          description: Firewall backend and the rules and chain policies that drop IKE or ESP, and source NAT
            without an IPsec exemption.
          returned: when gathered
          type: dict
        kernel:
          description: Kernel release and config, modules, XFRM, ESP/AH/IPComp support, crypto algorithms, and
            strongSwan's userspace ESP.
          returned: when gathered
          type: dict
        sysctl:
          description: Runtime values of IPsec-relevant sysctls and where boot values are set (file:line).
          returned: when gathered
          type: dict
        routes:
          description: Addresses, links, routes, policy rules, XFRM policies and states (without keys).
          returned: when gathered
          type: dict
        sas:
          description: IKE SAs and their CHILD SAs as the daemon reports them.
          returned: when gathered
          type: dict
        logs:
          description: Log sources read and the events found in them.
          returned: when gathered
          type: dict
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.ipsec.doctor.plugins.module_utils._collect.runner import (
    SUBSETS,
    SubsetError,
    gather,
    resolve_subsets,
)

PATH_OPTIONS = ('strongswan_conf', 'swanctl_dir', 'ipsec_conf', 'ipsec_secrets', 'ipsec_d', 'racoon_conf',
                'nss_dir', 'strongswan_plugin_dir')


def main():
    module = AnsibleModule(
        argument_spec=dict(
            gather_subset=dict(type='list', elements='str', default=['all']),
            psk_digest_key=dict(type='str', no_log=True),
            log_lines=dict(type='int', default=2000),
            log_since=dict(type='str'),
            config_paths=dict(type='dict', options=dict((name, dict(type='path')) for name in PATH_OPTIONS)),
        ),
        supports_check_mode=True,
    )
    try:
        resolve_subsets(module.params['gather_subset'])
    except SubsetError as exc:
        module.fail_json(msg=str(exc), valid_subsets=list(SUBSETS))
    if module.params['log_lines'] < 0:
        module.fail_json(msg='log_lines must be 0 or more')
    facts = gather(module.params)
    module.exit_json(changed=False, ansible_facts={'ipsec': facts})


if __name__ == '__main__':
    main()
