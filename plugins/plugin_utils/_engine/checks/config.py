# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Checklist area 4, config: both ends agree on IKE version, auth method, identities, proposals, PFS
and lifetimes. Every check here needs both ends (a paired tunnel), except DPD."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine import proposals
from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine.checks.base import TUNNEL, Check
from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine.context import (
    auth_class,
    config_evidence,
    where,
)
from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine.findings import Finding
from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine.identities import (
    effective_local_id,
    expected_remote_id,
    id_matches,
)


def _both(tunnel):
    return [(end.host_name, end.connection_name) for end in tunnel.ends]


def peer_connection(ctx, tunnel):
    """The inventory host at the other end of a connection has a connection back to it."""
    end, other = tunnel.ends
    if tunnel.paired or other.host is None or not other.host.ok or not other.host.has('config'):
        return
    names = ', '.join('%s (remote %s)' % (conn.get('name'), ', '.join(str(item) for item in conn.get('remote_addrs')
                                                                      or []) or '%any')
                      for conn in other.host.connections) or 'none'
    yield Finding('PEER_CONNECTION_MISSING', [end.host_name, other.host_name], tunnel=tunnel.id,
                  params={'host': end.host_name, 'connection': end.connection_name, 'peer': other.host_name},
                  evidence=['%s %s: remote_addrs = %s (%s)' % (
                      end.host_name, end.connection_name,
                      ', '.join(str(item) for item in end.conn.get('remote_addrs') or []) or '%any',
                      where(end.conn, 'remote_addrs')),
                      '%s: connections: %s' % (other.host_name, names)],
                  connections=[(end.host_name, end.connection_name)])


def ike_version(ctx, tunnel):
    """Both ends use the same IKE version (0 = either)."""
    if not tunnel.paired:
        return
    first, second = tunnel.ends
    version_a, version_b = first.conn.get('ike_version') or 0, second.conn.get('ike_version') or 0
    if version_a and version_b and version_a != version_b:
        yield Finding('IKE_VERSION_MISMATCH', tunnel.host_names, tunnel=tunnel.id,
                      params={'version_a': version_a, 'version_b': version_b},
                      evidence=[config_evidence(end.host_name, end.conn, 'ike_version', end.conn.get('ike_version'))
                                for end in tunnel.ends], connections=_both(tunnel))


def auth_method(ctx, tunnel):
    """Each end authenticates itself with the method the other end requires for it."""
    if not tunnel.paired:
        return
    for end in tunnel.ends:
        other = tunnel.other(end)
        local_rounds = end.conn.get('local_auth') or []
        remote_rounds = other.conn.get('remote_auth') or []
        for index, (mine, theirs) in enumerate(zip(local_rounds, remote_rounds)):
            method, expected = auth_class(mine.get('auth')), auth_class(theirs.get('auth'))
            if method is None or expected is None or method == expected:
                continue
            yield Finding('AUTH_METHOD_MISMATCH', [end.host_name, other.host_name], tunnel=tunnel.id,
                          params={'host': end.host_name, 'peer': other.host_name, 'method': method,
                                  'expected': expected},
                          evidence=[config_evidence(end.host_name, end.conn, 'local_auth.%d.auth' % index, method),
                                    config_evidence(other.host_name, other.conn, 'remote_auth.%d.auth' % index,
                                                    expected)],
                          connections=_both(tunnel))


def _sent_id(ctx, end):
    subject = None
    rounds = end.conn.get('local_auth') or [{}]
    if auth_class(rounds[0].get('auth')) == 'pubkey' and end.host.has('certs'):
        _fact, parsed, _name = ctx.end_certificate(end.host, end.conn)
        subject = parsed.subject if parsed is not None else None
    return effective_local_id(end.conn, end.address, subject)


def identity(ctx, tunnel):
    """The identity each end sends is the one the other end expects (%any accepts all)."""
    if not tunnel.paired:
        return
    for end in tunnel.ends:
        other = tunnel.other(end)
        expected = expected_remote_id(other.conn)
        if expected is None:
            continue
        sent = _sent_id(ctx, end)
        if sent is None or id_matches(expected, sent):
            continue
        yield Finding('ID_MISMATCH', [end.host_name, other.host_name], tunnel=tunnel.id,
                      params={'host': end.host_name, 'peer': other.host_name, 'identity': sent,
                              'expected': expected},
                      evidence=[config_evidence(end.host_name, end.conn, 'local_auth.0.id', sent, label='local id'),
                                config_evidence(other.host_name, other.conn, 'remote_auth.0.id', expected,
                                                label='remote id')],
                      connections=_both(tunnel))


def ike_proposals(ctx, tunnel):
    """The IKE proposals both daemons really offer and accept have a common one."""
    if not tunnel.paired:
        return
    first, second = tunnel.ends
    set_a, set_b = first.conn.get('ike_proposals'), second.conn.get('ike_proposals')
    if not proposals.is_known(set_a) or not proposals.is_known(set_b):
        return
    if proposals.common_proposal(set_a['effective'], set_b['effective'], proposals.IKE_TYPES) is None:
        yield Finding('IKE_PROPOSAL_MISMATCH', tunnel.host_names, tunnel=tunnel.id,
                      evidence=[config_evidence(end.host_name, end.conn, 'ike_proposals',
                                                proposals.describe(end.conn.get('ike_proposals')))
                                for end in tunnel.ends], connections=_both(tunnel))


def _child_pairs(tunnel):
    for child_a, child_b in tunnel.child_pairs:
        if child_a is not None and child_b is not None:
            yield child_a, child_b


def esp_proposals(ctx, tunnel):
    """The ESP proposals of each pair of CHILD_SAs have a common one (KE aside: IKE_AUTH has none)."""
    if not tunnel.paired:
        return
    first, second = tunnel.ends
    for child_a, child_b in _child_pairs(tunnel):
        set_a, set_b = child_a.get('esp_proposals'), child_b.get('esp_proposals')
        if not proposals.is_known(set_a) or not proposals.is_known(set_b):
            continue
        if proposals.common_proposal(set_a['effective'], set_b['effective'], proposals.ESP_TYPES) is None:
            yield Finding('ESP_PROPOSAL_MISMATCH', tunnel.host_names, tunnel=tunnel.id,
                          params={'child': child_a.get('name')},
                          evidence=[config_evidence(first.host_name, first.conn, 'esp_proposals',
                                                    proposals.describe(set_a), child=child_a),
                                    config_evidence(second.host_name, second.conn, 'esp_proposals',
                                                    proposals.describe(set_b), child=child_b)],
                          connections=_both(tunnel))


def _ike_group(tunnel):
    """The KE group of the IKE SA: negotiated (from an SA) or the one the proposals would pick."""
    for end in tunnel.ends:
        for sa in end.host.ike_sas:
            if sa.get('connection') == end.connection_name and sa.get('dh_group'):
                return str(sa.get('dh_group')).upper()
    first, second = tunnel.ends
    set_a, set_b = first.conn.get('ike_proposals'), second.conn.get('ike_proposals')
    if proposals.is_known(set_a) and proposals.is_known(set_b):
        chosen = proposals.common_proposal(set_a['effective'], set_b['effective'], proposals.IKE_TYPES)
        if chosen:
            return chosen.get('ke')
    return None


def pfs(ctx, tunnel):
    """The KE groups used at CHILD_SA rekey (PFS) have one in common, so the first rekey does not fail."""
    if not tunnel.paired:
        return
    first, second = tunnel.ends
    ike_group = _ike_group(tunnel)
    for child_a, child_b in _child_pairs(tunnel):
        groups_a = proposals.rekey_groups(first.conn, child_a, ike_group)
        groups_b = proposals.rekey_groups(second.conn, child_b, ike_group)
        if groups_a is None or groups_b is None or set(groups_a) & set(groups_b):
            continue
        rekeys = [value for value in (child_a.get('rekey_time'), child_b.get('rekey_time')) if value]
        evidence = []
        for end, child, groups in ((first, child_a, groups_a), (second, child_b, groups_b)):
            detail = 'rekey KE %s' % '/'.join(groups)
            if end.conn.get('daemon') == 'libreswan':
                detail += ' (pfs=%s%s)' % ('no' if child.get('pfs') is False else 'yes',
                                           ', reusing the IKE group' if child.get('pfs') is not False
                                           and not child.get('pfs_groups') else '')
            evidence.append(config_evidence(end.host_name, end.conn, 'esp_proposals', '%s; %s' % (
                proposals.describe(child.get('esp_proposals')), detail), child=child))
        evidence.append('the first CHILD_SA is built in IKE_AUTH without a key exchange and comes up; '
                        'the first rekey (CREATE_CHILD_SA%s) will fail with NO_PROPOSAL_CHOSEN'
                        % (' after %d s' % min(rekeys) if rekeys else ''))
        yield Finding('PFS_MISMATCH', tunnel.host_names, tunnel=tunnel.id,
                      params={'child': child_a.get('name'), 'groups_a': '/'.join(groups_a),
                              'groups_b': '/'.join(groups_b), 'ike_group': (ike_group or 'ecp256').lower()},
                      evidence=evidence, connections=_both(tunnel))


def lifetimes(ctx, tunnel):
    """Both ends use the same IKE and CHILD_SA rekey times (informational)."""
    if not tunnel.paired:
        return
    first, second = tunnel.ends
    items = [('IKE SA', first.conn, second.conn, None, None)]
    items.extend(('CHILD_SA %s' % child_a.get('name'), first.conn, second.conn, child_a, child_b)
                 for child_a, child_b in _child_pairs(tunnel))
    for what, conn_a, conn_b, child_a, child_b in items:
        value_a = (child_a or conn_a).get('rekey_time')
        value_b = (child_b or conn_b).get('rekey_time')
        if not value_a or not value_b or value_a == value_b:
            continue
        yield Finding('LIFETIME_MISMATCH', tunnel.host_names, tunnel=tunnel.id,
                      params={'what': what, 'value_a': value_a, 'value_b': value_b},
                      evidence=[config_evidence(first.host_name, conn_a, 'rekey_time', value_a, child=child_a),
                                config_evidence(second.host_name, conn_b, 'rekey_time', value_b, child=child_b)])


def dpd(ctx, tunnel):
    """Dead peer detection is on (informational)."""
    for end in tunnel.ends:
        if end.conn is None:
            continue
        delay = end.conn.get('dpd_delay')
        if delay:
            continue
        yield Finding('DPD_DISABLED', [end.host_name], tunnel=tunnel.id,
                      params={'connection': end.connection_name},
                      evidence=['%s %s: dpd_delay = %s (%s)' % (end.host_name, end.connection_name,
                                                                delay if delay is not None else 'unset (off)',
                                                                where(end.conn, 'dpd_delay'))])


CHECKS = (
    Check('peer-connection', 'config', TUNNEL, peer_connection),
    Check('ike-version', 'config', TUNNEL, ike_version),
    Check('auth-method', 'config', TUNNEL, auth_method),
    Check('identity', 'config', TUNNEL, identity),
    Check('ike-proposals', 'config', TUNNEL, ike_proposals),
    Check('esp-proposals', 'config', TUNNEL, esp_proposals),
    Check('pfs', 'config', TUNNEL, pfs),
    Check('lifetimes', 'config', TUNNEL, lifetimes),
    Check('dpd', 'config', TUNNEL, dpd),
)
