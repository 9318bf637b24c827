# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The normalized connection model that every daemon's configuration maps into.

The shape is the contract in docs/facts.md (`config.connections[]`). The builders
return dicts with every key present, so consumers never have to guess whether a key
is missing or unset. Scalars hold the daemon's effective value; a key that has no
entry in the object's ``src`` map was not written in a file and holds the daemon
default (or None when the daemon has no fixed default).

The module also holds the value conversions all parsers share: durations to
seconds, identities to an ``id_type``, and yes/no words to booleans.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re
import socket

DAEMONS = ('strongswan', 'libreswan', 'racoon')
FORMATS = ('swanctl', 'strongswan-ipsec.conf', 'libreswan-ipsec.conf', 'racoon')
AUTH_CLASSES = ('psk', 'pubkey', 'eap', 'xauth')


def origin(file, line):
    """Return the "file:line" string that marks where a value was written."""
    return '%s:%s' % (file, line)


def split_origin(src):
    """Return (file, line) of a "file:line" origin; no origin, or no line number, gives line 0."""
    file, _sep, line = (src or ':0').rpartition(':')
    return file, int(line) if line.isdigit() else 0


def new_proposal_set(written=None, strict=False, effective=None):
    """Return a proposal set: the text as written, strictness and the effective proposals."""
    return {
        'written': written,
        'strict': strict,
        'effective': list(effective or []),
    }


def new_auth_round(round_number=1, auth=None, identity=None, id_type=None):
    """Return one authentication round of one side (local or remote)."""
    return {
        'auth': auth,
        'id': identity,
        'id_type': id_type,
        'certs': [],
        'cacerts': [],
        'round': round_number,
    }


def new_child(name, file, line):
    """Return a CHILD_SA (phase 2) entry with every key of the model present."""
    return {
        'name': name,
        'file': file,
        'line': line,
        'mode': 'tunnel',
        'protocol': 'esp',
        'esp_proposals': new_proposal_set(),
        'pfs_groups': [],
        'pfs': None,
        'local_ts': [],
        'remote_ts': [],
        'rekey_time': None,
        'life_time': None,
        'start_action': None,
        'dpd_action': None,
        'close_action': None,
        'src': {},
    }


def new_connection(name, daemon, fmt, file, line):
    """Return a connection (IKE SA / phase 1) with every key of the model present."""
    return {
        'name': name,
        'daemon': daemon,
        'format': fmt,
        'file': file,
        'line': line,
        'ike_version': 0,
        'local_addrs': [],
        'remote_addrs': [],
        'local_port': 500,
        'remote_port': 500,
        'local_auth': [],
        'remote_auth': [],
        'ike_proposals': new_proposal_set(),
        'rekey_time': None,
        'reauth_time': None,
        'over_time': None,
        'dpd_delay': None,
        'dpd_timeout': None,
        'encap': False,
        'fragmentation': None,
        'mobike': None,
        'pools': [],
        'vips': [],
        'auto': None,
        'unique': None,
        'children': [],
        'src': {},
    }


def set_value(obj, key, value, file, line):
    """Set obj[key] = value and record where it was written in obj['src'][key]."""
    obj[key] = value
    obj['src'][key] = origin(file, line)
    return obj


def set_auth_value(conn, side, index, key, value, file, line):
    """Set a key of auth round `index` on `side` ('local' or 'remote') and record its origin on conn.

    Auth rounds have no ``src`` map of their own; their origins live on the connection
    under ``<side>_auth.<index>.<key>``, as in docs/facts.md.
    """
    rounds = conn['%s_auth' % side]
    rounds[index][key] = value
    conn['src']['%s_auth.%d.%s' % (side, index, key)] = origin(file, line)
    return conn


_DURATION = re.compile(r'^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$', re.IGNORECASE)
_DURATION_FACTOR = {'': 1, 's': 1, 'm': 60, 'h': 3600, 'd': 86400}


def parse_duration(text):
    """Return seconds (int) for a duration such as 3600, 3600s, 30m, 1h, 2d or 1.5h; None if invalid."""
    if text is None:
        return None
    match = _DURATION.match(str(text))
    if not match:
        return None
    seconds = float(match.group(1)) * _DURATION_FACTOR[match.group(2).lower()]
    return int(round(seconds))


_TRUE_WORDS = ('yes', 'true', 'enable', 'enabled', 'on', '1', 'y')
_FALSE_WORDS = ('no', 'false', 'disable', 'disabled', 'off', '0', 'n')


def parse_bool(text):
    """Return True/False for yes/no style words (case-insensitive); None when neither."""
    if text is None:
        return None
    word = str(text).strip().lower()
    if word in _TRUE_WORDS:
        return True
    if word in _FALSE_WORDS:
        return False
    return None


def split_list(text):
    """Split a comma and/or space separated list; empty items are dropped."""
    if text is None:
        return []
    return [item for item in re.split(r'[\s,]+', str(text).strip()) if item]


def auth_class(value):
    """Return the model's auth class (psk, pubkey, eap, xauth) of an auth/authby value, or None.

    Accepts swanctl ``auth`` values (psk, pubkey, rsa, ecdsa, eap-*, xauth-*) and the
    legacy ipsec.conf forms (secret, rsasig, ecdsasig).
    """
    word = (value or '').strip().lower()
    if word in ('psk', 'secret'):
        return 'psk'
    if word.startswith('eap'):
        return 'eap'
    if word.startswith('xauth'):
        return 'xauth'
    if word.startswith(('pubkey', 'rsa', 'ecdsa', 'ed25519', 'ed448', 'bliss')):
        return 'pubkey'
    return None


def _is_ip(text, family):
    try:
        socket.inet_pton(family, text)
    except (OSError, ValueError, UnicodeError):
        return False
    return True


def identity_type(identity):
    """Return the type strongSwan/Libreswan would infer for an identity string.

    One of: any, ipv4, ipv6, fqdn, rfc822, dn, keyid, or None for an empty value.
    Rules follow strongSwan's identification parser: an explicit ``fqdn:``/``email:``/
    ``keyid:``/``asn1dn:`` prefix wins; ``%any`` (and ``*``) match anything; IP
    addresses are recognized; a value with ``=`` is a distinguished name; ``user@host``
    is an RFC 822 address; ``@#hex`` is a key id; a leading ``@`` forces FQDN (with the
    ``@`` not being part of the name); everything else is an FQDN.
    """
    if identity is None:
        return None
    text = str(identity).strip()
    if not text:
        return None
    lower = text.lower()
    prefixes = (
        ('ipv4:', 'ipv4'), ('ipv6:', 'ipv6'), ('fqdn:', 'fqdn'), ('dns:', 'fqdn'),
        ('email:', 'rfc822'), ('rfc822:', 'rfc822'), ('userfqdn:', 'rfc822'),
        ('asn1dn:', 'dn'), ('dn:', 'dn'), ('keyid:', 'keyid'),
    )
    for prefix, kind in prefixes:
        if lower.startswith(prefix):
            return kind
    if lower in ('%any', '%any6', '*', '%'):
        return 'any'
    if _is_ip(text, socket.AF_INET):
        return 'ipv4'
    if _is_ip(text, socket.AF_INET6):
        return 'ipv6'
    if text.startswith('@#'):
        return 'keyid'
    if '=' in text:
        return 'dn'
    if text.startswith('@@'):
        return 'rfc822'
    if text.startswith('@'):
        return 'fqdn'
    if '@' in text:
        return 'rfc822'
    return 'fqdn'


def normalize_identity(identity):
    """Return the identity as the daemon compares it: strip a leading ``@`` of FQDNs.

    strongSwan and Libreswan both treat ``@host`` as the FQDN ``host``; ``@@user@host``
    is the RFC 822 address ``user@host``. Other forms are returned trimmed but unchanged.
    """
    if identity is None:
        return None
    text = str(identity).strip()
    if text.startswith('@@'):
        return text[2:]
    if text.startswith('@') and not text.startswith('@#'):
        return text[1:]
    return text


_HEX = re.compile(r'^[0-9a-fA-F]+$')


def strongswan_identity(identity):
    """Return the identity as charon compares it: normalize_identity, and a ``@#hex`` key id as colon hex.

    charon reads ``@#71270432...`` as the key id bytes and prints (and matches) them as
    ``71:27:04:32:...``; an odd number of digits gets a leading zero, as its hex reader does.
    """
    text = normalize_identity(identity)
    if text is None or not text.startswith('@#') or not _HEX.match(text[2:]):
        return text
    digits = text[2:].lower()
    if len(digits) % 2:
        digits = '0' + digits
    return ':'.join(digits[i:i + 2] for i in range(0, len(digits), 2))
