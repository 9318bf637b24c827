# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The table of daemon log messages that are evidence of a tunnel problem (or of success).

Each signature names a `kind` (snake_case, what happened) and, where one applies, a
`code` (UPPER_SNAKE_CASE: the IKE notify name, an errno name or a signal name). The
messages are those of strongSwan 5.9, Libreswan 4.x/5.x and ipsec-tools racoon. The
table is ordered: the first signature that matches a message wins, so specific
messages come before the generic ones (for example "Permission denied").

Regular expression groups a signature may use:
  code     a notify name in any of the daemon spellings (N(AUTH_FAILED), v2N_..., full name)
  mid      the IKE message ID written in the message
  state    a Libreswan state name, from which the message ID is inferred
  errno    a numeric errno; becomes its symbolic name (93 -> EPROTONOSUPPORT)
  errname  an errno text such as "Protocol not supported"; used when no number is given
  signal   a signal number or name
  conn     the connection name, when the message itself carries it
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re

STRONGSWAN = 'strongswan'
LIBRESWAN = 'libreswan'
RACOON = 'racoon'
ANY = 'any'

# strongSwan writes notifies in messages as short names, N(AUTH_FAILED); map them to the IKEv2 names.
STRONGSWAN_NOTIFY_SHORT = {
    'CRIT': 'UNSUPPORTED_CRITICAL_PAYLOAD',
    'INVAL_IKE_SPI': 'INVALID_IKE_SPI',
    'INVAL_MAJOR': 'INVALID_MAJOR_VERSION',
    'INVAL_SYN': 'INVALID_SYNTAX',
    'INVAL_MID': 'INVALID_MESSAGE_ID',
    'INVAL_SPI': 'INVALID_SPI',
    'NO_PROP': 'NO_PROPOSAL_CHOSEN',
    'INVAL_KE': 'INVALID_KE_PAYLOAD',
    'AUTH_FAILED': 'AUTHENTICATION_FAILED',
    'SINGLE_PAIR': 'SINGLE_PAIR_REQUIRED',
    'NO_ADD_SAS': 'NO_ADDITIONAL_SAS',
    'INT_ADDR_FAIL': 'INTERNAL_ADDRESS_FAILURE',
    'FAIL_CP_REQ': 'FAILED_CP_REQUIRED',
    'TS_UNACCEPT': 'TS_UNACCEPTABLE',
    'INVAL_SEL': 'INVALID_SELECTORS',
    'TEMP_FAIL': 'TEMPORARY_FAILURE',
    'NO_CHILD_SA': 'CHILD_SA_NOT_FOUND',
    'AUTH_LFT': 'AUTH_LIFETIME',
}

# IKEv2 error notifies (type < 16384) by their full names; the ones a tunnel diagnosis cares about.
ERROR_NOTIFIES = frozenset([
    'UNSUPPORTED_CRITICAL_PAYLOAD', 'INVALID_IKE_SPI', 'INVALID_MAJOR_VERSION', 'INVALID_SYNTAX',
    'INVALID_MESSAGE_ID', 'INVALID_SPI', 'NO_PROPOSAL_CHOSEN', 'INVALID_KE_PAYLOAD',
    'AUTHENTICATION_FAILED', 'SINGLE_PAIR_REQUIRED', 'NO_ADDITIONAL_SAS', 'INTERNAL_ADDRESS_FAILURE',
    'FAILED_CP_REQUIRED', 'TS_UNACCEPTABLE', 'INVALID_SELECTORS', 'TEMPORARY_FAILURE',
    'CHILD_SA_NOT_FOUND',
])

_NOTIFY_FULL = '|'.join(sorted(ERROR_NOTIFIES | set(['AUTH_LIFETIME']), key=len, reverse=True))
_NOTIFY_SHORT_ERRORS = '|'.join(sorted(
    (short for short, full in STRONGSWAN_NOTIFY_SHORT.items() if full in ERROR_NOTIFIES),
    key=len, reverse=True))

# Libreswan state names -> the message ID of the exchange the state waits on.
# IKE_SA_INIT is message 0, IKE_AUTH message 1 (IKEv1 main mode has no message IDs; 0 by analogy).
LIBRESWAN_STATE_MESSAGE_ID = (
    (re.compile(r'(?:PARENT_I1|IKE_SA_INIT_I|MAIN_I1|AGGR_I1)$'), 0),
    (re.compile(r'(?:PARENT_I2|IKE_AUTH_I|IKE_SA_INIT_IR|MAIN_I3|AGGR_I2)$'), 1),
)


def message_id_from_state(state):
    """Return the IKE message ID a Libreswan state waits on (0 or 1), or None when unknown."""
    if not state:
        return None
    for pattern, message_id in LIBRESWAN_STATE_MESSAGE_ID:
        if pattern.search(state):
            return message_id
    return None


def normalize_notify(name):
    """Return the IKEv2 notify name for any daemon spelling (N(NO_PROP), v2N_NO_PROPOSAL_CHOSEN, ...)."""
    if not name:
        return None
    text = name.strip()
    if text.startswith('N(') and text.endswith(')'):
        text = text[2:-1]
    if text.startswith('v2N_'):
        text = text[4:]
    text = text.replace('-', '_')
    return STRONGSWAN_NOTIFY_SHORT.get(text, text)


class Signature:
    """One log message pattern: which daemons write it, the event kind and the fixed code."""

    def __init__(self, families, kind, pattern, code=None):
        self.families = frozenset(families)
        self.kind = kind
        self.regex = re.compile(pattern)
        self.code = code

    def applies_to(self, family):
        """Return True when this signature can match lines of the daemon family (None: any family)."""
        return family is None or ANY in self.families or family in self.families


_SS = (STRONGSWAN,)
_LS = (LIBRESWAN,)
_RC = (RACOON,)
_ALL = (ANY,)

SIGNATURES = (
    # --- strongSwan --------------------------------------------------------------------------
    Signature(_SS, 'notify_received', r'received (?P<code>%s) notify' % _NOTIFY_FULL),
    Signature(_SS, 'notify_received', r'received (?P<code>AUTH_LIFETIME) of \d+s'),
    Signature(_SS, 'notify_received', r'received (?P<code>[A-Z][A-Z0-9_]+) error notify'),  # IKEv1
    Signature(_SS, 'notify_received', r"peer didn't accept DH group \S+, it requested \S+",
              'INVALID_KE_PAYLOAD'),
    Signature(_SS, 'notify_sent',
              r'generating \S+ (?:request|response) (?P<mid>\d+) \[[^\]]*\bN\((?P<code>%s)\)'
              % _NOTIFY_SHORT_ERRORS),
    Signature(_SS, 'retransmit', r'retransmit \d+ of request with message ID (?P<mid>\d+)'),
    Signature(_SS, 'retransmit_give_up', r'giving up after \d+ retransmits'),
    Signature(_SS, 'peer_not_responding', r'peer not responding'),
    Signature(_SS, 'psk_mac_mismatch', r"tried \d+ shared keys? for '[^']*' - '[^']*', but MAC mismatched"),
    Signature(_SS, 'psk_mac_mismatch', r'invalid HASH_V1 payload length, decryption failed\?'),  # IKEv1 PSK
    Signature(_SS, 'no_shared_key', r"no shared key found for '[^']*' - '[^']*'"),
    Signature(_SS, 'no_matching_peer_config', r'no matching peer config found'),
    Signature(_SS, 'no_ike_config', r'no IKE config found for \S+', 'NO_PROPOSAL_CHOSEN'),
    Signature(_SS, 'peer_config_lookup', r'looking for peer configs matching '),
    Signature(_SS, 'constraint_id_mismatch', r"constraint check failed: (?:\S+ )?identity '[^']*' required"),
    Signature(_SS, 'constraint_ca_mismatch',
              r"constraint check failed: peer not authenticated (?:by CA|with peer cert) '[^']*'"),
    Signature(_SS, 'no_trusted_public_key', r"no trusted (?:\S+ )?public key found for '[^']*'"),
    Signature(_SS, 'no_issuer_cert', r'no issuer certificate found for '),
    Signature(_SS, 'cert_invalid_validity', r'certificate invalid \(valid from .* to .*\)'),
    Signature(_SS, 'cert_revoked', r'certificate (?:was )?revoked'),
    Signature(_SS, 'no_private_key', r"no private key found for '[^']*'"),
    Signature(_SS, 'proposal_unacceptable', r'received proposals unacceptable', 'NO_PROPOSAL_CHOSEN'),
    Signature(_SS, 'proposal_unacceptable', r'no acceptable proposal found', 'NO_PROPOSAL_CHOSEN'),
    Signature(_SS, 'ts_unacceptable', r'traffic selectors .* === .* unacceptable', 'TS_UNACCEPTABLE'),
    Signature(_SS, 'ts_unacceptable', r'no acceptable traffic selectors found', 'TS_UNACCEPTABLE'),
    Signature(_SS, 'kernel_sa_install_failed',
              r'received netlink error: (?P<errname>[^(]*?) \((?P<errno>\d+)\)'),
    Signature(_SS, 'kernel_sa_install_failed',
              r'unable to (?:install|add|update) (?:inbound and outbound )?(?:IPsec SA|SAD|policies|IPsec policies)'),
    Signature(_SS, 'half_open_timeout', r'deleting half open IKE_SA .* after timeout'),
    Signature(_SS, 'nat_detected', r'faking NAT situation to enforce UDP encapsulation', 'FAKE'),
    Signature(_SS, 'nat_detected', r'local host is behind NAT', 'LOCAL'),
    Signature(_SS, 'nat_detected', r'remote host is behind NAT', 'REMOTE'),
    Signature(_SS, 'daemon_crash', r'killing ourself, received critical signal'),
    Signature(_SS, 'daemon_crash', r'thread \d+ received (?P<signal>\d+)'),
    Signature(_SS, 'config_error', r"loading connection '(?P<conn>[^']*)' failed"),
    Signature(_SS, 'config_error', r'invalid value for: .*, config discarded'),
    Signature(_SS, 'config_error', r'(?:parsing|loading) config file .* failed'),
    Signature(_SS, 'config_error', r"invalid config file '"),
    Signature(_SS, 'config_error', r'\.conf:\d+: syntax error'),
    Signature(_SS, 'config_error', r'loaded \d+ of \d+ connections, \d+ failed to load'),
    Signature(_SS, 'config_error',
              r"(?:fatal errors in config|config invalid!|can't reload config file due to errors"
              r"|# ignored conn '(?P<conn>[^']*)' due to \d+ parsing error|### \d+ parsing errors?)"),
    Signature(_SS, 'config_error', r"loading critical plugin '[^']*' failed"),
    Signature(_SS, 'ike_established', r'IKE_SA (?P<conn>\S+)\[\d+\] established between'),
    Signature(_SS, 'child_established', r'CHILD_SA \S+\{\d+\} established with SPIs'),

    # --- Libreswan -------------------------------------------------------------------------------
    Signature(_LS, 'notify_received',
              r'IKE SA authentication request rejected by peer: (?:v2N_)?(?P<code>[A-Z_]+)'),
    Signature(_LS, 'notify_received',
              r'IKE_AUTH response rejected Child SA with (?:v2N_)?(?P<code>[A-Z_]+)'),
    Signature(_LS, 'notify_received',
              r"(?:IKE_AUTH response contained the (?:CHILD SA )?error notification|CREATE_CHILD_SA failed with "
              r"error notification) '?(?:v2N_)?(?P<code>[A-Z_]+)"),
    Signature(_LS, 'notify_received',
              r'[Rr]eceived (?:unauthenticated |encrypted )?(?:v2N_)?(?P<code>%s)\b' % _NOTIFY_FULL),
    Signature(_LS, 'notify_received',
              r'(?:initiator guessed wrong keying material group'
              r'|(?:Received|Discarding) unauthenticated INVALID_KE_PAYLOAD)',
              'INVALID_KE_PAYLOAD'),
    Signature(_LS, 'psk_mac_mismatch',
              r'(?:authentication failed: computed hash does not match|authentication failed: PSK AUTH mismatch'
              r'|probable authentication failure \(mismatch of preshared secrets\?\))'),
    Signature(_LS, 'constraint_id_mismatch', r"peer ID_\S+ '[^']*' does not match expected '[^']*'"),
    Signature(_LS, 'no_shared_key', r'authentication failed: no PSK found'),
    Signature(_LS, 'no_shared_key', r"[Cc]an't authenticate: no preshared key found"),
    Signature(_LS, 'no_matching_peer_config',
              r"Peer ID '[^']*' mismatched on first found connection and no better connection found"),
    Signature(_LS, 'no_matching_peer_config', r'but no suitable connection found'),
    Signature(_LS, 'no_matching_peer_config', r'no suitable connection for peer'),
    Signature(_LS, 'ts_unacceptable',
              r'(?:No IKEv2 connection found with compatible Traffic Selectors'
              r'|does not match any IKEv2 connection; responding with TS_UNACCEPTABLE'
              r'|cannot respond to IPsec SA request because no connection is known)', 'TS_UNACCEPTABLE'),
    Signature(_LS, 'notify_sent',
              r'responding to \S+ message \(ID (?P<mid>\d+)\) from \S+ with (?:encrypted |unencrypted )?'
              r'notification (?:v2N_)?(?P<code>[A-Z_]+)'),
    Signature(_LS, 'notify_sent',
              r'responding to \S+ \(\d+\) message \(Message ID (?P<mid>\d+)\) with (?:encrypted |unencrypted )?'
              r'notification (?:v2N_)?(?P<code>[A-Z_]+)'),
    Signature(_LS, 'notify_sent', r'sending (?:unencrypted |encrypted )?notification (?:v2N_)?(?P<code>[A-Z_]+)'),
    Signature(_LS, 'proposal_unacceptable',
              r'(?:no local proposal matches remote proposals|no acceptable Oakley Transform'
              r'|OAKLEY proposal refused|no acceptable ESP/AH proposal)', 'NO_PROPOSAL_CHOSEN'),
    Signature(_LS, 'retransmit_give_up',
              r'(?P<state>[A-Z0-9_]+): \d+(?:\.\d+)? second timeout exceeded after \d+ retransmits'),
    Signature(_LS, 'retransmit_give_up', r'max number of retransmissions \(\d+\) reached'),
    Signature(_LS, 'retransmit', r'(?P<state>[A-Z0-9_]+): retransmission; will wait'),
    Signature(_LS, 'no_private_key',
              r"(?:unable to locate my private key|Can't find the certificate or private key"
              r'|private key .* not found|no private key for|No \S+ private key found)'),
    Signature(_LS, 'cert_invalid_validity', r'SEC_ERROR_EXPIRED_CERTIFICATE', 'EXPIRED'),
    Signature(_LS, 'cert_invalid_validity', r'SEC_ERROR_EXPIRED_ISSUER_CERTIFICATE', 'ISSUER_EXPIRED'),
    Signature(_LS, 'no_issuer_cert', r'SEC_ERROR_UNKNOWN_ISSUER'),
    Signature(_LS, 'no_trusted_public_key',
              r'(?:SEC_ERROR_UNTRUSTED_(?:ISSUER|CERT)|authentication failed: no certificate matched)'),
    Signature(_LS, 'kernel_sa_install_failed',
              r'netlink response for \S+ (?:SA|Policy|policy) .*?: (?P<errname>[^(]*?) \(errno (?P<errno>\d+)\)'),
    Signature(_LS, 'kernel_sa_install_failed', r'netlink\b.*\berrno (?P<errno>\d+)'),
    Signature(_LS, 'network_error',
              r'asynchronous network error report on .*\[errno (?P<errno>\d+)'),
    Signature(_LS, 'nat_detected', r'NAT-Traversal: Result using .*: (?:peer|i am) (?:is )?NATed'),
    Signature(_LS, 'daemon_crash', r'(?:ASSERTION FAILED|PASSERT|pluto: \S* ?received signal)'),
    Signature(_LS, 'config_error', r'failed to add connection'),
    Signature(_LS, 'config_error', r'\.(?:conf|config):\d+: .*(?:syntax error|unexpected)'),
    Signature(_LS, 'config_error', r'(?:ERROR|error): .*(?:ipsec\.conf|\.conf): '),
    Signature(_LS, 'ike_established',
              r'(?:established IKE SA|PARENT SA established|ISAKMP SA established|IKE SA established)'),
    Signature(_LS, 'child_established',
              r'(?:established Child SA|IPsec SA established|negotiated connection \[)'),

    # --- racoon (IKEv1 only; no message IDs) ----------------------------------------------------
    Signature(_RC, 'no_shared_key', r"couldn't find the pskey for"),
    Signature(_RC, 'psk_mac_mismatch', r'HASH mismatched'),
    Signature(_RC, 'no_matching_peer_config', r'(?:no configuration found|couldn\'t find configuration)'),
    Signature(_RC, 'proposal_unacceptable',
              r'(?:no suitable proposal found|failed to get valid proposal|no proposal chosen)',
              'NO_PROPOSAL_CHOSEN'),
    Signature(_RC, 'ts_unacceptable', r'failed to get sainfo', 'TS_UNACCEPTABLE'),
    Signature(_RC, 'retransmit_give_up',
              r'(?:phase1 negotiation failed due to time up|give up to get IPsec-SA due to time up)'),
    Signature(_RC, 'notify_received', r'notification (?P<code>[A-Z-]+) received'),
    Signature(_RC, 'kernel_sa_install_failed', r'pfkey (?:ADD|UPDATE|GETSPI) failed'),
    Signature(_RC, 'no_private_key', r'failed to get private key'),
    Signature(_RC, 'config_error', r'(?:fatal parse failure|syntax error|failed to parse configuration)'),
    Signature(_RC, 'ike_established', r'ISAKMP-SA established'),
    Signature(_RC, 'child_established', r'IPsec-SA established'),

    # --- any daemon -------------------------------------------------------------------------------
    Signature(_ALL, 'daemon_crash', r'segfault at '),
    Signature(_ALL, 'daemon_crash', r'killed by signal (?P<signal>\S+)'),
    Signature(_ALL, 'daemon_crash', r'code=(?:killed|dumped), status=\d+/(?P<signal>[A-Z]+)'),
    Signature(_ALL, 'permission_denied', r"opening '(?P<path>[^']*)' failed: Permission denied"),
    Signature(_ALL, 'permission_denied', r'Permission denied'),
)
