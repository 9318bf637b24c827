# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The state of a tunnel from the SAs its ends report (facts ``sas``).

established: an IKE SA is ESTABLISHED and a CHILD_SA INSTALLED on an end;
connecting: an IKE SA exists but is not established, or has no installed CHILD_SA;
down: the SAs were read on an end and none belongs to the tunnel;
unknown: no end could report its SAs.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

ESTABLISHED = 'established'
CONNECTING = 'connecting'
DOWN = 'down'
UNKNOWN = 'unknown'

_ORDER = (UNKNOWN, DOWN, CONNECTING, ESTABLISHED)


def _sas_known(host):
    if not host.has('sas'):
        return False
    return (host.sas.get('source') or 'none') != 'none'


def end_state(host, conn, peer_address=None):
    """Return the state seen on one end (a HostFacts and its connection dict)."""
    if host is None or conn is None or not host.ok or not _sas_known(host):
        return UNKNOWN
    name = conn.get('name')
    child_names = set(child.get('name') for child in conn.get('children') or [])
    # A connection that accepts any peer (a hub) has one SA per peer: keep this peer's.
    by_peer = bool(peer_address) and not any(
        str(value)[:1].isdigit() or ':' in str(value) for value in conn.get('remote_addrs') or [])
    best = DOWN
    for sa in host.ike_sas:
        if sa.get('connection') != name:
            continue
        if by_peer and sa.get('remote_host') and str(sa.get('remote_host')) != peer_address:
            continue
        state = str(sa.get('state') or '').upper()
        if state == 'ESTABLISHED':
            installed = [child for child in sa.get('child_sas') or []
                         if str(child.get('state') or '').upper() == 'INSTALLED'
                         and (not child_names or child.get('name') in child_names)]
            current = ESTABLISHED if installed else CONNECTING
        else:
            current = CONNECTING
        if _ORDER.index(current) > _ORDER.index(best):
            best = current
    return best


def tunnel_state(tunnel):
    """Return the state of a Tunnel: the best state any of its ends reports."""
    best = UNKNOWN
    for end in tunnel.ends:
        other = tunnel.other(end)
        state = end_state(end.host, end.conn, other.address)
        if _ORDER.index(state) > _ORDER.index(best):
            best = state
    return best
