# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Intersection of the effective proposals two daemons really offer and accept.

Proposals are the ``effective`` lists of docs/facts.md: each proposal maps a transform
type (encr, integ, prf, ke, esn) to the algorithm names it allows. In IKEv2 a responder
picks one transform per type from one initiator proposal that it also has in one of its
own proposals, so two proposal lists are compatible when some pair of proposals shares a
transform of every type. The check is symmetric, so who initiates does not matter.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

IKE_TYPES = ('encr', 'integ', 'prf', 'ke')
# The first CHILD_SA is made inside IKE_AUTH without a key exchange: KE does not count there.
ESP_TYPES = ('encr', 'integ', 'esn')

NO_KE = 'NONE'
# How the facts write "no key exchange" in an ESP proposal (strongSwan's `none` keyword).
_NO_KE_NAMES = ('NONE', 'KE_NONE')
_DEFAULT_ESN = ['NO_EXT_SEQ']


def _transforms(proposal, kind):
    values = proposal.get(kind) or []
    if not values and kind == 'esn':
        return list(_DEFAULT_ESN)
    return [str(value).upper() for value in values]


def _match(first, second, kinds):
    """Return {kind: chosen transform} when the two proposals agree on every kind, else None."""
    chosen = {}
    for kind in kinds:
        mine, theirs = _transforms(first, kind), _transforms(second, kind)
        if not mine and not theirs:
            chosen[kind] = None       # e.g. no integrity algorithm with AEAD on both ends
            continue
        common = [value for value in mine if value in theirs]
        if not common:
            return None
        chosen[kind] = common[0]
    return chosen


def common_proposal(offered, accepted, kinds):
    """Return the first agreement {kind: transform} between two effective lists, or None.

    Offered is walked in order, as a responder walks the initiator's proposals.
    """
    for first in offered or []:
        for second in accepted or []:
            chosen = _match(first, second, kinds)
            if chosen is not None:
                return chosen
    return None


def is_known(proposal_set):
    """True when a proposal set (written/strict/effective) has an effective list to compare."""
    return bool(isinstance(proposal_set, dict) and proposal_set.get('effective'))


def describe(proposal_set, limit=3):
    """Return a short human text of a proposal set: the written form, else the first effective ones."""
    if not isinstance(proposal_set, dict):
        return '-'
    written = proposal_set.get('written')
    effective = proposal_set.get('effective') or []
    parts = []
    for proposal in effective[:limit]:
        names = []
        for kind in ('encr', 'integ', 'prf', 'ke'):
            values = proposal.get(kind) or []
            if values:
                names.append('/'.join(str(value) for value in values[:3]) + ('...' if len(values) > 3 else ''))
        parts.append('-'.join(names))
    text = '; '.join(parts) + (' (+%d more)' % (len(effective) - limit) if len(effective) > limit else '')
    if written:
        return '%s => %s' % (written, text or '-')
    return 'default => %s' % (text or '-')


def ke_groups(proposal_set):
    """Return the KE groups of a proposal set in order; NONE for a proposal without KE."""
    groups = []
    for proposal in (proposal_set or {}).get('effective') or []:
        values = [str(value).upper() for value in proposal.get('ke') or []] or [NO_KE]
        values = [NO_KE if value in _NO_KE_NAMES else value for value in values]
        for value in values:
            if value not in groups:
                groups.append(value)
    return groups


def rekey_groups(conn, child, ike_group):
    """Return the KE groups an end uses/accepts at CHILD_SA rekey (CREATE_CHILD_SA), or None if unknown.

    strongSwan uses the KE methods of its ESP proposals (none: no PFS). Libreswan with pfs=no
    uses none; with pfs=yes (its default) it uses the KE of its ESP proposals when written,
    else the IKE SA's group.
    """
    esp = child.get('esp_proposals') or {}
    explicit = [str(group).upper() for group in child.get('pfs_groups') or []]
    if conn.get('daemon') == 'libreswan':
        if child.get('pfs') is False:
            return [NO_KE]
        groups = explicit or [group for group in ke_groups(esp) if group != NO_KE]
        if groups:
            return groups
        return [ike_group] if ike_group else None
    if is_known(esp):
        return ke_groups(esp)
    return explicit or None
