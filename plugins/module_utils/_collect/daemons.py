# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Which IKE daemons a host has, which run, their versions, and strongSwan's plugin set.

Several subsets need these answers (config picks parsers by them, kernel asks for
kernel-libipsec, logs for log targets), so each is computed once per run through
`HostContext.cached`. Daemon binaries are never executed: `charon-systemd --version`
starts the daemon instead of printing a version.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import re

from ansible_collections.ipsec.doctor.plugins.module_utils._parse.strongswan_conf import (
    loaded_plugins,
    parse_strongswan_conf,
)

STRONGSWAN = 'strongswan'
LIBRESWAN = 'libreswan'
RACOON = 'racoon'

# name -> (family, candidate binaries), in the order a report lists them.
DAEMON_BINARIES = (
    ('charon-systemd', STRONGSWAN, ('/usr/sbin/charon-systemd', '/usr/libexec/strongswan/charon-systemd')),
    ('charon', STRONGSWAN, ('/usr/lib/ipsec/charon', '/usr/libexec/strongswan/charon', '/usr/libexec/ipsec/charon',
                            '/usr/lib/strongswan/charon')),
    ('starter', STRONGSWAN, ('/usr/lib/ipsec/starter', '/usr/libexec/strongswan/starter', '/usr/libexec/ipsec/starter',
                             '/usr/lib/strongswan/starter')),
    ('pluto', LIBRESWAN, ('/usr/libexec/ipsec/pluto', '/usr/lib/ipsec/pluto', '/usr/local/libexec/ipsec/pluto')),
    ('racoon', RACOON, ('/usr/sbin/racoon', '/sbin/racoon')),
)

_STRONGSWAN_VERSION = re.compile(r'strongSwan\s+U?(\d+\.\d+(?:\.\d+)*\w*)')
_LIBRESWAN_VERSION = re.compile(r'Libreswan\s+v?(\d+\.\d+(?:\.\d+)*\w*)', re.IGNORECASE)
_RACOON_VERSION = re.compile(r'(?:ipsec-tools|racoon)\s+(\d+\.\d+(?:\.\d+)*\w*)', re.IGNORECASE)

PLUGIN_PREFIX = 'libstrongswan-'


def _process_matches(process, name):
    if process['comm'] == name:
        return True
    if process['cmdline']:
        return os.path.basename(process['cmdline'][0]) == name
    return False


def _installed(host):
    daemons = []
    for name, family, candidates in DAEMON_BINARIES:
        binary = None
        for candidate in candidates:
            if host.files.isfile(candidate):
                binary = candidate
                break
        pids = [p['pid'] for p in host.processes() if _process_matches(p, name)]
        if binary is None and not pids:
            continue
        starts = [p['start_time'] for p in host.processes() if p['pid'] in pids and p['start_time'] is not None]
        daemons.append({'name': name, 'family': family, 'installed': binary is not None, 'binary': binary,
                        'running': bool(pids), 'pids': pids, 'start_time': min(starts) if starts else None})
    return daemons


def installed_daemons(host):
    """Return [{name, family, installed, binary, running, pids, start_time}] for each daemon found.

    A daemon that runs from an unusual path counts too (installed false, running true).
    """
    return host.cached('daemons', _installed)


def families(host):
    """Return the daemon families present on the host, in DAEMON_BINARIES order."""
    found = []
    for daemon in installed_daemons(host):
        if daemon['family'] not in found:
            found.append(daemon['family'])
    return found


def has_daemon(host, name):
    """True when the daemon called name is installed or running."""
    return any(daemon['name'] == name for daemon in installed_daemons(host))


def is_running(host, name):
    """True when the daemon called name runs."""
    return any(daemon['name'] == name and daemon['running'] for daemon in installed_daemons(host))


def ipsec_conf_family(host):
    """Return which daemon reads /etc/ipsec.conf: strongswan (starter), libreswan (pluto), or None.

    Both may be installed (the file is the same name): a running daemon decides, then the
    owner of the `ipsec` command, then the only one installed.
    """
    starter = has_daemon(host, 'starter')
    pluto = has_daemon(host, 'pluto')
    if not (starter and pluto):
        return STRONGSWAN if starter else (LIBRESWAN if pluto else None)
    legacy_running = is_running(host, 'starter') or is_running(host, 'charon')
    if is_running(host, 'pluto') and not legacy_running:
        return LIBRESWAN
    if legacy_running and not is_running(host, 'pluto'):
        return STRONGSWAN
    return ipsec_command_family(host) or LIBRESWAN


def primary_family(host):
    """The family whose daemon runs (else the first installed), or 'none'."""
    daemons = installed_daemons(host)
    for daemon in daemons:
        if daemon['running']:
            return daemon['family']
    return daemons[0]['family'] if daemons else 'none'


def _ipsec_version_text(host):
    """Return what `ipsec --version` prints (strongSwan's and Libreswan's `ipsec` both answer), or ''."""
    def compute(host):
        if not host.runner.which('ipsec'):
            return ''
        result = host.run('service', ['ipsec', '--version'])
        return result.stdout if result is not None else ''
    return host.cached('ipsec_version_text', compute)


def ipsec_command_family(host):
    """Return the family whose `ipsec` command is installed (strongswan, libreswan), or None."""
    text = _ipsec_version_text(host)
    if _LIBRESWAN_VERSION.search(text):
        return LIBRESWAN
    if _STRONGSWAN_VERSION.search(text):
        return STRONGSWAN
    return None


def _versions(host):
    versions = {}
    found = families(host)
    if STRONGSWAN in found or LIBRESWAN in found:
        text = _ipsec_version_text(host)
        match = _STRONGSWAN_VERSION.search(text)
        if match:
            versions[STRONGSWAN] = match.group(1)
        match = _LIBRESWAN_VERSION.search(text)
        if match:
            versions[LIBRESWAN] = match.group(1)
    if STRONGSWAN in found and STRONGSWAN not in versions and host.runner.which('swanctl'):
        # swanctl prints its own version even when it cannot reach the daemon.
        result = host.run('service', ['swanctl', '--version'])
        match = _STRONGSWAN_VERSION.search(result.stdout if result is not None else '')
        if match:
            versions[STRONGSWAN] = match.group(1)
    if RACOON in found and host.runner.which('racoon'):
        result = host.run('service', ['racoon', '-V'])
        if result is not None:
            match = _RACOON_VERSION.search(result.stdout + '\n' + result.stderr)
            if match:
                versions[RACOON] = match.group(1)
    return versions


def daemon_versions(host):
    """Return {family: version text} for the installed families whose version could be read."""
    return host.cached('versions', _versions)


def _strongswan_daemon_section(host):
    return 'charon-systemd' if has_daemon(host, 'charon-systemd') else 'charon'


def strongswan_settings(host):
    """Return the parsed strongswan.conf (see parse_strongswan_conf), or None when there is none."""
    def compute(host):
        path = host.paths['strongswan_conf']
        if not host.files.exists(path):
            return None
        return parse_strongswan_conf(path, host.files, daemon=_strongswan_daemon_section(host))
    return host.cached('strongswan_settings', compute)


def installed_plugins(host):
    """Return the names of the strongSwan plugins installed as shared objects."""
    def compute(host):
        directory = host.paths['strongswan_plugin_dir']
        try:
            names = host.files.listdir(directory)
        except OSError:
            return []
        plugins = []
        for name in names:
            if name.startswith(PLUGIN_PREFIX) and name.endswith('.so'):
                plugins.append(name[len(PLUGIN_PREFIX):-3])
        return plugins
    return host.cached('strongswan_installed_plugins', compute)


def strongswan_plugins(host):
    """Return the plugin names charon loads per strongswan.conf, or None without strongswan.conf."""
    settings = strongswan_settings(host)
    if settings is None:
        return None
    return loaded_plugins(settings, installed_plugins(host))


def parser_context(host, family):
    """Return the context dict the parsers take: daemon version and (strongSwan) loaded plugins."""
    context = {'version': daemon_versions(host).get(family)}
    if family == STRONGSWAN:
        context['plugins'] = strongswan_plugins(host)
    return context
