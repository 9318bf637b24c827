# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Checklist area 7, routing: traffic selectors that mirror, no overlapping subnets, no virtual IP conflicts."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import ipaddress

from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine import selectors
from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine.checks.base import HOST, TUNNEL, Check
from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine.context import config_evidence
from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine.findings import Finding

_NO_VIP = ('0.0.0.0', '::', '%config', '%config4', '%config6', '%any', '%any6', '%modecfg', '')


def _ts(end, child, key, dynamic_address):
    networks, unresolved = selectors.selector_networks(child.get(key), dynamic_address)
    return networks, unresolved


def traffic_selectors(ctx, tunnel):
    """What each end protects locally is covered by what the other end expects as remote, both ways."""
    if not tunnel.paired:
        return
    first, second = tunnel.ends
    for child_a, child_b in tunnel.child_pairs:
        if child_a is None or child_b is None:
            end, child = (first, child_a) if child_a is not None else (second, child_b)
            other = tunnel.other(end)
            yield Finding('TS_MISMATCH', tunnel.host_names, tunnel=tunnel.id,
                          params={'child': child.get('name'),
                                  'detail': 'no CHILD_SA on %s matches it' % other.host_name},
                          evidence=[config_evidence(end.host_name, end.conn, 'local_ts',
                                                    ', '.join(child.get('local_ts') or ['dynamic']), child=child),
                                    '%s %s: CHILD_SAs %s' % (other.host_name, other.connection_name, ', '.join(
                                        str(item.get('name')) for item in other.conn.get('children') or []) or 'none')],
                          connections=[(item.host_name, item.connection_name) for item in tunnel.ends])
            continue
        problems, narrowed = [], []
        for (end, child), (other, other_child) in (((first, child_a), (second, child_b)),
                                                   ((second, child_b), (first, child_a))):
            local, unresolved_a = _ts(end, child, 'local_ts', end.address)
            remote, unresolved_b = _ts(other, other_child, 'remote_ts', end.address)
            if unresolved_a or unresolved_b or not local or not remote:
                continue
            local_set, remote_set = selectors.as_set(local), selectors.as_set(remote)
            if selectors.covers(remote_set, local_set):
                continue
            text = '%s local %s vs %s remote %s' % (end.host_name, selectors.describe(local),
                                                    other.host_name, selectors.describe(remote))
            (narrowed if selectors.overlaps(remote_set, local_set) else problems).append(text)
        if not problems and not narrowed:
            continue
        code = 'TS_MISMATCH' if problems else 'TS_NARROWED'
        evidence = []
        for end, child in ((first, child_a), (second, child_b)):
            evidence.append(config_evidence(end.host_name, end.conn, 'local_ts',
                                            ', '.join(child.get('local_ts') or ['dynamic']), child=child))
            evidence.append(config_evidence(end.host_name, end.conn, 'remote_ts',
                                            ', '.join(child.get('remote_ts') or ['dynamic']), child=child))
        yield Finding(code, tunnel.host_names, tunnel=tunnel.id,
                      params={'child': child_a.get('name'), 'detail': '; '.join(problems + narrowed)},
                      evidence=evidence,
                      connections=[(item.host_name, item.connection_name) for item in tunnel.ends])


def _connected_networks(host):
    found = []
    for entry in host.address_entries:
        if entry.get('scope', 'global') not in ('global', 'universe', None) or not entry.get('address'):
            continue
        try:
            network = selectors.netaddr.IPNetwork('%s/%s' % (entry.get('address'), entry.get('prefixlen')))
        except (selectors.netaddr.AddrFormatError, ValueError, TypeError):
            continue
        if network.size > 1:
            found.append((entry.get('ifname'), network.cidr))
    return found


def subnet_overlap(ctx, tunnel):
    """Remote subnets overlap neither the local subnets nor a network the host is directly connected to."""
    for end in tunnel.ends:
        if end.host is None or end.conn is None:
            continue
        peer_address = tunnel.other(end).address
        connected = _connected_networks(end.host)
        for child in end.conn.get('children') or []:
            local, _unresolved = _ts(end, child, 'local_ts', end.address)
            remote, _unresolved = _ts(end, child, 'remote_ts', peer_address)
            remote = [network for network in remote if not selectors.single_host(network)
                      and network.prefixlen > 0]
            if not remote:
                continue
            remote_set = selectors.as_set(remote)
            clashes = []
            if local and selectors.overlaps(remote_set, selectors.as_set(local)):
                clashes.append(('remote_ts', 'its own local_ts %s' % selectors.describe(local)))
            for ifname, network in connected:
                if selectors.overlaps(remote_set, selectors.as_set([network])):
                    clashes.append(('remote_ts', 'the network %s on %s' % (network, ifname)))
            if clashes:
                what, other = clashes[0]
                yield Finding('SUBNET_OVERLAP', [end.host_name], tunnel=tunnel.id,
                              params={'what': what, 'connection': end.connection_name, 'other': other},
                              evidence=[config_evidence(end.host_name, end.conn, 'remote_ts',
                                                        selectors.describe(remote), child=child)] +
                              ['%s: overlaps %s' % (end.host_name, item) for _what, item in clashes],
                              connections=[(end.host_name, end.connection_name)])


def _vip_claims(ctx):
    """address -> [(host name, connection name or None, how)] of every concrete virtual or host address."""
    claims = ctx.cache.get('vip_claims')
    if claims is not None:
        return claims
    claims = {}
    for host in ctx.hosts.values():
        if not host.ok:
            continue
        for address in host.addresses:
            claims.setdefault(_canonical(address), []).append((host.name, None, 'address of %s' % host.name))
        for conn in host.connections:
            for vip in conn.get('vips') or []:
                canonical = _canonical(vip)
                if canonical:
                    claims.setdefault(canonical, []).append(
                        (host.name, conn.get('name'), 'virtual IP of %s %s' % (host.name, conn.get('name'))))
    ctx.cache['vip_claims'] = claims
    return claims


def _canonical(value):
    text = str(value or '').strip()
    if text.lower() in _NO_VIP:
        return None
    try:
        return str(ipaddress.ip_address(text.split('/', maxsplit=1)[0]))
    except ValueError:
        return None


def virtual_ips(ctx, host):
    """Requested or assigned virtual IPs are used nowhere else (other hosts, connections, connected LANs)."""
    claims = _vip_claims(ctx)
    connected = _connected_networks(host)
    for conn in host.connections:
        for vip in conn.get('vips') or []:
            address = _canonical(vip)
            if address is None:
                continue
            others = [how for name, conn_name, how in claims.get(address, [])
                      if not (name == host.name and conn_name == conn.get('name'))]
            for ifname, network in connected:
                if selectors.netaddr.IPAddress(address) in network:
                    others.append('the network %s on %s' % (network, ifname))
            if others:
                yield Finding('VIRTUAL_IP_CONFLICT', [host.name],
                              params={'address': address, 'connection': conn.get('name'), 'other': others[0]},
                              evidence=[config_evidence(host.name, conn, 'vips', vip)] +
                              ['%s: %s is also the %s' % (host.name, address, other) for other in others],
                              connections=[(host.name, conn.get('name'))])


CHECKS = (
    Check('traffic-selectors', 'routing', TUNNEL, traffic_selectors),
    Check('subnet-overlap', 'routing', TUNNEL, subnet_overlap),
    Check('virtual-ip', 'routing', HOST, virtual_ips),
)
