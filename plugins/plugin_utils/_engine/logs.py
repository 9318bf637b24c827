# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Log events (facts ``logs.events``) as evidence: which findings explain which events.

Event kinds are those of plugins/module_utils/_parse/log_signatures.py; notify events carry
the IKEv2 notify name in ``code``. An event is a failure when it maps to explaining codes
and is not only a symptom on the way (a single retransmit, a peer config lookup).
An event logged before the running daemon started is history: it tells nothing about the
daemon that runs now.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

_UNREACHABLE = ('DAEMON_NOT_RUNNING', 'HOST_UNREACHABLE', 'FACTS_UNAVAILABLE', 'IKE_PORT_NOT_LISTENING',
                'FIREWALL_BLOCKS_IKE', 'NAT_T_BLOCKED', 'CONFIG_NOT_LOADED', 'CONFIG_PARSE_ERROR',
                'PEER_UNREACHABLE')
_AUTH = ('PSK_MISMATCH', 'PSK_MISSING', 'ID_MISMATCH', 'AUTH_METHOD_MISMATCH', 'CERT_EXPIRED',
         'CERT_NOT_YET_VALID', 'CERT_UNTRUSTED', 'CERT_ID_MISMATCH', 'PRIVATE_KEY_MISSING', 'CERT_KEY_MISMATCH',
         'CONFIG_NOT_LOADED')
# strongSwan also answers NO_PROPOSAL_CHOSEN when it has no IKE config for the peer at all.
_PROPOSALS = ('IKE_PROPOSAL_MISMATCH', 'ESP_PROPOSAL_MISMATCH', 'PFS_MISMATCH', 'IKE_VERSION_MISMATCH',
              'KERNEL_ESP_UNSUPPORTED', 'CONFIG_PARSE_ERROR', 'CONFIG_NOT_LOADED', 'PEER_CONNECTION_MISSING')
_SELECTORS = ('TS_MISMATCH', 'TS_NARROWED', 'KERNEL_ESP_UNSUPPORTED', 'CONFIG_NOT_LOADED')

# kind -> codes that explain it.
EXPLAINED_BY_KIND = {
    'psk_mac_mismatch': ('PSK_MISMATCH',),
    'no_shared_key': ('PSK_MISSING', 'ID_MISMATCH', 'AUTH_METHOD_MISMATCH'),
    'no_ike_config': ('CONFIG_NOT_LOADED', 'CONFIG_PARSE_ERROR', 'IKE_VERSION_MISMATCH', 'PEER_CONNECTION_MISSING'),
    'constraint_ca_mismatch': ('CERT_UNTRUSTED',),
    'network_error': _UNREACHABLE,
    'no_matching_peer_config': ('ID_MISMATCH', 'AUTH_METHOD_MISMATCH', 'IKE_VERSION_MISMATCH', 'CONFIG_NOT_LOADED',
                                'CERT_ID_MISMATCH', 'PEER_CONNECTION_MISSING'),
    'constraint_id_mismatch': ('CERT_ID_MISMATCH', 'ID_MISMATCH'),
    'no_trusted_public_key': ('CERT_UNTRUSTED', 'CERT_EXPIRED', 'CERT_NOT_YET_VALID', 'CERT_ID_MISMATCH',
                              'AUTH_METHOD_MISMATCH'),
    'no_issuer_cert': ('CERT_UNTRUSTED',),
    'cert_invalid_validity': ('CERT_EXPIRED', 'CERT_NOT_YET_VALID'),
    'no_private_key': ('PRIVATE_KEY_MISSING', 'CERT_KEY_MISMATCH', 'KEY_PERMISSIONS'),
    'permission_denied': ('KEY_PERMISSIONS', 'FACTS_INCOMPLETE'),
    'proposal_unacceptable': _PROPOSALS,
    'ts_unacceptable': _SELECTORS,
    'kernel_sa_install_failed': ('KERNEL_ESP_UNSUPPORTED',),
    'retransmit_give_up': _UNREACHABLE,
    'peer_not_responding': _UNREACHABLE,
    'half_open_timeout': ('NAT_T_BLOCKED', 'FIREWALL_BLOCKS_IKE', 'PEER_UNREACHABLE') + _AUTH,
    'retransmit': _UNREACHABLE,
    'config_error': ('CONFIG_PARSE_ERROR', 'CONFIG_NOT_LOADED'),
    'daemon_crash': ('DAEMON_NOT_RUNNING',),
}

# notify code (received or sent) -> codes that explain it.
EXPLAINED_BY_NOTIFY = {
    'AUTHENTICATION_FAILED': _AUTH,
    'NO_PROPOSAL_CHOSEN': _PROPOSALS,
    'TS_UNACCEPTABLE': _SELECTORS,
    'INVALID_SELECTORS': _SELECTORS,
    'INTERNAL_ADDRESS_FAILURE': ('VIRTUAL_IP_CONFLICT',),
    'FAILED_CP_REQUIRED': ('VIRTUAL_IP_CONFLICT',),
    'INVALID_KE_PAYLOAD': ('IKE_PROPOSAL_MISMATCH', 'PFS_MISMATCH'),
    'SINGLE_PAIR_REQUIRED': _SELECTORS,
}

# Kinds that are evidence but not failures by themselves.
_NOT_FAILURES = ('retransmit', 'permission_denied', 'half_open_timeout')
# Notifies that are part of a normal exchange (a wrong KE guess costs one round trip).
_BENIGN_NOTIFIES = ('INVALID_KE_PAYLOAD',)

GIVE_UP_KINDS = ('retransmit_give_up', 'peer_not_responding')

# Log times may be cut to whole seconds while a start time is not: an event up to this much
# before the start may still come from the running daemon.
START_TIME_SLACK = 1.0


def explaining_codes(event):
    """Return the finding codes that explain event (empty when the event is not evidence of a problem)."""
    kind = str(event.get('kind') or '')
    if kind in ('notify_received', 'notify_sent'):
        return EXPLAINED_BY_NOTIFY.get(str(event.get('code') or '').upper(), ())
    return EXPLAINED_BY_KIND.get(kind, ())


def is_failure(event):
    """True when event shows a failed exchange that some finding should explain."""
    kind = str(event.get('kind') or '')
    if kind in _NOT_FAILURES:
        return False
    if kind in ('notify_received', 'notify_sent') and str(event.get('code') or '').upper() in _BENIGN_NOTIFIES:
        return False
    return bool(explaining_codes(event))


def is_give_up(event):
    """True for an exchange the daemon gave up on (retransmits exhausted)."""
    return str(event.get('kind') or '') in GIVE_UP_KINDS


def evidence_line(host_name, event):
    """Return the evidence text of one event: host, origin and the line as logged."""
    origin = event.get('src') or 'log'
    line = str(event.get('line') or event.get('kind') or '').strip()
    return '%s %s: %s' % (host_name, origin, line)


def _number(value):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def daemon_start_times(host):
    """Return {family: epoch seconds} of when the running daemon of each family started.

    With several running processes of a family (starter and charon) the earliest counts, so
    that an event is never taken for history while a process of that daemon already ran.
    """
    starts = {}
    for daemon in host.running_daemons:
        start = _number(daemon.get('start_time'))
        family = daemon.get('family')
        if start is None or not family:
            continue
        starts[family] = min(start, starts.get(family, start))
    return starts


def is_history(event, start_times, default_family=None):
    """True when event was logged before the running daemon of its family started.

    An event without a comparable time (no epoch), or of a family with no known start,
    is never history.
    """
    stamp = _number(event.get('epoch'))
    start = start_times.get(event.get('daemon') or default_family)
    if stamp is None or start is None:
        return False
    return stamp + START_TIME_SLACK < start
