# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The `certs` subset: every certificate a daemon can use, as PEM text with where it lies.

Certificates are not parsed here (the controller does that with `cryptography`). Only
CERTIFICATE blocks of PEM files, and DER that is shaped like a certificate, are
returned, so a private key stored in a certificate directory never leaves the host.
Libreswan's NSS database is read with `certutil` (public certificates only).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import re

from ansible_collections.ipsec.doctor.plugins.module_utils._collect.config import RACOON, parsed_configs
from ansible_collections.ipsec.doctor.plugins.module_utils._collect.der import der_to_pem, looks_like_certificate

MAX_CERT_FILE_BYTES = 1024 * 1024

_PEM_CERT = re.compile(r'-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\s]+?-----END CERTIFICATE-----')
_NSS_LINE = re.compile(r'^(?P<nickname>\S.*?)\s+(?P<trust>[A-Za-z]*,[A-Za-z]*,[A-Za-z]*)\s*$')

END = 'end'
CA = 'ca'
INTERMEDIATE_OR_CA = 'intermediate-or-ca'


def certificate_directories(host):
    """Return [(host path, source, role)] of the certificate directories to read."""
    swanctl = host.paths['swanctl_dir']
    ipsec_d = host.paths['ipsec_d']
    return [
        (os.path.join(swanctl, 'x509'), 'swanctl-x509', END),
        (os.path.join(swanctl, 'x509ca'), 'swanctl-x509ca', CA),
        (os.path.join(ipsec_d, 'certs'), 'ipsec.d-certs', END),
        (os.path.join(ipsec_d, 'cacerts'), 'ipsec.d-cacerts', CA),
    ]


def pem_blocks(data):
    """Return the PEM CERTIFICATE blocks of file bytes, or [PEM of the DER] when data is a DER certificate."""
    if b'-----BEGIN' in data:
        text = data.decode('ascii', errors='replace')
        return [match.group(0).strip() + '\n' for match in _PEM_CERT.finditer(text)]
    if looks_like_certificate(data):
        return [der_to_pem(data)]
    return []


def _file_certs(host, path, source, role, found):
    if path in found:
        return
    found[path] = []
    try:
        meta = host.files.meta(path)
        data = host.files.read_bytes(path, MAX_CERT_FILE_BYTES)
    except OSError as exc:
        host.gap('certs', exc.strerror or str(exc), path=path)
        return
    blocks = pem_blocks(data)
    if not blocks:
        host.gap('certs', 'no certificate found in file', path=path)
        return
    for index, pem in enumerate(blocks):
        found[path].append({'path': path, 'source': source, 'role': role if index == 0 else INTERMEDIATE_OR_CA,
                            'index': index, 'mode': meta['mode'], 'owner': meta['owner'], 'pem': pem})


def _directory_certs(host, directory, source, role, found):
    for path in host.list_files('certs', directory):
        _file_certs(host, path, source, role, found)


def parse_nss_listing(text):
    """Parse `certutil -L` output into [(nickname, trust)]."""
    entries = []
    for line in text.splitlines():
        if not line.strip() or line.startswith('Certificate Nickname') or line.strip() == 'SSL,S/MIME,JAR/XPI':
            continue
        match = _NSS_LINE.match(line)
        if match:
            entries.append((match.group('nickname').strip(), match.group('trust')))
    return entries


def nss_role(trust):
    """Return the role a certificate has by its NSS trust flags (u: own key, C/T: trusted CA)."""
    if 'u' in trust:
        return END
    if 'C' in trust or 'T' in trust:
        return CA
    return INTERMEDIATE_OR_CA


def _nss_certs(host):
    directory = host.paths['nss_dir']
    if not (host.files.exists(os.path.join(directory, 'cert9.db')) or
            host.files.exists(os.path.join(directory, 'cert8.db'))):
        return []
    database = 'sql:%s' % host.files.real(directory)
    listing = host.run_ok('certs', ['certutil', '-L', '-d', database], label='certutil -L', path=directory)
    if listing is None:
        return []
    certs = []
    for nickname, trust in parse_nss_listing(listing.stdout):
        result = host.run_ok('certs', ['certutil', '-L', '-d', database, '-n', nickname, '-a'],
                             label='certutil -n %s' % nickname, path=directory)
        if result is None:
            continue
        for index, pem in enumerate(pem_blocks(result.stdout.encode('ascii', errors='replace'))):
            certs.append({'path': 'nss:%s' % directory, 'source': 'nss', 'nickname': nickname, 'trust': trust,
                          'role': nss_role(trust), 'index': index, 'pem': pem})
    return certs


def collect(host):
    """Return the list of certificates (docs/facts.md `certs`)."""
    found = {}
    for directory, source, role in certificate_directories(host):
        _directory_certs(host, directory, source, role, found)
    for item in parsed_configs(host):
        result = item['result']
        for ref in result.get('cert_refs') or []:
            if ref.get('path'):
                role = CA if ref.get('kind') == 'x509ca' else END
                _file_certs(host, ref['path'], 'config', role, found)
        if item['format'] == RACOON and result.get('cert_dir'):
            _directory_certs(host, result['cert_dir'], 'racoon', INTERMEDIATE_OR_CA, found)
    certs = []
    for entries in found.values():
        certs.extend(entries)
    certs.extend(_nss_certs(host))
    return certs
