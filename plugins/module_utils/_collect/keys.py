# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The `keys` subset: private key files as metadata only.

For each key file in the daemons' key directories or referenced by a configuration:
owner, group, mode, its directory's mode, whether it is readable, and, when the
`openssl` tool can derive it, the key type, size and SHA-256 of the DER
SubjectPublicKeyInfo (to match against a certificate on the controller). openssl reads
the key file itself; the key never passes through this process.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import hashlib
import os

from ansible_collections.ipsec.doctor.plugins.module_utils._collect.commands import CommandError, ToolMissing
from ansible_collections.ipsec.doctor.plugins.module_utils._collect.config import SWANCTL, parsed_configs
from ansible_collections.ipsec.doctor.plugins.module_utils._collect.der import DerError, describe_public_key
from ansible_collections.ipsec.doctor.plugins.module_utils._collect.secrets import parsed_secrets

SWANCTL_KEY_DIRS = ('private', 'rsa', 'ecdsa', 'pkcs8', 'pkcs12')


def key_directories(host):
    """Return the host paths of the directories that hold private keys."""
    swanctl = host.paths['swanctl_dir']
    dirs = [os.path.join(swanctl, name) for name in SWANCTL_KEY_DIRS]
    dirs.append(os.path.join(host.paths['ipsec_d'], 'private'))
    return dirs


def _referenced_keys(host):
    paths = []
    for item in parsed_configs(host):
        if item['format'] == SWANCTL:
            paths.extend(ref['path'] for ref in item['result'].get('key_refs') or [] if ref.get('path'))
    for item in parsed_secrets(host):
        paths.extend(ref['path'] for ref in item['result'].get('key_refs') or [] if ref.get('path'))
    return paths


def public_key_facts(host, path):
    """Return ({key_type, key_bits, pubkey_sha256}, error) for the key file at path, using openssl.

    An encrypted key fails (an empty passphrase is given so openssl never prompts).
    """
    empty = {'key_type': None, 'key_bits': None, 'pubkey_sha256': None}
    if path.endswith(('.p12', '.pfx')) or '/pkcs12/' in path:
        return empty, 'PKCS#12 container: public key not derived'
    try:
        result = host.runner.run(['openssl', 'pkey', '-in', host.files.real(path), '-pubout', '-outform', 'DER',
                                  '-passin', 'pass:'], binary=True)
    except ToolMissing:
        host.gap('keys', 'openssl not found: key types and public key digests not derived')
        return empty, 'openssl not found'
    except CommandError as exc:
        return empty, str(exc)
    if not result.ok or not result.stdout:
        # openssl's message names the file and the reason, never key material.
        return empty, 'openssl could not read the key (encrypted or not a private key): %s' % result.first_error_line()
    try:
        key_type, bits = describe_public_key(result.stdout)
    except DerError as exc:
        return empty, 'unexpected openssl output: %s' % exc
    return {'key_type': key_type, 'key_bits': bits, 'pubkey_sha256': hashlib.sha256(result.stdout).hexdigest()}, None


def describe_key(host, path, referenced):
    """Return the metadata entry of one key file."""
    directory = os.path.dirname(path)
    entry = {'path': path, 'owner': None, 'group': None, 'mode': None, 'dir': directory, 'dir_mode': None,
             'readable': False, 'exists': True, 'referenced': referenced,
             'key_type': None, 'key_bits': None, 'pubkey_sha256': None, 'error': None}
    try:
        entry['dir_mode'] = host.files.meta(directory)['mode']
    except OSError:
        pass
    try:
        meta = host.files.meta(path)
    except OSError as exc:
        entry['exists'] = host.files.exists(path)
        entry['error'] = exc.strerror or str(exc)
        return entry
    entry.update({'owner': meta['owner'], 'group': meta['group'], 'mode': meta['mode']})
    entry['readable'] = host.files.access(path)
    if not entry['readable']:
        entry['error'] = 'Permission denied'
        host.gap('keys', 'Permission denied', path=path)
        return entry
    facts, error = public_key_facts(host, path)
    entry.update(facts)
    entry['error'] = error
    return entry


def collect(host):
    """Return the list of private key entries (docs/facts.md `keys`)."""
    referenced = _referenced_keys(host)
    paths = []
    for directory in key_directories(host):
        paths.extend(host.list_files('keys', directory))
    for path in referenced:
        if path not in paths:
            paths.append(path)
    return [describe_key(host, path, path in referenced) for path in paths]
