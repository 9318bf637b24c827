# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The `secrets` subset: secret entries (identities and keyed PSK digests) and the files that hold them.

Sources: the secrets section of swanctl.conf (from the config parse), /etc/ipsec.secrets
(strongSwan or Libreswan flavour, by the installed daemon) and racoon's psk.txt. The
parsers digest PSKs as they read them; no secret value reaches this module.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os

from ansible_collections.ipsec.doctor.plugins.module_utils._collect import daemons
from ansible_collections.ipsec.doctor.plugins.module_utils._collect.config import (
    SWANCTL,
    RACOON,
    file_entry,
    parsed_configs,
)
from ansible_collections.ipsec.doctor.plugins.module_utils._parse.ipsec_secrets import (
    LIBRESWAN as LIBRESWAN_FLAVOUR,
    RACOON as RACOON_FLAVOUR,
    STRONGSWAN as STRONGSWAN_FLAVOUR,
    parse_secrets,
)

SHARED_TYPES = ('PSK', 'EAP', 'XAUTH', 'NTLM', 'PPK')
NO_KEY_MESSAGE = 'no psk_digest_key given: PSK digests are null, so PSKs cannot be compared between hosts'


def _ipsec_secrets_flavour(host):
    family = daemons.ipsec_conf_family(host)
    if family == daemons.LIBRESWAN:
        return LIBRESWAN_FLAVOUR
    if family == daemons.STRONGSWAN or daemons.STRONGSWAN in daemons.families(host):
        return STRONGSWAN_FLAVOUR
    return None


def _parse_all(host):
    """Return [{source, result}] for ipsec.secrets and racoon's psk.txt."""
    parsed = []
    path = host.paths['ipsec_secrets']
    flavour = _ipsec_secrets_flavour(host)
    if host.files.exists(path):
        if flavour is None:
            host.gap('secrets', 'ipsec.secrets exists but no daemon that reads it is installed; not parsed', path=path)
        elif not host.files.access(path):
            host.gap('secrets', 'Permission denied', path=path)
        else:
            result = parse_secrets(path, host.files, psk_key=host.psk_key, flavour=flavour,
                                   private_dir=os.path.join(host.paths['ipsec_d'], 'private'))
            parsed.append({'source': 'ipsec.secrets', 'result': result})
    for item in parsed_configs(host):
        psk_file = item['result'].get('psk_file') if item['format'] == RACOON else None
        if not psk_file:
            continue
        if not host.files.exists(psk_file):
            host.gap('secrets', 'racoon pre_shared_key file does not exist', path=psk_file)
            continue
        result = parse_secrets(psk_file, host.files, psk_key=host.psk_key, flavour=RACOON_FLAVOUR)
        parsed.append({'source': 'racoon', 'result': result})
    return parsed


def parsed_secrets(host):
    """Return the parsed secrets files (computed once per run)."""
    return host.cached('secrets', _parse_all)


def collect(host):
    """Return {entries, files, errors} (docs/facts.md `secrets`)."""
    entries = []
    files = []
    errors = []
    file_meta = {}

    def meta_of(path):
        if path not in file_meta:
            file_meta[path] = file_entry(host, path, 'secrets')
            files.append(file_meta[path])
        return file_meta[path]

    def add_entry(secret):
        entry = dict(secret)
        meta = meta_of(secret['file'])
        entry.update({'file_mode': meta['mode'], 'file_owner': meta['owner']})
        entries.append(entry)

    for item in parsed_configs(host):
        if item['format'] != SWANCTL:
            continue
        for secret in item['result'].get('secrets') or []:
            add_entry(secret)
    for item in parsed_secrets(host):
        result = item['result']
        for path in result.get('files') or []:
            meta_of(path)
        for secret in result.get('entries') or []:
            add_entry(secret)
        errors.extend(result.get('errors') or [])
    if not host.psk_key and any(entry.get('type') in SHARED_TYPES for entry in entries):
        host.gap('secrets', NO_KEY_MESSAGE)
    return {'entries': entries, 'files': files, 'errors': errors}
