# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Checklist area 5, nat: when NAT-T is needed, UDP 4500 must be open and listened on at both ends."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine.checks.base import TUNNEL, Check
from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine.findings import Finding
from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine.transport import (
    NAT_T_PORT,
    firewall_blocks,
    missing_ports,
    nat_evidence,
)


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
            reasons.append('not bound by the IKE daemon')
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
