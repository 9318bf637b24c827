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
from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine.findings import Finding
from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine.transport import (
    IKE_PORT,
    NAT_T_PORT,
    firewall_blocks,
    missing_ports,
    nat_evidence,
)


def ike_ports(ctx, host):
    """The running IKE daemon listens on UDP 500 (or the configured port) and 4500."""
    if not host.connections:
        return
    ports = sorted(set(int(conn.get('local_port') or IKE_PORT) for conn in host.connections) | {NAT_T_PORT})
    missing, evidence = missing_ports(host, ports)
    if missing:
        yield Finding('IKE_PORT_NOT_LISTENING', [host.name],
                      params={'ports': '/'.join(str(port) for port in missing)}, evidence=evidence)


def _moves_to_4500(tunnel):
    # strongSwan moves IKE to UDP 4500 after IKE_SA_INIT when MOBIKE is on (its default).
    ends = [end for end in tunnel.ends if end.conn is not None]
    return bool(ends) and all(end.conn.get('daemon') == 'strongswan' and end.conn.get('mobike') is not False
                              for end in ends)


def firewall(ctx, tunnel):
    """No firewall rule or drop policy on an end stops the IKE and ESP packets of the tunnel."""
    nat = bool(nat_evidence(tunnel))   # then ESP travels in UDP 4500, and NAT_T_BLOCKED reports 4500
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
