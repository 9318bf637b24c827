# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Traffic selectors as address sets (netaddr), with ``dynamic`` resolved to the end's address."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

try:
    import netaddr
    HAS_NETADDR = True
    NETADDR_IMPORT_ERROR = None
except ImportError as exc:  # pragma: no cover - depends on the controller environment
    netaddr = None
    HAS_NETADDR = False
    NETADDR_IMPORT_ERROR = exc

import functools

DYNAMIC = ('dynamic', '%dynamic', '')


def require_netaddr():
    """Raise a clear error when netaddr is not installed on the controller."""
    if not HAS_NETADDR:
        raise ImportError('ipsec.doctor needs the Python package netaddr on the controller: %s'
                          % NETADDR_IMPORT_ERROR)


def _strip_ports(selector):
    text = str(selector).strip()
    if '[' in text:
        text = text.split('[', 1)[0]
    return text.strip()


def selector_networks(selectors, dynamic_address=None):
    """Return (networks, unresolved) for a list of selectors as written.

    ``dynamic`` (and an empty list) stands for the end's own address and is replaced by
    dynamic_address; protocol/port restrictions ``[tcp/80]`` are ignored; address ranges
    ``a-b`` are supported. Selectors that cannot be resolved are returned in unresolved.
    """
    require_netaddr()
    items = list(selectors or []) or ['dynamic']
    networks, unresolved = [], []
    for item in items:
        text = _strip_ports(item)
        if text.lower() in DYNAMIC:
            parsed = _parse(str(dynamic_address)) if dynamic_address else None
            if parsed is None:
                unresolved.append(str(item))
            else:
                networks.extend(parsed)
            continue
        parsed = _parse(text)
        if parsed is None:
            unresolved.append(str(item))
        else:
            networks.extend(parsed)
    return networks, unresolved


@functools.lru_cache(maxsize=65536)
def _parse(text):
    """Return the networks of one selector text (a CIDR or a range), or None when invalid."""
    try:
        if '-' in text:
            start, end = text.split('-', 1)
            return tuple(netaddr.IPRange(start.strip(), end.strip()).cidrs())
        return (netaddr.IPNetwork(text),)
    except (netaddr.AddrFormatError, ValueError, TypeError):
        return None


def as_set(networks):
    """Return a netaddr.IPSet of networks (shared between callers: do not modify it)."""
    require_netaddr()
    return _as_set(tuple(networks))


@functools.lru_cache(maxsize=65536)
def _as_set(networks):
    return netaddr.IPSet(networks)


def covers(outer, inner):
    """True when IPSet outer contains every address of IPSet inner."""
    return inner.issubset(outer)


def overlaps(first, second):
    """True when two IPSets share an address."""
    return bool(first & second)


def describe(networks):
    """Return a short text for a list of networks."""
    return ', '.join(str(network.cidr) for network in networks) or '-'


def single_host(network):
    """True when network is one address (/32 or /128)."""
    return network.size == 1
