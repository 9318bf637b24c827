# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""IKE identities: the form both daemons compare, wildcard matching and the effective local ID."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import fnmatch
import functools
import ipaddress
import re

ANY_IDS = ('%any', '%any6', '*', '%', '')

_PREFIXES = ('ipv4:', 'ipv6:', 'fqdn:', 'dns:', 'email:', 'rfc822:', 'userfqdn:', 'asn1dn:', 'dn:', 'keyid:')


def is_any(identity):
    """True when identity matches every peer (unset, %any, *)."""
    return identity is None or str(identity).strip().lower() in ANY_IDS


def _normalize_dn(text):
    parts = [part.strip() for part in re.split(r'\s*[,/]\s*', text) if part.strip()]
    normalized = []
    for part in parts:
        if '=' in part:
            attr, value = part.split('=', 1)
            normalized.append('%s=%s' % (attr.strip().upper(), value.strip()))
        else:
            normalized.append(part)
    return ','.join(normalized)


@functools.lru_cache(maxsize=65536)
def normalize_id(identity):
    """Return the comparable form of an identity: prefixes and Libreswan's @ removed, case folded.

    IP addresses are compressed (``ipaddress``), distinguished names have canonical spacing and
    upper-case attribute names; FQDNs and e-mail addresses are lower case.
    """
    if identity is None:
        return None
    text = str(identity).strip().strip('"')
    lower = text.lower()
    for prefix in _PREFIXES:
        if lower.startswith(prefix):
            text = text[len(prefix):]
            lower = text.lower()
            break
    if lower in ANY_IDS:
        return '%any'
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        pass
    if '=' in text:
        return _normalize_dn(text)
    if text.startswith('@#'):
        return text.lower()
    return text.lstrip('@').lower()


def id_matches(expected, actual):
    """True when the identity actual satisfies what expected asks for (wildcards allowed)."""
    if is_any(expected):
        return True
    if actual is None:
        return False
    want = normalize_id(expected)
    have = normalize_id(actual)
    if want == have:
        return True
    if '*' in want:
        return fnmatch.fnmatchcase(have, want)
    return False


def auth_round(conn, side, index=0):
    """Return auth round index of side ('local'/'remote') of conn, or an empty dict."""
    rounds = conn.get('%s_auth' % side) or []
    if index < len(rounds) and isinstance(rounds[index], dict):
        return rounds[index]
    return {}


def configured_id(conn, side, index=0):
    """Return the identity written for side of conn (round index), or None."""
    value = auth_round(conn, side, index).get('id')
    return None if value in (None, '') else str(value)


def effective_local_id(conn, address=None, cert_subject=None):
    """Return the identity this end sends: the configured one, else the certificate subject, else its address.

    Both daemons fall back to the IP address of the end (Libreswan leftid defaults to left,
    strongSwan uses the address unless a certificate gives a subject DN).
    """
    written = configured_id(conn, 'local')
    if written is not None and not is_any(written):
        return written
    if cert_subject:
        return cert_subject
    for candidate in conn.get('local_addrs') or []:
        text = str(candidate)
        if text and not text.startswith('%'):
            try:
                return str(ipaddress.ip_address(text))
            except ValueError:
                continue
    return address


def expected_remote_id(conn):
    """Return the identity conn expects from its peer (round 1), or None for "any".

    swanctl's remote id defaults to %any; ipsec.conf (strongSwan and Libreswan) defaults
    rightid to the address in right=, so an unset rightid with a concrete address expects it.
    The parsers write an unset remote id as %any: only an id with an origin in ``src`` was written.
    """
    written = configured_id(conn, 'remote')
    was_written = 'remote_auth.0.id' in (conn.get('src') or {})
    if written is not None and (was_written or not is_any(written)):
        return None if is_any(written) else written
    if conn.get('format') in ('strongswan-ipsec.conf', 'libreswan-ipsec.conf'):
        for candidate in conn.get('remote_addrs') or []:
            try:
                return str(ipaddress.ip_address(str(candidate)))
            except ValueError:
                continue
    return None
