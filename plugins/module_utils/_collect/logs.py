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
Each event gets `epoch`: its time as epoch seconds, read here because only the host knows
its local time zone and year (null when the time has no recognised form).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import calendar
import datetime
import re
import time

from ansible_collections.ipsec.doctor.plugins.module_utils._collect import daemons
from ansible_collections.ipsec.doctor.plugins.module_utils._collect.config import LIBRESWAN_IPSEC_CONF, parsed_configs
from ansible_collections.ipsec.doctor.plugins.module_utils._parse.logs import parse_log_lines

DEFAULT_FILES = ((daemons.STRONGSWAN, '/var/log/charon.log'), (daemons.LIBRESWAN, '/var/log/pluto.log'))
SYSTEM_LOGS = ('/var/log/syslog', '/var/log/auth.log', '/var/log/daemon.log', '/var/log/messages', '/var/log/secure')
JOURNAL_UNITS = {daemons.STRONGSWAN: ('strongswan.service', 'strongswan-starter.service'),
                 daemons.LIBRESWAN: ('ipsec.service',), daemons.RACOON: ('racoon.service',)}
IKE_PROGRAMS = re.compile(r'\s(?:charon|charon-systemd|charon-nm|pluto|racoon|ipsec_starter|ipsec)(?:\[\d+\])?:')
MAX_EVENTS = 1000

_MONTHS = ('Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec')
_EPOCH = re.compile(r'^(\d{9,11}(?:\.\d+)?)$')
_ISO = re.compile(r'(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:[.,](\d+))?'
                  r'(?: ?(Z|UTC|GMT|[+-]\d\d:?\d\d))?')
_MONTH_DAY = re.compile(r'^(%s) +(\d{1,2}) (\d\d):(\d\d):(\d\d)(?:\.(\d+))?' % '|'.join(_MONTHS))
# A syslog time has no year: one more than a day ahead of the clock belongs to last year.
_CLOCK_SLACK = 86400


def _fraction(digits):
    return float('0.' + digits) if digits else 0.0


def _local_epoch(year, month, day, hour, minute, second):
    datetime.datetime(year, month, day, hour, minute, second)   # ValueError for a date that does not exist
    return time.mktime((year, month, day, hour, minute, second, 0, 0, -1))


def log_time_epoch(text, now):
    """Return the epoch seconds of a log time string, or None when its form is not known.

    Forms: epoch ("1733245601.123", journalctl short-unix), ISO 8601 with or without a
    zone (charon filelog, journalctl short-iso; no zone is local time), and the syslog
    "Dec  3 17:00:01" (local time; the year is now's, or the one before for a date ahead).
    """
    text = str(text or '').strip()
    match = _EPOCH.match(text)
    if match:
        return float(match.group(1))
    match = _MONTH_DAY.match(text)
    try:
        if match:
            month = _MONTHS.index(match.group(1)) + 1
            fields = [int(match.group(index)) for index in (2, 3, 4, 5)]
            year = time.localtime(now).tm_year
            stamp = _local_epoch(year, month, *fields)
            if stamp > now + _CLOCK_SLACK:
                stamp = _local_epoch(year - 1, month, *fields)
            return stamp + _fraction(match.group(6))
        match = _ISO.search(text)
        if match is None:
            return None
        fields = [int(match.group(index)) for index in range(1, 7)]
        zone = match.group(8)
        if zone is None:
            stamp = _local_epoch(*fields)
        else:
            stamp = calendar.timegm(datetime.datetime(*fields).timetuple())
            if zone[0] in '+-':
                digits = zone[1:].replace(':', '')
                offset = int(digits[:2]) * 3600 + int(digits[2:]) * 60
                stamp -= offset if zone[0] == '+' else -offset
        return stamp + _fraction(match.group(7))
    except (ValueError, OverflowError):
        return None


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
    now = time.time()
    for event in events:
        event['epoch'] = log_time_epoch(event.get('time'), now)
    return {
        'source': dict((key, sources[0][key]) for key in ('kind', 'path')) if sources else None,
        'sources': sources,
        'window': {'max_lines': max_lines, 'since': since},
        'events': events,
    }
