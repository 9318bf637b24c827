# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The `config` subset: which configuration formats the host has, parsed into the connection model.

A format is read when the daemon that reads it is installed: swanctl.conf for strongSwan
(charon/charon-systemd), /etc/ipsec.conf for strongSwan's starter or for Libreswan's pluto
(one of them, see `daemons.ipsec_conf_family`), racoon.conf when it exists. Secrets, keys, certs and service reuse the parse results.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os

from ansible_collections.ipsec.doctor.plugins.module_utils._collect import daemons
from ansible_collections.ipsec.doctor.plugins.module_utils._collect.routes import local_addresses
from ansible_collections.ipsec.doctor.plugins.module_utils._parse.libreswan_conf import parse_libreswan_conf
from ansible_collections.ipsec.doctor.plugins.module_utils._parse.racoon import parse_racoon_conf
from ansible_collections.ipsec.doctor.plugins.module_utils._parse.strongswan_ipsec_conf import parse_ipsec_conf
from ansible_collections.ipsec.doctor.plugins.module_utils._parse.swanctl import parse_swanctl

SWANCTL = 'swanctl'
STRONGSWAN_IPSEC_CONF = 'strongswan-ipsec.conf'
LIBRESWAN_IPSEC_CONF = 'libreswan-ipsec.conf'
RACOON = 'racoon'


def swanctl_conf_path(host):
    """The host path of swanctl.conf."""
    return os.path.join(host.paths['swanctl_dir'], 'swanctl.conf')


def _parse_all(host):
    """Return [{format, family, path, result}] for each configuration present."""
    found = daemons.families(host)
    parsed = []
    swanctl_conf = swanctl_conf_path(host)
    if daemons.STRONGSWAN in found and host.files.isdir(host.paths['swanctl_dir']):
        if host.files.exists(swanctl_conf):
            result = parse_swanctl(swanctl_conf, host.files, psk_key=host.psk_key,
                                   context=daemons.parser_context(host, daemons.STRONGSWAN))
            parsed.append({'format': SWANCTL, 'family': daemons.STRONGSWAN, 'path': swanctl_conf, 'result': result})
        else:
            host.gap('config', 'swanctl directory without swanctl.conf', path=swanctl_conf)
    ipsec_conf = host.paths['ipsec_conf']
    if host.files.exists(ipsec_conf):
        reader = daemons.ipsec_conf_family(host)
        if reader == daemons.STRONGSWAN:
            context = daemons.parser_context(host, daemons.STRONGSWAN)
            context['local_addresses'] = local_addresses(host)
            result = parse_ipsec_conf(ipsec_conf, host.files, context=context)
            parsed.append({'format': STRONGSWAN_IPSEC_CONF, 'family': daemons.STRONGSWAN, 'path': ipsec_conf,
                           'result': result})
        elif reader == daemons.LIBRESWAN:
            result = parse_libreswan_conf(ipsec_conf, host.files,
                                          context=daemons.parser_context(host, daemons.LIBRESWAN),
                                          local_addresses=local_addresses(host))
            parsed.append({'format': LIBRESWAN_IPSEC_CONF, 'family': daemons.LIBRESWAN, 'path': ipsec_conf,
                           'result': result})
        else:
            host.gap('config', 'ipsec.conf exists but neither strongSwan starter nor Libreswan pluto is installed; '
                     'not parsed', path=ipsec_conf)
    racoon_conf = host.paths['racoon_conf']
    if host.files.exists(racoon_conf):
        result = parse_racoon_conf(racoon_conf, host.files)
        parsed.append({'format': RACOON, 'family': daemons.RACOON, 'path': racoon_conf, 'result': result})
    return parsed


def parsed_configs(host):
    """Return the parsed configurations of the host (computed once per run)."""
    return host.cached('configs', _parse_all)


def file_entry(host, path, subset, **extra):
    """Return {path, mode, owner, group, ...extra} of a file; an unreadable stat becomes a gap."""
    try:
        meta = host.files.meta(path)
    except OSError as exc:
        host.gap(subset, exc.strerror or str(exc), path=path)
        meta = {'path': path, 'mode': None, 'owner': None, 'group': None}
    meta.pop('mtime', None)
    meta.update(extra)
    return meta


def config_mtime(host):
    """Return the newest modification time of the parsed configuration files, or None."""
    newest = None
    for item in parsed_configs(host):
        for path in item['result'].get('files') or []:
            try:
                mtime = host.files.stat(path).st_mtime
            except OSError:
                continue
            newest = mtime if newest is None else max(newest, mtime)
    return newest


def collect(host):
    """Return {files, errors, connections} (docs/facts.md `config`)."""
    files = []
    errors = []
    connections = []
    seen = set()
    for item in parsed_configs(host):
        result = item['result']
        for path in result.get('files') or []:
            if (path, item['format']) not in seen:
                seen.add((path, item['format']))
                files.append(file_entry(host, path, 'config', format=item['format']))
        errors.extend(result.get('errors') or [])
        connections.extend(result.get('connections') or [])
    settings = daemons.strongswan_settings(host) if daemons.STRONGSWAN in daemons.families(host) else None
    if settings is not None:
        for path in settings.get('files') or []:
            files.append(file_entry(host, path, 'config', format='strongswan.conf'))
        errors.extend(settings.get('errors') or [])
    return {'files': files, 'errors': errors, 'connections': connections}
