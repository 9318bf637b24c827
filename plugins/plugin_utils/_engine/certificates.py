# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""X.509 certificates from the facts: validity, identities, key match and chain to trusted CAs.

Parsing uses the ``cryptography`` package on the controller. Certificates are parsed once
per distinct PEM (a fleet shares its CA certificates).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import datetime
import hashlib
import ipaddress

try:
    from cryptography import x509
    from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
    from cryptography.hazmat.primitives import serialization
    from cryptography.x509.oid import ExtensionOID, NameOID
    HAS_CRYPTOGRAPHY = True
    CRYPTOGRAPHY_IMPORT_ERROR = None
except ImportError as exc:  # pragma: no cover - depends on the controller environment
    HAS_CRYPTOGRAPHY = False
    CRYPTOGRAPHY_IMPORT_ERROR = exc

from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine.identities import normalize_id

CA_ROLES = ('ca', 'intermediate-or-ca')
MAX_CHAIN_LENGTH = 8


def require_cryptography():
    """Raise a clear error when cryptography is not installed on the controller."""
    if not HAS_CRYPTOGRAPHY:
        raise ImportError('ipsec.doctor needs the Python package cryptography on the controller: %s'
                          % CRYPTOGRAPHY_IMPORT_ERROR)


def _utc(value):
    if value.tzinfo is None:
        return value.replace(tzinfo=datetime.timezone.utc)
    return value


class Certificate(object):
    """A parsed certificate with what the checks need."""

    def __init__(self, pem, cert):
        self.pem = pem
        self.cert = cert
        self.subject = cert.subject.rfc4514_string()
        self.issuer = cert.issuer.rfc4514_string()
        self.not_before = _utc(getattr(cert, 'not_valid_before_utc', None) or cert.not_valid_before)
        self.not_after = _utc(getattr(cert, 'not_valid_after_utc', None) or cert.not_valid_after)
        spki = cert.public_key().public_bytes(serialization.Encoding.DER,
                                              serialization.PublicFormat.SubjectPublicKeyInfo)
        self.pubkey_sha256 = hashlib.sha256(spki).hexdigest()
        self.san_dns, self.san_ip, self.san_email = [], [], []
        try:
            san = cert.extensions.get_extension_for_oid(ExtensionOID.SUBJECT_ALTERNATIVE_NAME).value
            self.san_dns = [name.lower() for name in san.get_values_for_type(x509.DNSName)]
            self.san_ip = [str(address) for address in san.get_values_for_type(x509.IPAddress)]
            self.san_email = [name.lower() for name in san.get_values_for_type(x509.RFC822Name)]
        except x509.ExtensionNotFound:
            pass
        try:
            self.is_ca = bool(cert.extensions.get_extension_for_oid(ExtensionOID.BASIC_CONSTRAINTS).value.ca)
        except x509.ExtensionNotFound:
            self.is_ca = cert.subject == cert.issuer
        self.self_signed = cert.subject == cert.issuer
        common_names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
        self.common_name = common_names[0].value if common_names else None

    def identities(self):
        """The identities this certificate can prove: subjectAltNames and the subject DN."""
        return self.san_dns + self.san_ip + self.san_email + [self.subject]

    def covers(self, identity):
        """True when identity is a subjectAltName or the subject DN of the certificate."""
        wanted = normalize_id(identity)
        if wanted is None:
            return False
        if wanted in self.san_dns or wanted in self.san_email:
            return True
        try:
            address = str(ipaddress.ip_address(wanted))
            return address in self.san_ip
        except ValueError:
            pass
        return wanted == normalize_id(self.subject) or wanted == normalize_id(_reversed_dn(self.subject))

    def validity(self, now):
        """Return 'expired', 'not_yet_valid' or 'valid' at datetime now (aware, UTC)."""
        if now > self.not_after:
            return 'expired'
        if now < self.not_before:
            return 'not_yet_valid'
        return 'valid'

    def issued(self, child):
        """True when this certificate issued child (names and signature)."""
        if child.cert.issuer != self.cert.subject:
            return False
        try:
            child.cert.verify_directly_issued_by(self.cert)
        except (InvalidSignature, UnsupportedAlgorithm, ValueError, TypeError):
            return False
        return True


def _reversed_dn(text):
    # strongSwan and OpenSSL print DNs most-significant first, RFC 4514 least-significant first.
    return ','.join(reversed([part for part in text.split(',') if part]))


class CertificateCache(object):
    """Parses each distinct PEM once; unparsable PEMs map to None."""

    def __init__(self):
        require_cryptography()
        self._cache = {}

    def parse(self, pem):
        if not pem:
            return None
        if pem not in self._cache:
            try:
                cert = x509.load_pem_x509_certificate(pem.encode('ascii') if not isinstance(pem, bytes) else pem)
                self._cache[pem] = Certificate(pem, cert)
            except (ValueError, TypeError, UnicodeError):
                self._cache[pem] = None
        return self._cache[pem]


def build_chain(end, intermediates, anchors):
    """Walk from end up to a trust anchor.

    intermediates: certificates the sending side can provide; anchors: CA certificates the
    verifying side trusts. Returns (trusted, chain, missing_issuer): chain is the list of
    certificates walked (end first); missing_issuer is the issuer DN that could not be found
    when not trusted.
    """
    chain = [end]
    current = end
    for _step in range(MAX_CHAIN_LENGTH):
        for anchor in anchors:
            if anchor.pubkey_sha256 == current.pubkey_sha256 and anchor.subject == current.subject:
                return True, chain, None
            if anchor.issued(current):
                chain.append(anchor)
                return True, chain, None
        if current.self_signed:
            return False, chain, current.issuer
        parent = None
        for candidate in intermediates:
            if candidate is not current and candidate not in chain and candidate.issued(current):
                parent = candidate
                break
        if parent is None:
            return False, chain, current.issuer
        chain.append(parent)
        current = parent
    return False, chain, current.issuer
