# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What every check can read: the hosts, the tunnels, the options and shared lookups."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import datetime
import os

from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine.certificates import CA_ROLES, CertificateCache
from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine.identities import auth_round, configured_id

DEFAULT_OPTIONS = {
    'now': None,                    # datetime (aware) the certificates are judged at; None: current time
    'cert_expiry_warning_days': 30,
    'peers': {},                    # pairing overrides: {host: {connection: {host, connection}}}
}

PUBKEY_AUTH = ('pubkey', 'rsa', 'ecdsa', 'rsasig', 'ecdsasig', 'cert', 'certificate')
PSK_AUTH = ('psk', 'secret', 'preshared')


def auth_class(value):
    """Return psk | pubkey | eap | xauth | None for an auth value as the parsers write it."""
    if value is None:
        return None
    text = str(value).strip().lower()
    if text in PSK_AUTH:
        return 'psk'
    if text in PUBKEY_AUTH or text.startswith('pubkey'):
        return 'pubkey'
    if text.startswith('eap'):
        return 'eap'
    if text.startswith('xauth'):
        return 'xauth'
    return text or None


def where(conn, key=None, child=None):
    """Return the file:line where key of conn (or child) was written; 'default' for a key with no origin
    (the daemon's default, docs/facts.md); where the section starts when no key is asked for."""
    target = child if child is not None else conn
    if key:
        return (target.get('src') or {}).get(key) or 'default'
    if target.get('file'):
        return '%s:%s' % (target.get('file'), target.get('line') or '?')
    return 'default'


def config_evidence(host_name, conn, key, value, child=None, label=None):
    """Return one evidence line for a configuration value and where it was written."""
    name = conn.get('name')
    if child is not None:
        name = '%s/%s' % (name, child.get('name'))
    return '%s %s: %s = %s (%s)' % (host_name, name, label or key, value, where(conn, key, child))


class Context(object):
    """Shared state of one analysis run."""

    def __init__(self, hosts, tunnels, options=None):
        self.hosts = hosts
        self.tunnels = tunnels
        self.options = dict(DEFAULT_OPTIONS)
        self.options.update(options or {})
        now = self.options.get('now')
        if now is None:
            now = datetime.datetime.now(datetime.timezone.utc)
        elif now.tzinfo is None:
            now = now.replace(tzinfo=datetime.timezone.utc)
        self.now = now
        self._certs = None
        self.cache = {}     # lookups a check builds once per run
        self.tunnels_of_host = {}
        for tunnel in tunnels:
            for name in tunnel.host_names:
                self.tunnels_of_host.setdefault(name, []).append(tunnel)

    @property
    def certs(self):
        """The shared CertificateCache (created on first use: needs cryptography)."""
        if self._certs is None:
            self._certs = CertificateCache()
        return self._certs

    def parsed_certs(self, host, roles=None):
        """Return [(cert fact, Certificate)] of host, optionally only those with a role in roles."""
        found = []
        for fact in host.certs:
            if roles is not None and fact.get('role') not in roles:
                continue
            parsed = self.certs.parse(fact.get('pem'))
            if parsed is not None:
                found.append((fact, parsed))
        return found

    def trust_anchors(self, host):
        """The CA certificates host trusts."""
        anchors = []
        for fact, parsed in self.parsed_certs(host, CA_ROLES):
            trust = str(fact.get('trust') or '')
            if fact.get('nickname') is not None and trust and 'C' not in trust.upper().split(',', maxsplit=1)[0]:
                continue  # NSS entry without the "trusted CA" flag for SSL/IPsec
            anchors.append(parsed)
        return anchors

    def end_certificate(self, host, conn):
        """Return (cert fact, Certificate or None, wanted name) of the certificate conn authenticates with.

        The certificate is the one named in local_auth certs (path, file name or NSS nickname),
        else the end certificate that covers the local identity, else the only end certificate.
        """
        wanted = [str(name) for name in auth_round(conn, 'local').get('certs') or []]
        for name in wanted:
            for fact in host.certs:
                path = str(fact.get('path') or '')
                if name in (path, fact.get('nickname')) or os.path.basename(path) == os.path.basename(name):
                    return fact, self.certs.parse(fact.get('pem')), name
        if wanted:
            return None, None, wanted[0]
        ends = self.parsed_certs(host, ('end',))
        local_id = configured_id(conn, 'local')
        if local_id:
            for fact, parsed in ends:
                if parsed.covers(local_id):
                    return fact, parsed, fact.get('path')
        if len(ends) == 1:
            return ends[0][0], ends[0][1], ends[0][0].get('path')
        return None, None, local_id or None
