# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Just enough DER to tell a certificate from a key and to name a public key's type and size.

Certificates are parsed on the controller; on the host this only guards against
returning a DER private key found in a certificate directory, and describes the
SubjectPublicKeyInfo that `openssl pkey -pubout` prints.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import base64

SEQUENCE = 0x30
INTEGER = 0x02
BIT_STRING = 0x03
OID = 0x06
CONTEXT_0 = 0xa0

# OID (dotted) -> (key type, bits or None when read from the key)
KEY_ALGORITHMS = {
    '1.2.840.113549.1.1.1': 'RSA',
    '1.2.840.113549.1.1.10': 'RSA-PSS',
    '1.2.840.10045.2.1': 'ECDSA',
    '1.3.101.112': 'ED25519',
    '1.3.101.113': 'ED448',
}
CURVE_BITS = {
    '1.2.840.10045.3.1.7': 256,    # prime256v1 / secp256r1
    '1.3.132.0.34': 384,           # secp384r1
    '1.3.132.0.35': 521,           # secp521r1
    '1.3.36.3.3.2.8.1.1.7': 256,   # brainpoolP256r1
    '1.3.36.3.3.2.8.1.1.11': 384,  # brainpoolP384r1
    '1.3.36.3.3.2.8.1.1.13': 512,  # brainpoolP512r1
}
FIXED_BITS = {'ED25519': 256, 'ED448': 456}


class DerError(ValueError):
    """Bytes that are not the DER structure expected."""


def read_tlv(data, pos=0):
    """Return (tag, value start, value end) of the element at pos."""
    try:
        tag = data[pos]
        length = data[pos + 1]
        pos += 2
        if length & 0x80:
            count = length & 0x7f
            if count == 0 or count > 4:
                raise DerError('unsupported DER length')
            length = int.from_bytes(data[pos:pos + count], 'big')
            pos += count
    except IndexError:
        raise DerError('truncated DER')
    if pos + length > len(data):
        raise DerError('truncated DER')
    return tag, pos, pos + length


def children(data, start, end):
    """Yield (tag, value start, value end) of the elements between start and end."""
    pos = start
    while pos < end:
        tag, value_start, value_end = read_tlv(data, pos)
        yield tag, value_start, value_end
        pos = value_end


def decode_oid(value):
    """Return the dotted text of an OBJECT IDENTIFIER value."""
    if not value:
        raise DerError('empty OID')
    parts = [min(value[0] // 40, 2), value[0] - 40 * min(value[0] // 40, 2)]
    number = 0
    for byte in value[1:]:
        number = (number << 7) | (byte & 0x7f)
        if not byte & 0x80:
            parts.append(number)
            number = 0
    return '.'.join(str(part) for part in parts)


def looks_like_certificate(data):
    """True when data is DER whose outer and first inner SEQUENCE start like an X.509 tbsCertificate.

    Private keys (PKCS#1, PKCS#8, SEC1) start their outer SEQUENCE with an INTEGER instead.
    """
    try:
        tag, start, end = read_tlv(data)
        if tag != SEQUENCE:
            return False
        tag, inner_start, inner_end = read_tlv(data, start)
        if tag != SEQUENCE:
            return False
        first_tag = read_tlv(data, inner_start)[0]
    except DerError:
        return False
    return first_tag in (CONTEXT_0, INTEGER)


def der_to_pem(data, label='CERTIFICATE'):
    """Return PEM text of DER bytes."""
    encoded = base64.b64encode(data).decode('ascii')
    lines = [encoded[i:i + 64] for i in range(0, len(encoded), 64)]
    return '-----BEGIN %s-----\n%s\n-----END %s-----\n' % (label, '\n'.join(lines), label)


def describe_public_key(spki):
    """Return (key type, bits) of a DER SubjectPublicKeyInfo; raise DerError when it is not one."""
    tag, start, end = read_tlv(spki)
    if tag != SEQUENCE:
        raise DerError('not a SubjectPublicKeyInfo')
    elements = list(children(spki, start, end))
    if len(elements) != 2 or elements[0][0] != SEQUENCE or elements[1][0] != BIT_STRING:
        raise DerError('not a SubjectPublicKeyInfo')
    algorithm = list(children(spki, elements[0][1], elements[0][2]))
    if not algorithm or algorithm[0][0] != OID:
        raise DerError('not a SubjectPublicKeyInfo')
    oid = decode_oid(spki[algorithm[0][1]:algorithm[0][2]])
    key_type = KEY_ALGORITHMS.get(oid, oid)
    if key_type in FIXED_BITS:
        return key_type, FIXED_BITS[key_type]
    if key_type == 'ECDSA':
        if len(algorithm) > 1 and algorithm[1][0] == OID:
            return key_type, CURVE_BITS.get(decode_oid(spki[algorithm[1][1]:algorithm[1][2]]))
        return key_type, None
    if key_type in ('RSA', 'RSA-PSS'):
        # BIT STRING: one byte of unused bits, then RSAPublicKey ::= SEQUENCE { modulus INTEGER, ... }
        bits_start = elements[1][1] + 1
        tag, rsa_start, rsa_end = read_tlv(spki, bits_start)
        tag, mod_start, mod_end = read_tlv(spki, rsa_start)
        if tag != INTEGER:
            raise DerError('RSA public key without modulus')
        modulus = int.from_bytes(spki[mod_start:mod_end], 'big')
        return key_type, modulus.bit_length()
    return key_type, None
