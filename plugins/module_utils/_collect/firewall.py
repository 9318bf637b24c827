# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The `firewall` subset: what in the packet filter stops IKE or ESP, and NAT that catches tunnel traffic.

nftables is read with `nft -j list ruleset`. iptables-save is read when nft is missing,
and also when the nft ruleset holds iptables-nft compatibility rules (their matches are
only readable through iptables-save). The analysis itself is in `firewall_rules`.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.ipsec.doctor.plugins.module_utils._collect.commands import CommandError, ToolMissing
from ansible_collections.ipsec.doctor.plugins.module_utils._collect.firewall_iptables import parse_save
from ansible_collections.ipsec.doctor.plugins.module_utils._collect.firewall_nft import NftFormatError, parse_ruleset
from ansible_collections.ipsec.doctor.plugins.module_utils._collect.firewall_rules import analyze
from ansible_collections.ipsec.doctor.plugins.module_utils._collect.ports import watched_ports


def _run(host, argv):
    """Return stdout of a successful command, None when the tool is missing; gaps for failures."""
    try:
        result = host.runner.run(argv)
    except ToolMissing:
        return None
    except CommandError as exc:
        host.gap('firewall', str(exc))
        return ''
    if not result.ok:
        host.gap('firewall', '%s: %s' % (' '.join(argv), result.first_error_line()))
        return ''
    return result.stdout


def _iptables_chains(host):
    """Return (found, read, chains): whether iptables-save exists, whether a ruleset was read, its chains."""
    chains = []
    found = False
    read = False
    for tool, family in (('iptables-save', 'ip'), ('ip6tables-save', 'ip6')):
        text = _run(host, [tool])
        if text is None:
            continue
        found = True
        read = read or bool(text)
        chains.extend(parse_save(text, family))
    return found, read, chains


def collect(host):
    """Return {backend, available, blocking_rules, default_drop_chains, masquerade_without_ipsec_exemption}.

    available is false when no ruleset could be read (e.g. without root); the rule lists are then empty
    because nothing was seen, not because nothing blocks.
    """
    ports = watched_ports(host)
    chains = []
    backends = []
    read = False
    text = _run(host, ['nft', '-j', 'list', 'ruleset'])
    xt_tables = set()
    if text is not None:
        backends.append('nftables')
        try:
            nft_chains, xt_tables = parse_ruleset(text or '{"nftables": []}')
            read = bool(text)
        except NftFormatError as exc:
            host.gap('firewall', str(exc))
            nft_chains = []
        # Tables of iptables-nft are read through iptables-save, which shows their matches.
        chains.extend(('nftables', chain) for chain in nft_chains if chain['table'] not in xt_tables)
    if text is None or xt_tables:
        found, ipt_read, ipt_chains = _iptables_chains(host)
        read = read or ipt_read
        if found:
            backends.append('iptables')
            chains.extend(('iptables', chain) for chain in ipt_chains)
    if not backends:
        host.gap('firewall', 'neither nft nor iptables-save found: firewall not inspected')
        return {'backend': 'none', 'available': False, 'blocking_rules': [], 'default_drop_chains': [],
                'masquerade_without_ipsec_exemption': []}
    # available: a ruleset could be read (without root, nft and iptables-save are refused).
    result = {'backend': '+'.join(backends), 'available': read, 'blocking_rules': [], 'default_drop_chains': [],
              'masquerade_without_ipsec_exemption': []}
    for backend in backends:
        analysis = analyze(backend, [chain for name, chain in chains if name == backend], ports)
        for key, value in analysis.items():
            result[key].extend(value)
    return result
