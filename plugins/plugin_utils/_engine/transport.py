# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What the path between two peers needs, read from a host's facts: IKE sockets, firewall verdicts, NAT.

Shared by the network checks (ports, firewall) and the nat check (UDP 4500 under NAT-T).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import functools
import ipaddress

from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine.context import config_evidence
from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine.facts import IKE_PROCESS_NAMES

IKE_PORT = 500
NAT_T_PORT = 4500
ESP_PROTOCOLS = ('esp', '50')


def _is_ike_process(name):
    if not name:
        return True    # unknown owner (not root): give the daemon the benefit of the doubt
    text = str(name).lower()
    return text in IKE_PROCESS_NAMES or 'charon' in text or 'pluto' in text or 'racoon' in text


def missing_ports(host, ports):
    """Return (ports nothing of the IKE daemon listens on, evidence) for a host with a running daemon.

    Nothing is missing when the ports were not gathered or no daemon runs (DAEMON_NOT_RUNNING says that).
    """
    if not host.has('ports') or not host.daemon_running:
        return [], []
    missing, evidence = [], []
    for port in ports:
        sockets = [entry for entry in host.ports
                   if str(entry.get('proto') or 'udp') == 'udp' and entry.get('port') == port]
        if any(_is_ike_process(entry.get('process')) for entry in sockets):
            continue
        missing.append(port)
        if sockets:
            evidence.extend('%s: UDP %s is held by %s (pid %s), not by the IKE daemon'
                            % (host.name, port, entry.get('process'), entry.get('pid')) for entry in sockets)
        else:
            evidence.append('%s: no UDP socket on port %s' % (host.name, port))
    return missing, evidence


def _rule_hits(rule, protocol, ports):
    rule_protocol = str(rule.get('protocol') or '').lower()
    if protocol == 'esp':
        return bool(rule.get('esp')) or rule_protocol in ESP_PROTOCOLS
    if rule_protocol not in ('udp', '', 'all', 'any'):
        return False
    rule_ports = rule.get('ports') or []
    return not rule_ports or any(port in rule_ports for port in ports)


def _chain_blocks(chain, protocol, ports):
    """The ports (or ['esp']) a default-drop chain lets die: what it does not accept."""
    if protocol == 'esp':
        return ['esp'] if chain.get('allows_esp') is False else []
    allowed = chain.get('allowed_ike_ports')
    if isinstance(allowed, list):
        return [port for port in ports if port not in allowed]
    return list(ports) if chain.get('allows_ike') is False else []


def firewall_blocks(host, protocol, ports=(), direction='in'):
    """Return evidence lines of the rules and drop policies on host that stop protocol/ports in direction.

    Rules that an earlier accept already makes harmless (``shadowed``) do not count; rules that
    also match on other fields (addresses, interfaces: ``conditional``) count and say so.
    """
    firewall = host.firewall
    if not host.has('firewall') or not firewall.get('available', True):
        return []
    evidence = []
    for rule in firewall.get('blocking_rules') or []:
        if rule.get('shadowed') or str(rule.get('direction') or 'in') != direction:
            continue
        if not _rule_hits(rule, protocol, ports):
            continue
        evidence.append('%s %s %s %s: %s%s' % (
            host.name, rule.get('backend') or firewall.get('backend'), rule.get('table') or '',
            rule.get('chain') or '', rule.get('rule'),
            ' (also matches on other fields: may not apply to this peer)' if rule.get('conditional') else ''))
    hook = 'input' if direction == 'in' else 'output'
    for chain in firewall.get('default_drop_chains') or []:
        if str(chain.get('hook') or '') != hook:
            continue
        blocked = _chain_blocks(chain, protocol, ports)
        if blocked:
            evidence.append('%s %s %s %s: policy %s and no rule accepting %s' % (
                host.name, chain.get('backend') or firewall.get('backend'), chain.get('table') or '',
                chain.get('chain') or '', chain.get('policy') or 'drop',
                'ESP' if protocol == 'esp' else 'UDP ' + '/'.join(str(port) for port in blocked)))
    return evidence


@functools.lru_cache(maxsize=65536)
def _canonical(address):
    try:
        return str(ipaddress.ip_address(str(address)))
    except ValueError:
        return None


def nat_evidence(tunnel):
    """Return the evidence lines that NAT-T is in use or needed on tunnel (empty: no NAT)."""
    evidence = []
    for end in tunnel.ends:
        if end.host is None or end.conn is None:
            continue
        if end.conn.get('encap'):
            evidence.append(config_evidence(end.host_name, end.conn, 'encap', 'yes (UDP encapsulation forced)'))
        kernel = end.host.kernel
        if end.conn.get('daemon') == 'strongswan' and kernel.get('userspace_esp') and not kernel.get('esp'):
            # kernel-libipsec cannot do plain ESP: charon fakes a NAT to force UDP encapsulation.
            evidence.append('%s: userspace ESP (kernel-libipsec, %s) forces UDP encapsulation' % (
                end.host_name, kernel.get('userspace_esp_source') or 'loaded'))
        for sa in end.host.ike_sas:
            if sa.get('connection') != end.connection_name:
                continue
            flags = [flag for flag in ('nat_local', 'nat_remote', 'nat_fake') if sa.get(flag)]
            if flags:
                evidence.append('%s %s: IKE SA reports %s' % (end.host_name, end.connection_name, ', '.join(flags)))
    if tunnel.paired:
        first, second = tunnel.ends
        for end, other in ((first, second), (second, first)):
            remote = set(filter(None, (_canonical(value) for value in end.conn.get('remote_addrs') or [])))
            own = set(filter(None, (_canonical(value) for value in other.host.addresses)))
            if remote and own and not remote & own:
                evidence.append('%s %s: remote address %s is not an address of %s (%s): NAT on the path'
                                % (end.host_name, end.connection_name, ', '.join(sorted(remote)),
                                   other.host_name, ', '.join(sorted(own))))
    return evidence
