# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The `logs` subset: the events in the tail of each IKE daemon log.

Sources: charon's filelog targets from strongswan.conf (and /var/log/charon.log), pluto's
logfile= (and /var/log/pluto.log), the system logs filtered to IKE daemon lines, and the
journal of the IKE units where journald runs. Only the last `log_lines` lines of each
are read (files from their end); the event parser keeps only lines that match a known
signature, so debug lines that might hold key material are never returned.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re

from ansible_collections.ipsec.doctor.plugins.module_utils._collect import daemons
from ansible_collections.ipsec.doctor.plugins.module_utils._collect.config import LIBRESWAN_IPSEC_CONF, parsed_configs
from ansible_collections.ipsec.doctor.plugins.module_utils._parse.logs import parse_log_lines

DEFAULT_FILES = ((daemons.STRONGSWAN, '/var/log/charon.log'), (daemons.LIBRESWAN, '/var/log/pluto.log'))
SYSTEM_LOGS = ('/var/log/syslog', '/var/log/auth.log', '/var/log/daemon.log', '/var/log/messages', '/var/log/secure')
JOURNAL_UNITS = {daemons.STRONGSWAN: ('strongswan.service', 'strongswan-starter.service'),
                 daemons.LIBRESWAN: ('ipsec.service',), daemons.RACOON: ('racoon.service',)}
IKE_PROGRAMS = re.compile(r'\s(?:charon|charon-systemd|charon-nm|pluto|racoon|ipsec_starter|ipsec)(?:\[\d+\])?:')
MAX_EVENTS = 1000


def _daemon_files(host):
    """Return [(family, host path)] of the daemons' own log files."""
    found = []
    families = daemons.families(host)
    settings = daemons.strongswan_settings(host) if daemons.STRONGSWAN in families else None
    for target in ((settings or {}).get('charon') or {}).get('filelog') or []:
        path = target.get('path') or ''
        if path.startswith('/'):
            found.append((daemons.STRONGSWAN, path))
    for item in parsed_configs(host) if daemons.LIBRESWAN in families else []:
        if item['format'] != LIBRESWAN_IPSEC_CONF:
            continue
        logfile = (item['result'].get('config_setup') or {}).get('logfile')
        if isinstance(logfile, dict):
            logfile = logfile.get('value')
        if logfile and str(logfile).startswith('/'):
            found.append((daemons.LIBRESWAN, str(logfile)))
    for family, path in DEFAULT_FILES:
        if family in families and (family, path) not in found:
            found.append((family, path))
    return [(family, path) for family, path in found if host.files.isfile(path)]


def _renumber(events, numbers):
    """Give events of filtered lines their line numbers in the file."""
    for event in events:
        path, _sep, offset = (event.get('src') or '').rpartition(':')
        if offset.isdigit() and 0 < int(offset) <= len(numbers):
            event['src'] = '%s:%d' % (path, numbers[int(offset) - 1])
    return events


def _read_file(host, family, path, max_lines, filtered):
    try:
        first, lines = host.files.tail_lines(path, max_lines)
    except (OSError, IOError) as exc:
        host.gap('logs', exc.strerror or str(exc), path=path)
        return None, []
    source = {'kind': 'file', 'path': path, 'daemon': family, 'lines_read': len(lines),
              'line_numbers': 'file' if first is not None else 'tail'}
    start = first if first is not None else 1
    if not filtered:
        return source, parse_log_lines(lines, daemon=family, src_path=path, first_line_number=start)
    kept = []
    numbers = []
    for offset, line in enumerate(lines):
        if IKE_PROGRAMS.search(line):
            kept.append(line)
            numbers.append(start + offset)
    source['lines_matched'] = len(kept)
    return source, _renumber(parse_log_lines(kept, daemon=None, src_path=path), numbers)


def journald_running(host):
    """True when journald runs (its socket directory exists)."""
    return host.files.exists('/run/systemd/journal/socket')


def _read_journal(host, max_lines, since):
    units = []
    for family in daemons.families(host):
        units.extend(JOURNAL_UNITS.get(family, ()))
    if not units:
        return None, []
    argv = ['journalctl', '--no-pager', '-o', 'short-iso', '-n', str(max_lines)]
    for unit in units:
        argv.extend(['-u', unit])
    if since:
        argv.extend(['--since', since])
    result = host.run_ok('logs', argv, label='journalctl', timeout=10)
    if result is None:
        return None, []
    lines = [line for line in result.stdout.splitlines() if not line.startswith('-- ')]
    source = {'kind': 'journal', 'path': None, 'units': units, 'daemon': None, 'lines_read': len(lines)}
    return source, parse_log_lines(lines, daemon=None, src_path='journal')


def collect(host):
    """Return {source, sources, window, events} (docs/facts.md `logs`)."""
    max_lines = int(host.options.get('log_lines', 2000) or 0)
    since = host.options.get('log_since')
    read = []
    if daemons.families(host):
        read.extend(_read_file(host, family, path, max_lines, filtered=False) for family, path in _daemon_files(host))
        read.extend(_read_file(host, None, path, max_lines, filtered=True)
                    for path in SYSTEM_LOGS if host.files.isfile(path))
        if journald_running(host):
            read.append(_read_journal(host, max_lines, since))
    sources = []
    events = []
    for source, found in read:
        if source is not None:
            sources.append(source)
            events.extend(found)
    if len(events) > MAX_EVENTS:
        events = events[-MAX_EVENTS:]
    return {
        'source': dict((key, sources[0][key]) for key in ('kind', 'path')) if sources else None,
        'sources': sources,
        'window': {'max_lines': max_lines, 'since': since},
        'events': events,
    }
