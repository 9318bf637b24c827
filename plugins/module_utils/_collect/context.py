# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What every collector of one run shares: files, commands, options, gaps, and computed-once values."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os

from ansible_collections.ipsec.doctor.plugins.module_utils._collect.commands import CommandError, CommandRunner
from ansible_collections.ipsec.doctor.plugins.module_utils._collect.files import HostFiles
from ansible_collections.ipsec.doctor.plugins.module_utils._collect.processes import scan_processes

# The daemons' default paths; a `config_paths` option entry replaces one.
DEFAULT_PATHS = {
    'strongswan_conf': '/etc/strongswan.conf',
    'swanctl_dir': '/etc/swanctl',
    'ipsec_conf': '/etc/ipsec.conf',
    'ipsec_secrets': '/etc/ipsec.secrets',
    'ipsec_d': '/etc/ipsec.d',
    'racoon_conf': '/etc/racoon/racoon.conf',
    'nss_dir': '/var/lib/ipsec/nss',
    'strongswan_plugin_dir': '/usr/lib/ipsec/plugins',
}

# Fedora/RHEL keep strongSwan below /etc/strongswan; used when the Debian paths do not exist.
ALTERNATIVE_PATHS = {
    'strongswan_conf': ('/etc/strongswan/strongswan.conf',),
    'swanctl_dir': ('/etc/strongswan/swanctl',),
    'strongswan_plugin_dir': ('/usr/lib64/strongswan/plugins', '/usr/lib/strongswan/plugins',
                              '/usr/lib/x86_64-linux-gnu/ipsec/plugins'),
}


class HostContext:
    """One collection run on one host.

    root: where the host's file system is (a fake tree in tests); runner: runs host tools;
    options: the module parameters (psk_digest_key, log_lines, log_since, config_paths).
    """

    def __init__(self, root='/', runner=None, options=None):
        self.files = HostFiles(root)
        self.runner = runner or CommandRunner()
        self.options = dict(options or {})
        self.errors = []
        self._cache = {}
        self.paths = self._resolve_paths(self.options.get('config_paths') or {})

    def _resolve_paths(self, overrides):
        paths = {}
        for name, default in DEFAULT_PATHS.items():
            if overrides.get(name):
                paths[name] = overrides[name]
                continue
            paths[name] = default
            if not self.files.exists(default):
                for candidate in ALTERNATIVE_PATHS.get(name, ()):
                    if self.files.exists(candidate):
                        paths[name] = candidate
                        break
        return paths

    @property
    def psk_key(self):
        """The per-run HMAC key for PSK digests, or None."""
        return self.options.get('psk_digest_key') or None

    @property
    def is_root(self):
        """True when the collection runs with root privileges."""
        return os.geteuid() == 0

    def gap(self, subset, message, path=None):
        """Record something that could not be gathered; message never holds a secret."""
        entry = {'subset': subset, 'message': message}
        if path is not None:
            entry['path'] = path
        if entry not in self.errors:
            self.errors.append(entry)

    def list_files(self, subset, directory):
        """Return the host paths of the regular files in directory, in name order.

        A directory that does not exist holds none; one that exists but cannot be listed is a gap.
        """
        try:
            names = self.files.listdir(directory)
        except OSError as exc:
            if self.files.exists(directory):
                self.gap(subset, exc.strerror or str(exc), path=directory)
            return []
        return [path for path in (os.path.join(directory, name) for name in names) if self.files.isfile(path)]

    def cached(self, name, compute):
        """Return compute(self), computed once per run; an exception is not cached."""
        if name not in self._cache:
            self._cache[name] = compute(self)
        return self._cache[name]

    def processes(self):
        """The live processes of the host (computed once)."""
        return self.cached('processes', lambda host: scan_processes(host.files))

    def run(self, subset, argv, **kwargs):
        """Run a host tool; on a missing tool or a failure record a gap and return None."""
        try:
            return self.runner.run(argv, **kwargs)
        except CommandError as exc:
            self.gap(subset, str(exc))
            return None

    def run_ok(self, subset, argv, label=None, path=None, **kwargs):
        """Run a host tool; return its result when it succeeded, else None.

        A missing tool is a gap (see run); so is a failure, as '<label>: <its first error
        line>', where label defaults to the command line.
        """
        result = self.run(subset, argv, **kwargs)
        if result is None:
            return None
        if not result.ok:
            self.gap(subset, '%s: %s' % (label or ' '.join(argv), result.first_error_line()), path=path)
            return None
        return result
