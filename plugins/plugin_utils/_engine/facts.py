# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Typed read access to one host's ``ansible_facts.ipsec`` (docs/facts.md).

Every subset is optional. Accessors return empty values for what is absent, and
``has(subset)`` tells a check whether a subset was gathered at all, so a check can tell
"nothing there" from "not looked at".
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine.broken import broken_connection_names
from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine.facts_shape import normalize_facts

FACTS_SCHEMA = 'ipsec.doctor/facts/v1'
MAX_SHAPE_PROBLEMS = 20

IKE_PROCESS_NAMES = ('charon', 'charon-systemd', 'charon-nm', 'starter', 'pluto', 'racoon', 'iked')


def _as_list(value):
    return value if isinstance(value, list) else []


def _as_dict(value):
    return value if isinstance(value, dict) else {}


class HostFacts(object):
    """One inventory host and its IPsec facts.

    ``status`` is ``ok`` (facts present), ``unreachable`` (Ansible could not connect) or
    ``failed`` (the facts module failed or returned nothing); ``problem`` holds the reason.
    ``shape_problems`` lists what did not have the documented type (facts_shape).
    """

    def __init__(self, name, facts=None, status='ok', problem=None):
        self.name = name
        self.raw, self.shape_problems = normalize_facts(facts)
        if status == 'ok' and not self.raw:
            status, problem = 'failed', problem or 'no ansible_facts.ipsec for this host'
        self.status = status
        self.problem = problem
        self._addresses = None
        self._connections = None
        self._broken = None

    # --- general ---------------------------------------------------------------------------
    @property
    def ok(self):
        """True when facts are available."""
        return self.status == 'ok'

    def has(self, subset):
        """True when subset was gathered (listed in ``gathered`` or present as a key)."""
        gathered = self.raw.get('gathered')
        if isinstance(gathered, list) and gathered:
            return subset in gathered and subset in self.raw
        return subset in self.raw

    @property
    def errors(self):
        """Fact gaps: list of {subset, path, message}."""
        return [item for item in _as_list(self.raw.get('errors')) if isinstance(item, dict)]

    # --- service ---------------------------------------------------------------------------
    @property
    def service(self):
        return _as_dict(self.raw.get('service'))

    @property
    def daemons(self):
        return [item for item in _as_list(self.service.get('daemons')) if isinstance(item, dict)]

    @property
    def daemon_family(self):
        """strongswan | libreswan | racoon | none, as report.json wants it."""
        primary = self.service.get('primary')
        if primary:
            return primary
        families = [conn.get('daemon') for conn in self.connections if conn.get('daemon')]
        return families[0] if families else 'none'

    @property
    def daemon_version(self):
        family = self.daemon_family
        for daemon in self.daemons:
            if daemon.get('family') == family and daemon.get('version'):
                return str(daemon.get('version'))
        return None

    @property
    def running_daemons(self):
        return [daemon for daemon in self.daemons if daemon.get('running')]

    @property
    def daemon_running(self):
        """True when an IKE daemon evidently runs.

        A process seen running is enough; so is an SA query the daemon answered (sas.source
        vici, swanctl or whack), or a UDP IKE socket held by a named IKE process: the process
        scan can miss a daemon in another PID namespace.
        """
        if self.running_daemons:
            return True
        if self.has('sas') and (self.sas.get('source') or 'none') != 'none':
            return True
        return any(str(entry.get('process') or '') in IKE_PROCESS_NAMES and entry.get('port') in (500, 4500)
                   for entry in self.ports)

    @property
    def config_loaded(self):
        return _as_dict(self.service.get('config_loaded'))

    # --- config ----------------------------------------------------------------------------
    @property
    def config(self):
        return _as_dict(self.raw.get('config'))

    @property
    def all_connections(self):
        """Every connection the parser returned, the broken ones included."""
        return [conn for conn in _as_list(self.config.get('connections')) if isinstance(conn, dict)]

    @property
    def connections(self):
        """The connections to check: all but those a syntax error breaks (broken_connections)."""
        if self._connections is None:
            broken = set(self.broken_connections)
            self._connections = [conn for conn in self.all_connections if conn.get('name') not in broken]
        return self._connections

    @property
    def broken_connections(self):
        """Names of the connections a configuration syntax error falls in, sorted."""
        if self._broken is None:
            names = broken_connection_names(self.all_connections, self.config_errors)
            self._broken = sorted(str(name) for name in names)
        return self._broken

    def connection(self, name):
        """Return the connection called name, or None."""
        for conn in self.connections:
            if conn.get('name') == name:
                return conn
        return None

    @property
    def config_errors(self):
        return [item for item in _as_list(self.config.get('errors')) if isinstance(item, dict)]

    # --- credentials -----------------------------------------------------------------------
    @property
    def secrets(self):
        return _as_dict(self.raw.get('secrets'))

    @property
    def secret_entries(self):
        return [item for item in _as_list(self.secrets.get('entries')) if isinstance(item, dict)]

    @property
    def secret_files(self):
        return [item for item in _as_list(self.secrets.get('files')) if isinstance(item, dict)]

    @property
    def certs(self):
        return [item for item in _as_list(self.raw.get('certs')) if isinstance(item, dict)]

    @property
    def keys(self):
        return [item for item in _as_list(self.raw.get('keys')) if isinstance(item, dict)]

    # --- network ---------------------------------------------------------------------------
    @property
    def ports(self):
        return [item for item in _as_list(self.raw.get('ports')) if isinstance(item, dict)]

    @property
    def firewall(self):
        return _as_dict(self.raw.get('firewall'))

    @property
    def kernel(self):
        return _as_dict(self.raw.get('kernel'))

    @property
    def sysctl_runtime(self):
        return _as_dict(_as_dict(self.raw.get('sysctl')).get('runtime'))

    def sysctl(self, name):
        """Return the runtime value of a sysctl as text, or None when unknown."""
        value = self.sysctl_runtime.get(name)
        return None if value is None else str(value).strip()

    def sysctl_boot_src(self, name):
        """Return the file:line where a sysctl is set for boot, or None."""
        entry = _as_dict(_as_dict(self.raw.get('sysctl')).get('boot')).get(name)
        return _as_dict(entry).get('src')

    @property
    def routes(self):
        return _as_dict(self.raw.get('routes'))

    @property
    def address_entries(self):
        return [item for item in _as_list(self.routes.get('addresses')) if isinstance(item, dict)]

    @property
    def addresses(self):
        """The host's own IP addresses (text), from routes.addresses and specific local_addrs."""
        if self._addresses is None:
            found = []
            for entry in self.address_entries:
                address = entry.get('address')
                if address and address not in found:
                    found.append(str(address))
            for conn in self.connections:
                for address in _as_list(conn.get('local_addrs')):
                    text = str(address)
                    if text and not text.startswith('%') and text not in found and _looks_like_ip(text):
                        found.append(text)
            self._addresses = found
        return self._addresses

    def interface_of(self, address):
        """Return the interface name that holds address, or None."""
        for entry in self.address_entries:
            if entry.get('address') == address:
                return entry.get('ifname')
        return None

    # --- runtime ---------------------------------------------------------------------------
    @property
    def sas(self):
        return _as_dict(self.raw.get('sas'))

    @property
    def ike_sas(self):
        return [item for item in _as_list(self.sas.get('ike_sas')) if isinstance(item, dict)]

    @property
    def log_events(self):
        return [item for item in _as_list(_as_dict(self.raw.get('logs')).get('events')) if isinstance(item, dict)]


def _looks_like_ip(text):
    return text[:1].isdigit() or ':' in text
