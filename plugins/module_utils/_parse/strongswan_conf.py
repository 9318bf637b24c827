# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""strongswan.conf: the plugins charon loads and the daemon settings a diagnosis needs.

Settings of the IKE daemon live under ``charon``; charon-systemd reads its own
``charon-systemd`` section and falls back to ``charon``, so both are merged with
the daemon's own section winning. Plugin switches usually come from
/etc/strongswan.d/charon/*.conf through the ``include`` lines of strongswan.conf.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.ipsec.doctor.plugins.module_utils._model import parse_bool, parse_duration, split_origin
from ansible_collections.ipsec.doctor.plugins.module_utils._parse.errors import add_error
from ansible_collections.ipsec.doctor.plugins.module_utils._parse.settings import (
    get_entry,
    get_section,
    iter_keys,
    iter_sections,
    parse_settings,
)
from ansible_collections.ipsec.doctor.plugins.module_utils._parse.source import FileSystemReader

DEFAULT_PATH = '/etc/strongswan.conf'

# Selected charon settings: name -> (kind, default as in charon.opt of 5.9).
CHARON_SETTINGS = {
    'port': ('int', 500),
    'port_nat_t': ('int', 4500),
    'retransmit_tries': ('int', 5),
    'retransmit_timeout': ('float', 4.0),
    'retransmit_base': ('float', 1.8),
    'retransmit_jitter': ('int', 0),
    'retransmit_limit': ('int', 0),
    'keep_alive': ('duration', 20),
    'make_before_break': ('bool', False),
    'prefer_configured_proposals': ('bool', True),
    'install_routes': ('bool', True),
    'install_virtual_ip': ('bool', True),
    'routing_table': ('int', 220),
    'initiator_only': ('bool', False),
    'load_modular': ('bool', False),
    'fragment_size': ('int', 1280),
    'half_open_timeout': ('duration', 30),
}


def _convert(kind, text):
    if kind == 'int':
        try:
            return int(text, 0)
        except (TypeError, ValueError):
            return None
    if kind == 'float':
        try:
            return float(text)
        except (TypeError, ValueError):
            return None
    if kind == 'duration':
        return parse_duration(text)
    return parse_bool(text)


def _daemon_sections(tree, daemon):
    """Return the sections to read, most specific last: charon, then e.g. charon-systemd."""
    sections = []
    for name in ('charon', daemon):
        section = get_section(tree, name) if name else None
        if section is not None and section not in sections:
            sections.append(section)
    return sections


def _subsections(section, name):
    """Return (name, node) of the subsections of section.<name>; none when it is not a section."""
    container = get_section(section, name)
    return list(iter_sections(container)) if container is not None else []


def _plugins(sections):
    plugins = {}
    for section in sections:
        for name, node in _subsections(section, 'plugins'):
            entry = plugins.setdefault(name, {'load': None, 'src': node['__src__']})
            load = get_entry(node, 'load')
            if load is not None:
                entry['load'] = load['value']
                entry['src'] = load['src']
    return plugins


def _filelogs(section):
    logs = []
    for name, node in _subsections(section, 'filelog'):
        path = get_entry(node, 'path')
        target = path['value'] if path is not None else name
        levels = dict((key, entry['value']) for key, entry in iter_keys(node) if key != 'path')
        logs.append({'name': name, 'path': target, 'levels': levels, 'src': node['__src__']})
    return logs


def _syslog(section):
    facilities = []
    for name, node in _subsections(section, 'syslog'):
        levels = dict((key, entry['value']) for key, entry in iter_keys(node))
        facilities.append({'facility': name, 'levels': levels, 'src': node['__src__']})
    return facilities


def parse_strongswan_conf(path=DEFAULT_PATH, reader=None, daemon='charon'):
    """Parse strongswan.conf with its includes.

    Returns {'load': explicit plugin load list or None, 'plugins': {name: {'load', 'src'}},
    'charon': selected settings (defaults filled in; 'src' says which were written),
    'errors', 'files'}. daemon: the settings section of the running daemon
    ('charon' or 'charon-systemd').
    """
    parsed = parse_settings(path, reader or FileSystemReader())
    tree = parsed['tree']
    sections = _daemon_sections(tree, daemon)
    errors = parsed['errors']
    charon = {'src': {}, 'filelog': [], 'syslog': []}
    for name, (kind, default) in CHARON_SETTINGS.items():
        charon[name] = default
    load = None
    load_src = None
    for section in sections:
        for name, entry in iter_keys(section):
            if name == 'load':
                load = [word for word in entry['value'].split() if word]
                load_src = entry['src']
                continue
            if name not in CHARON_SETTINGS:
                continue
            value = _convert(CHARON_SETTINGS[name][0], entry['value'])
            if value is None:
                file, line = split_origin(entry['src'])
                add_error(errors, file, line, "invalid value for charon.%s: '%s'" % (name, entry['value']), 'warning')
                continue
            charon[name] = value
            charon['src'][name] = entry['src']
        filelogs = _filelogs(section)
        if filelogs:
            charon['filelog'] = filelogs
        syslog = _syslog(section)
        if syslog:
            charon['syslog'] = syslog
    if load is not None:
        charon['src']['load'] = load_src
    return {
        'load': load,
        'plugins': _plugins(sections),
        'charon': charon,
        'errors': errors,
        'files': parsed['files'],
    }


def _plugin_name(word):
    """A load list entry may carry a '!' (critical plugin); the name is without it."""
    return word.rstrip('!')


def _load_setting(entry):
    """Return True/False for a plugin's ``load`` value (a bool or a priority), None when unset."""
    if entry is None or entry.get('load') is None:
        return None
    value = entry['load'].strip()
    try:
        return int(value, 10) != 0
    except ValueError:
        return parse_bool(value) is True


def loaded_plugins(parsed, installed_plugins):
    """Return the plugin names charon loads, following strongSwan's plugin loader.

    With ``charon.load_modular = yes`` the set is the plugins whose ``load`` setting is
    yes or a priority (the ``load`` list only orders them). Otherwise it is the
    ``load`` list, or without one every installed plugin, minus those whose ``load``
    setting is no. When installed_plugins is given (non-empty), plugins that are not
    installed are dropped: charon cannot load them.
    """
    settings = parsed.get('plugins') or {}
    installed = list(installed_plugins or [])
    if (parsed.get('charon') or {}).get('load_modular'):
        names = sorted(name for name, entry in settings.items() if _load_setting(entry))
    else:
        if parsed.get('load') is not None:
            base = [_plugin_name(word) for word in parsed['load']]
        else:
            base = installed
        names = []
        for name in base:
            if name and name not in names and _load_setting(settings.get(name)) is not False:
                names.append(name)
    if installed:
        names = [name for name in names if name in installed]
    return names
