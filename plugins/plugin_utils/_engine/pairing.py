# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Find both ends of every tunnel across the inventory.

Two connections are the ends of one tunnel when they point at each other: the remote
addresses of one contain an address of the other host (and back), or the identities one
expects are the ones the other sends, or their traffic selectors mirror. Hosts are indexed
by address, identity and selectors, so pairing stays linear in the number of connections.
What cannot be inferred is named in an override: ``peers[host][connection] = {host, connection}``
(the ``ipsec_doctor_peers`` host variable). When no connection of the peer matches but the peer
is an inventory host (named by the override, owning the remote address, or without facts but with
that inventory address), the tunnel's second end names that host with no connection.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import functools
import ipaddress

from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine.identities import (
    configured_id,
    expected_remote_id,
    is_any,
    normalize_id,
)


@functools.lru_cache(maxsize=65536)
def _address_or_none(value):
    try:
        return str(ipaddress.ip_address(str(value).strip()))
    except ValueError:
        return None


def _concrete_addresses(values):
    found = []
    for value in values or []:
        address = _address_or_none(value)
        if address is not None:
            found.append(address)
    return found


def _ts_key(selectors):
    items = sorted(str(item).strip().lower() for item in selectors or [])
    if not items or any(item in ('dynamic', '%dynamic') for item in items):
        return None
    return tuple(items)


class End(object):
    """One end of a tunnel: an inventory host and its connection, an inventory host without facts
    (conn None), or only an address (host None)."""

    __slots__ = ('host', 'conn', 'address')

    def __init__(self, host, conn, address):
        self.host = host        # HostFacts or None for a peer outside the inventory
        self.conn = conn        # connection dict or None
        self.address = address  # the address this end uses for the tunnel, or None

    @property
    def host_name(self):
        return self.host.name if self.host is not None else None

    @property
    def connection_name(self):
        return self.conn.get('name') if self.conn is not None else None

    def as_dict(self):
        return {'host': self.host_name, 'address': self.address, 'connection': self.connection_name}


class Tunnel(object):
    """A tunnel: two ends, how they were paired, and the pairs of CHILD_SAs."""

    __slots__ = ('id', 'ends', 'paired_by', 'child_pairs', 'state')

    def __init__(self, ends, paired_by):
        self.ends = ends
        self.paired_by = paired_by      # address | identity | selectors | override | None
        self.id = tunnel_id(ends)
        self.child_pairs = _pair_children(ends)
        self.state = 'unknown'

    @property
    def paired(self):
        """True when both ends are inventory hosts with their connection."""
        return all(end.host is not None and end.conn is not None for end in self.ends)

    @property
    def host_names(self):
        return [end.host_name for end in self.ends if end.host is not None]

    def other(self, end):
        """Return the end that is not end."""
        return self.ends[1] if end is self.ends[0] else self.ends[0]


def _end_label(end):
    if end.host is not None and end.conn is not None:
        return '%s:%s' % (end.host_name, end.connection_name)
    if end.host is not None:
        return end.host_name
    return end.address or '?'


def tunnel_id(ends):
    """Return a stable id: the ends sorted, as host:connection (or the peer address)."""
    labels = sorted(_end_label(end) for end in ends)
    return ' <-> '.join(labels)


def _pair_children(ends):
    first, second = ends
    children_a = (first.conn or {}).get('children') or []
    if second.conn is None:
        return [(child, None) for child in children_a]
    children_b = list((second.conn or {}).get('children') or [])
    pairs = []
    for index, child in enumerate(children_a):
        match = None
        mirror = (_ts_key(child.get('local_ts')), _ts_key(child.get('remote_ts')))
        for other in children_b:
            if mirror[0] is not None and (_ts_key(other.get('remote_ts')), _ts_key(other.get('local_ts'))) == mirror:
                match = other
                break
        if match is None:
            match = next((other for other in children_b if other.get('name') == child.get('name')), None)
        if match is None and index < len(children_b) and len(children_a) == len(children_b):
            match = children_b[index]
        if match is not None:
            children_b.remove(match)
        pairs.append((child, match))
    pairs.extend((None, other) for other in children_b)
    return pairs


class _Index(object):
    """Lookup tables over every (host, connection) of the inventory."""

    def __init__(self, hosts, host_addresses=None):
        self.hosts = hosts
        self.silent_by_address = {}
        for name, addresses in (host_addresses or {}).items():
            if name in hosts and not hosts[name].ok:
                for address in addresses or []:
                    self.silent_by_address[_canonical(address)] = name
        self.by_address = {}
        self.by_local_id = {}
        self.by_remote_addr = {}
        self.by_remote_id = {}
        self.any_remote = {}
        self.by_ts = {}
        for host in hosts.values():
            if not host.ok:
                continue
            for address in host.addresses:
                self.by_address.setdefault(_canonical(address), []).append(host.name)
            for conn in host.connections:
                local_id = configured_id(conn, 'local')
                if local_id is not None and not is_any(local_id):
                    self.by_local_id.setdefault(normalize_id(local_id), []).append((host.name, conn))
                remote = _concrete_addresses(conn.get('remote_addrs'))
                for address in remote:
                    self.by_remote_addr.setdefault((host.name, address), []).append(conn)
                if not remote:
                    self.any_remote.setdefault(host.name, []).append(conn)
                remote_id = expected_remote_id(conn)
                if remote_id is not None:
                    self.by_remote_id.setdefault((host.name, normalize_id(remote_id)), []).append(conn)
                for child in conn.get('children') or []:
                    key = (_ts_key(child.get('local_ts')), _ts_key(child.get('remote_ts')))
                    if key[0] is not None and key[1] is not None:
                        self.by_ts.setdefault(key, []).append((host.name, conn))


def _canonical(address):
    canonical = _address_or_none(address)
    return str(address) if canonical is None else canonical


def _score(host_a, conn_a, host_b, conn_b):
    """Return (score, paired_by) for conn_a on host_a against conn_b on host_b."""
    addrs_a = set(_canonical(address) for address in host_a.addresses)
    addrs_b = set(_canonical(address) for address in host_b.addresses)
    remote_a = set(_concrete_addresses(conn_a.get('remote_addrs')))
    remote_b = set(_concrete_addresses(conn_b.get('remote_addrs')))
    score, paired_by = 0, None
    a_points = bool(remote_a & addrs_b)
    b_points = bool(remote_b & addrs_a)
    if a_points:
        score += 2
    if b_points:
        score += 2
    if a_points or b_points:
        paired_by = 'address'
    id_a, id_b = configured_id(conn_a, 'local'), configured_id(conn_b, 'local')
    want_a, want_b = expected_remote_id(conn_a), expected_remote_id(conn_b)
    ids_a = want_a is not None and id_b is not None and normalize_id(want_a) == normalize_id(id_b)
    ids_b = want_b is not None and id_a is not None and normalize_id(want_b) == normalize_id(id_a)
    if ids_a or ids_b:
        score += int(ids_a) + int(ids_b)
        paired_by = paired_by or 'identity'
    for child in conn_a.get('children') or []:
        mirror = (_ts_key(child.get('remote_ts')), _ts_key(child.get('local_ts')))
        if mirror[0] is None:
            continue
        if any((_ts_key(other.get('local_ts')), _ts_key(other.get('remote_ts'))) == mirror
               for other in conn_b.get('children') or []):
            score += 1
            paired_by = paired_by or 'selectors'
            break
    # conn_b must be able to talk to host_a at all: it points at it or accepts anyone.
    if remote_b and not b_points and not ids_b and not ids_a and paired_by != 'selectors':
        return 0, None
    if score and conn_a.get('name') == conn_b.get('name'):
        score += 1   # breaks ties between several connections of one host pair
    return score, paired_by


def _end_address(host, conn, peer_conn):
    """Return the address an inventory end uses: from its SA, its config or its peer's config."""
    for sa in host.ike_sas:
        if sa.get('connection') == conn.get('name') and sa.get('local_host'):
            return str(sa.get('local_host'))
    local = _concrete_addresses(conn.get('local_addrs'))
    if local:
        return local[0]
    own = set(_canonical(address) for address in host.addresses)
    if peer_conn is not None:
        for address in _concrete_addresses(peer_conn.get('remote_addrs')):
            if address in own:
                return address
    for entry in host.address_entries:
        if entry.get('scope', 'global') == 'global' and entry.get('address'):
            return str(entry.get('address'))
    return None


def _peer_address(host, conn):
    for sa in host.ike_sas:
        if sa.get('connection') == conn.get('name') and sa.get('remote_host'):
            return str(sa.get('remote_host'))
    remote = _concrete_addresses(conn.get('remote_addrs'))
    if remote:
        return remote[0]
    written = [str(value) for value in conn.get('remote_addrs') or [] if str(value)]
    return written[0] if written else None


def _candidates(index, host, conn):
    names = set()
    for address in _concrete_addresses(conn.get('remote_addrs')):
        names.update(index.by_address.get(address, ()))
    remote_id = expected_remote_id(conn)
    if remote_id is not None:
        names.update(name for name, _conn in index.by_local_id.get(normalize_id(remote_id), ()))
    for child in conn.get('children') or []:
        mirror = (_ts_key(child.get('remote_ts')), _ts_key(child.get('local_ts')))
        if mirror[0] is not None and mirror[1] is not None:
            names.update(name for name, _conn in index.by_ts.get(mirror, ()))
    names.discard(host.name)
    found = []
    own_ids = []
    local_id = configured_id(conn, 'local')
    if local_id is not None:
        own_ids.append(normalize_id(local_id))
    for name in sorted(names):
        other = index.hosts[name]
        conns = []
        for address in other.addresses:
            conns.extend(index.by_remote_addr.get((name, _canonical(address)), ()))
        for identity in own_ids:
            conns.extend(index.by_remote_id.get((name, identity), ()))
        conns.extend(index.any_remote.get(name, ()))
        for child in conn.get('children') or []:
            mirror = (_ts_key(child.get('remote_ts')), _ts_key(child.get('local_ts')))
            conns.extend(peer_conn for peer_name, peer_conn in index.by_ts.get(mirror, ()) if peer_name == name)
        seen = set()
        for other_conn in conns:
            if id(other_conn) not in seen:
                seen.add(id(other_conn))
                found.append((other, other_conn))
    return found


def pair_tunnels(hosts, overrides=None, host_addresses=None):
    """Return the list of Tunnel for hosts (name -> HostFacts).

    overrides: {host: {connection: {'host': peer host or None, 'connection': peer connection}}}.
    host_addresses: {host: [inventory addresses]}, used to recognize peers without facts.
    A connection with no peer in the inventory becomes a one-ended tunnel whose second end
    holds only the peer address (and the peer host when it is an inventory host without facts).
    """
    overrides = overrides or {}
    index = _Index(hosts, host_addresses)
    tunnels, seen_pairs, paired = [], set(), set()
    plan = []
    for name in sorted(hosts):
        host = hosts[name]
        if not host.ok:
            continue
        for conn in host.connections:
            match, how = _resolve(index, hosts, host, conn, overrides)
            plan.append((host, conn, match, how))
            if match is not None:
                paired.add((host.name, conn.get('name')))
                paired.add((match[0].name, match[1].get('name')))
    for host, conn, match, how in plan:
        if match is None:
            if (host.name, conn.get('name')) in paired:
                continue
            peer_address = _peer_address(host, conn)
            known = _known_peer(index, hosts, host, conn, peer_address, overrides)
            ends = [End(host, conn, _end_address(host, conn, None)), End(known, None, peer_address)]
            tunnels.append(Tunnel(ends, how))
            continue
        other_host, other_conn = match
        key = frozenset([(host.name, conn.get('name')), (other_host.name, other_conn.get('name'))])
        if key in seen_pairs:
            continue
        seen_pairs.add(key)
        ends = [End(host, conn, _end_address(host, conn, other_conn)),
                End(other_host, other_conn, _end_address(other_host, other_conn, conn))]
        ends.sort(key=lambda end: end.host_name)
        tunnels.append(Tunnel(ends, how))
    return tunnels


def _known_peer(index, hosts, host, conn, peer_address, overrides):
    """Return the HostFacts of the inventory host at the other end of an unpaired conn, or None."""
    override = _override(overrides, host, conn)
    if override is not None and override.get('host') in hosts:
        return hosts[override.get('host')]
    if not peer_address:
        return None
    address = _canonical(peer_address)
    name = index.silent_by_address.get(address)
    if name is None:
        name = next((other for other in index.by_address.get(address, ()) if other != host.name), None)
    return hosts[name] if name else None


def _override(overrides, host, conn):
    """The override {host, connection} named for conn of host, or None."""
    per_host = overrides.get(host.name) if isinstance(overrides, dict) else None
    override = per_host.get(conn.get('name')) if isinstance(per_host, dict) else None
    return override if isinstance(override, dict) else None


def _resolve(index, hosts, host, conn, overrides):
    """Return ((peer HostFacts, peer conn) or None, how) for one connection."""
    override = _override(overrides, host, conn)
    if override is not None:
        peer = hosts.get(str(override.get('host'))) if override.get('host') else None
        if peer is None or not peer.ok:
            return None, 'override'
        wanted = override.get('connection')
        if wanted:
            peer_conn = peer.connection(wanted)
            return ((peer, peer_conn), 'override') if peer_conn is not None else (None, 'override')
        # Only the host is named: take its best matching connection (the first on a tie).
        best, best_score = None, -1
        for other in peer.connections:
            score = _score(host, conn, peer, other)[0]
            if score > best_score:
                best, best_score = other, score
        return ((peer, best), 'override') if best is not None else (None, 'override')
    best, best_score, best_how = None, 0, None
    for other_host, other_conn in _candidates(index, host, conn):
        score, how = _score(host, conn, other_host, other_conn)
        if score > best_score:
            best, best_score, best_how = (other_host, other_conn), score, how
    return best, best_how
