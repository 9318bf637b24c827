# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Checklist area 5, nat: when NAT-T is needed, UDP 4500 must be open and listened on at both ends."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import functools
import ipaddress

from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine.checks.base import TUNNEL, Check
from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine.checks.network import (
    firewall_blocks,
    missing_ports,
)
from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine.context import config_evidence
from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine.findings import Finding

NAT_T_PORT = 4500


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


def nat_traversal(ctx, tunnel):
    """When NAT is detected or encapsulation forced, UDP 4500 is open and listened on at both ends."""
    evidence = nat_evidence(tunnel)
    if not evidence:
        return
    hosts = tunnel.host_names
    for end in tunnel.ends:
        if end.host is None:
            continue
        reasons, lines = [], []
        missing, port_lines = missing_ports(end.host, [NAT_T_PORT])
        if missing:
            reasons.append('not listened on')
            lines.extend(port_lines)
        blocked = firewall_blocks(end.host, 'udp', [NAT_T_PORT])
        if blocked:
            reasons.append('blocked by the firewall')
            lines.extend(blocked)
        if reasons:
            yield Finding('NAT_T_BLOCKED', [end.host_name] + [name for name in hosts if name != end.host_name],
                          tunnel=tunnel.id,
                          params={'host': end.host_name, 'hosts': ' and '.join(hosts), 'reason': ' and '.join(reasons)},
                          evidence=evidence + lines,
                          connections=[(item.host_name, item.connection_name) for item in tunnel.ends if item.host])


CHECKS = (
    Check('nat-traversal', 'nat', TUNNEL, nat_traversal),
)
