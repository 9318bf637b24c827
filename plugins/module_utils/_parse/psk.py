# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Pre-shared keys: normalize the written forms, then digest; the secret itself never leaves this module."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import base64
import binascii
import hashlib
import hmac


class PskFormatError(ValueError):
    """A PSK value that is not valid in its written form (bad hex or base64)."""


def normalize_psk(value):
    """Return the bytes a daemon would use for a PSK written as value.

    Accepted forms (strongSwan and Libreswan): "quoted", 'quoted', 0x<hex>, 0s<base64>,
    and a bare token. Raises PskFormatError for malformed hex or base64.
    """
    text = value.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in ('"', "'"):
        return text[1:-1].encode('utf-8')
    if text[:2].lower() == '0x':
        digits = text[2:].replace('_', '')
        try:
            return binascii.unhexlify(digits)
        except (binascii.Error, TypeError, ValueError):
            raise PskFormatError('invalid hexadecimal PSK')
    if text[:2] == '0s':
        try:
            return base64.b64decode(text[2:], validate=True)
        except (binascii.Error, ValueError):
            raise PskFormatError('invalid base64 PSK')
    return text.encode('utf-8')


def psk_digest(secret, key):
    """Return the hex HMAC-SHA256 of the normalized secret bytes under key (bytes or text).

    With no key there is no digest (None): an unkeyed hash of a short PSK could be brute-forced.
    """
    if not key:
        return None
    if not isinstance(key, bytes):
        key = key.encode('utf-8')
    return hmac.new(key, secret, hashlib.sha256).hexdigest()


def digest_written_psk(value, key):
    """Normalize a PSK as written and return (digest, error); the error is a message or None."""
    try:
        secret = normalize_psk(value)
    except PskFormatError as exc:
        return None, str(exc)
    if not secret:
        return None, 'empty PSK'
    return psk_digest(secret, key), None
