# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Checklist area 6, kernel: ESP support, IP forwarding on gateways, reverse path filtering."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine import selectors
from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine.checks.base import HOST, Check
from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine.context import config_evidence
from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine.findings import Finding

ESP_MODULES = ('esp4', 'esp6')
FORWARD_SYSCTL = {4: 'net.ipv4.ip_forward', 6: 'net.ipv6.conf.all.forwarding'}


def kernel_esp(ctx, host):
    """The kernel can do ESP (XFRM and esp4/esp6), or the daemon brings userspace ESP (kernel-libipsec)."""
    if not host.connections or not host.has('kernel'):
        return
    kernel = host.kernel
    userspace = bool(kernel.get('userspace_esp')) and host.daemon_family == 'strongswan'
    if userspace or (kernel.get('esp') is not False and kernel.get('xfrm') is not False):
        return
    config = kernel.get('config') or {}
    evidence = ['%s: kernel %s, xfrm %s, esp %s, userspace ESP %s' % (
        host.name, kernel.get('release'), kernel.get('xfrm'), kernel.get('esp'),
        'loaded' if kernel.get('userspace_esp') else 'not loaded')]
    wanted = ('CONFIG_XFRM', 'CONFIG_XFRM_USER', 'CONFIG_INET_ESP', 'CONFIG_INET6_ESP')
    evidence.append('%s: %s (%s)' % (host.name, ', '.join('%s=%s' % (name, config.get(name)) for name in wanted),
                                     kernel.get('config_source') or 'no kernel config found'))
    loadable = [name for name in ESP_MODULES if name in (kernel.get('modules_available') or [])
                and name not in (kernel.get('modules_loaded') or [])]
    if kernel.get('modules_supported'):
        evidence.append('%s: modules loaded: %s; loadable ESP modules: %s' % (
            host.name, ', '.join(kernel.get('modules_loaded') or []) or 'none', ', '.join(loadable) or 'none'))
    else:
        evidence.append('%s: the kernel has no module support' % host.name)
    fix = 'kernel_modules' if kernel.get('modules_supported') and loadable else None
    yield Finding('KERNEL_ESP_UNSUPPORTED', [host.name], evidence=evidence, fix=fix)


def _end_of(tunnel, host):
    """The end of tunnel on host (every tunnel listed for a host has one)."""
    return tunnel.ends[0] if tunnel.ends[0].host is host else tunnel.ends[1]


def _ends_with_connection(ctx, host):
    """The ends on host, over all its tunnels, that have a connection."""
    for tunnel in ctx.tunnels_of_host.get(host.name, []):
        end = _end_of(tunnel, host)
        if end.conn is not None:
            yield end


def _own_networks(host):
    own = []
    for address in host.addresses:
        try:
            own.append(selectors.netaddr.IPNetwork(address))
        except (selectors.netaddr.AddrFormatError, ValueError):
            continue
    return own


def ip_forward(ctx, host):
    """A gateway (its local traffic selectors cover more than its own addresses) forwards IP packets."""
    if not host.connections or not host.has('sysctl'):
        return
    own = selectors.as_set(_own_networks(host))
    needs = {4: [], 6: []}
    for end in _ends_with_connection(ctx, host):
        for child in end.conn.get('children') or []:
            if str(child.get('mode') or 'tunnel') != 'tunnel':
                continue
            networks, _unresolved = selectors.selector_networks(child.get('local_ts'), end.address)
            for network in networks:
                if selectors.covers(own, selectors.as_set([network])):
                    continue
                needs[network.version].append((end, child, network))
    for version in (4, 6):
        if not needs[version]:
            continue
        name = FORWARD_SYSCTL[version]
        value = host.sysctl(name)
        if value is None or value != '0':
            continue
        seen, subnets, evidence = set(), [], ['%s: %s = %s' % (host.name, name, value)]
        boot = host.sysctl_boot_src(name)
        if boot:
            evidence.append('%s: set for boot at %s' % (host.name, boot))
        for end, child, network in needs[version]:
            if str(network.cidr) in seen:
                continue
            seen.add(str(network.cidr))
            subnets.append(str(network.cidr))
            evidence.append(config_evidence(host.name, end.conn, 'local_ts', ', '.join(child.get('local_ts') or []),
                                            child=child))
        yield Finding('IP_FORWARD_DISABLED', [host.name], params={'subnets': ', '.join(subnets), 'sysctl': name},
                      evidence=evidence)


def _rp_value(host, key):
    value = host.sysctl(key)
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def rp_filter(ctx, host):
    """Reverse path filtering is not strict (1) on an interface carrying a gateway's tunnel."""
    if not host.connections or not host.has('sysctl'):
        return
    interfaces = {}
    for end in _ends_with_connection(ctx, host):
        gateway = any(str(child.get('mode') or 'tunnel') == 'tunnel' and child.get('local_ts')
                      and any(str(ts).lower() != 'dynamic' for ts in child.get('local_ts'))
                      for child in end.conn.get('children') or [])
        ifname = host.interface_of(end.address) if end.address else None
        if gateway and ifname:
            interfaces.setdefault(ifname, []).append(end.connection_name)
    all_value = _rp_value(host, 'net.ipv4.conf.all.rp_filter')
    for ifname in sorted(interfaces):
        if_value = _rp_value(host, 'net.ipv4.conf.%s.rp_filter' % ifname)
        values = [value for value in (all_value, if_value) if value is not None]
        if not values or max(values) != 1:
            continue
        yield Finding('RP_FILTER_STRICT', [host.name], params={'ifname': ifname},
                      evidence=['%s: net.ipv4.conf.all.rp_filter = %s, net.ipv4.conf.%s.rp_filter = %s '
                                '(effective %s)' % (host.name, all_value, ifname, if_value, max(values)),
                                '%s: %s carries %s' % (host.name, ifname, ', '.join(sorted(set(interfaces[ifname]))))])


CHECKS = (
    Check('kernel-esp', 'kernel', HOST, kernel_esp),
    Check('ip-forward', 'kernel', HOST, ip_forward),
    Check('rp-filter', 'kernel', HOST, rp_filter),
)
