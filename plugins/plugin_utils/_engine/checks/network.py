# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Checklist area 2, network: IKE ports bound, firewalls letting IKE and ESP through, peers paired.

Reachability from the logs (PEER_UNREACHABLE) is decided in the engine's log step, after
every static check has run, because it is reported only when no static cause explains it.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine.checks.base import HOST, TUNNEL, Check
from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine.facts import IKE_PROCESS_NAMES
from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine.findings import Finding

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


def ike_ports(ctx, host):
    """The running IKE daemon listens on UDP 500 (or the configured port) and 4500."""
    if not host.connections:
        return
    ports = sorted(set(int(conn.get('local_port') or IKE_PORT) for conn in host.connections) | {NAT_T_PORT})
    missing, evidence = missing_ports(host, ports)
    if missing:
        yield Finding('IKE_PORT_NOT_LISTENING', [host.name],
                      params={'ports': '/'.join(str(port) for port in missing)}, evidence=evidence)


def _uses_nat_t_port(tunnel):
    # Deferred import: nat imports helpers from this module.
    from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine.checks.nat import nat_evidence
    return bool(nat_evidence(tunnel))


def _moves_to_4500(tunnel):
    # strongSwan moves IKE to UDP 4500 after IKE_SA_INIT when MOBIKE is on (its default).
    ends = [end for end in tunnel.ends if end.conn is not None]
    return bool(ends) and all(end.conn.get('daemon') == 'strongswan' and end.conn.get('mobike') is not False
                              for end in ends)


def firewall(ctx, tunnel):
    """No firewall rule or drop policy on an end stops the IKE and ESP packets of the tunnel."""
    nat = _uses_nat_t_port(tunnel)   # then ESP travels in UDP 4500, and NAT_T_BLOCKED reports 4500
    ike_ports_needed = [IKE_PORT]
    if _moves_to_4500(tunnel) and not nat:
        ike_ports_needed.append(NAT_T_PORT)   # with NAT, NAT_T_BLOCKED reports 4500
    for end in tunnel.ends:
        if end.host is None or end.conn is None:
            continue
        ports = sorted(set([int(end.conn.get('local_port') or IKE_PORT)] + ike_ports_needed[1:]))
        connections = [(end.host_name, end.connection_name)]
        for direction in ('in', 'out'):
            lines = firewall_blocks(end.host, 'udp', ports, direction)
            if lines:
                yield Finding('FIREWALL_BLOCKS_IKE', [end.host_name], tunnel=tunnel.id,
                              params={'ports': '/'.join(str(port) for port in ports),
                                      'direction': 'inbound' if direction == 'in' else 'outbound'},
                              evidence=lines, connections=connections)
            if not nat:
                lines = firewall_blocks(end.host, 'esp', (), direction)
                if lines:
                    yield Finding('FIREWALL_BLOCKS_ESP', [end.host_name], tunnel=tunnel.id,
                                  params={'direction': 'inbound' if direction == 'in' else 'outbound'},
                                  evidence=lines, connections=connections)


def masquerade(ctx, host):
    """Masquerading (source NAT) exempts IPsec traffic on hosts with tunnels."""
    if not host.connections or not host.has('firewall'):
        return
    rules = host.firewall.get('masquerade_without_ipsec_exemption') or []
    if rules:
        evidence = ['%s %s %s %s: %s' % (host.name, rule.get('backend') or '', rule.get('table') or '',
                                         rule.get('chain') or '', rule.get('rule') or '') for rule in rules]
        yield Finding('MASQUERADE_WITHOUT_EXEMPTION', [host.name], evidence=evidence)


def pairing(ctx, tunnel):
    """Every connection has its peer in the inventory (else only one-sided checks ran)."""
    if tunnel.paired or tunnel.ends[1].host is not None:
        return   # paired, or the peer is an inventory host (config: PEER_CONNECTION_MISSING)
    end = tunnel.ends[0]
    conn = end.conn
    remote_ids = [str(item.get('id')) for item in conn.get('remote_auth') or [] if item.get('id')]
    peer = tunnel.ends[1].address or 'any peer'
    evidence = ['%s %s: remote_addrs = %s, remote id = %s' % (
        end.host_name, end.connection_name, ', '.join(str(item) for item in conn.get('remote_addrs') or []) or '%any',
        ', '.join(remote_ids) or '%any')]
    if tunnel.paired_by == 'override':
        evidence.append('%s: the ipsec_doctor_peers override names a peer that has no facts or no such connection'
                        % end.host_name)
    yield Finding('PEER_NOT_IN_INVENTORY', [end.host_name], tunnel=tunnel.id,
                  params={'connection': end.connection_name, 'peer': peer}, evidence=evidence)


CHECKS = (
    Check('ike-port', 'network', HOST, ike_ports),
    Check('firewall', 'network', TUNNEL, firewall),
    Check('firewall', 'network', HOST, masquerade),
    Check('pairing', 'network', TUNNEL, pairing),
)
