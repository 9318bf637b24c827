# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Daemon log lines to events: the evidence of why a tunnel failed, as `logs.events` in docs/facts.md.

Understood line formats (see `detect_log_format`):
  syslog          "Dec  3 17:00:01 host charon[12]: ..." or with an RFC 3339 time; also what
                  `journalctl` prints in its short, short-iso, short-precise, short-full and
                  short-unix modes
  journal-json    one `journalctl -o json` object per line (charon-systemd adds IKE_SA_NAME)
  charon          a charon filelog line, "[time ]NN[GRP] [<conn|N>] message"
  pluto           a pluto logfile line, "[Dec 03 17:00:01.123456: ]"conn" #N: message"
  plain           anything else; the whole line is the message

Only lines that match a signature of `log_signatures` become events, so a line that
might hold key material (charon and pluto can dump secrets at high debug levels) is
never returned. The parser is bounded by its input: the caller decides how many lines.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import datetime
import errno as errno_module
import json
import re

from ansible_collections.ipsec.doctor.plugins.module_utils._parse import log_signatures as sigs

# Longer lines are cut before matching: no signature needs more, and it bounds regex work.
MAX_LINE_CHARS = 4096

_MONTH_TIME = r'[A-Z][a-z]{2} [ \d]?\d \d\d:\d\d:\d\d(?:\.\d+)?'
_ISO_TIME = r'\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?'
_JOURNAL_FULL_TIME = r'[A-Z][a-z]{2} \d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)? [A-Z]{2,5}'  # short-full
_EPOCH_TIME = r'\d{9,11}\.\d+'  # journalctl -o short-unix

_SYSLOG = re.compile(
    r'^(?P<time>%s|%s|%s|%s) (?P<host>\S+) (?P<program>[^\s:\[]+)(?:\[(?P<pid>\d+)\])?: ?(?P<message>.*)$'
    % (_MONTH_TIME, _ISO_TIME, _JOURNAL_FULL_TIME, _EPOCH_TIME))
_CHARON_THREAD = re.compile(r'^(?P<time>[^"\[<]{0,48}?) ?(?P<thread>\d{2,})\[(?P<group>[A-Z]{2,4})\d?\] (?P<message>.*)$')
_PLUTO_TIME = re.compile(r'^(?P<time>%s|%s): (?P<message>.*)$' % (_MONTH_TIME, _ISO_TIME))
_PLUTO_PREFIX = re.compile(
    r'^(?:\d{3} )?(?:(?:ERROR|WARNING|FATAL ERROR|EXPECTATION FAILED): )?'
    r'"(?P<conn>[^"]+)"(?:\[\d+\])?(?: (?P<peer>[^\s#"]+))?(?: #(?P<serial>\d+))?: (?P<rest>.*)$')
_PLUTO_SERIAL_ONLY = re.compile(r'^(?:\d{3} )?#(?P<serial>\d+): (?P<rest>.*)$')
_SWAN_IKE_PREFIX = re.compile(r'^<(?:(?P<conn>[^|>]*)\|)?(?P<uid>\d+)> (?P<rest>.*)$')
_SWAN_MESSAGE_ID = re.compile(r'\b(?:parsed|generating) \S+ (?:request|response) (?P<mid>\d+) \[')

_PROGRAM_FAMILY = (
    (re.compile(r'^(?:charon|charon-systemd|charon-nm|ipsec_starter|starter|swanctl|strongswan)$'), sigs.STRONGSWAN),
    (re.compile(r'^(?:pluto|ipsec|addconn|libreswan|whack)$'), sigs.LIBRESWAN),
    (re.compile(r'^racoon$'), sigs.RACOON),
)
DAEMON_FAMILIES = (sigs.STRONGSWAN, sigs.LIBRESWAN, sigs.RACOON)


def detect_log_format(line):
    """Return the format of one log line: syslog, journal-json, charon, pluto or plain."""
    text = _to_text(line).strip()
    if text.startswith('{') and _journal_record(text) is not None:
        return 'journal-json'
    if _SYSLOG.match(text):
        return 'syslog'
    if _CHARON_THREAD.match(text):
        return 'charon'
    match = _PLUTO_TIME.match(text)
    body = match.group('message') if match else text
    if _PLUTO_PREFIX.match(body) or _PLUTO_SERIAL_ONLY.match(body):
        return 'pluto'
    return 'plain'


def _to_text(line):
    """Return a line as text (bytes are decoded, None is empty)."""
    if isinstance(line, bytes):
        return line.decode('utf-8', errors='replace')
    if line is None:
        return ''
    return str(line)


def _journal_record(text):
    """Return the journal JSON record of a line, or None when it is not one."""
    try:
        record = json.loads(text)
    except ValueError:
        return None
    if not isinstance(record, dict) or 'MESSAGE' not in record:
        return None
    return record


def _journal_time(record):
    """Return the journal's realtime stamp (microseconds) as an ISO 8601 UTC string, or None."""
    value = record.get('__REALTIME_TIMESTAMP')
    try:
        stamp = datetime.datetime(1970, 1, 1) + datetime.timedelta(microseconds=int(value))
    except (TypeError, ValueError, OverflowError):
        return None
    return stamp.strftime('%Y-%m-%dT%H:%M:%S.%fZ')


def _journal_text(value):
    """The journal writes non-UTF-8 fields as arrays of byte values."""
    if isinstance(value, list):
        try:
            return bytes(bytearray(value)).decode('utf-8', errors='replace')
        except (TypeError, ValueError):
            return ''
    if value is None:
        return ''
    return str(value)


def split_log_line(line):
    """Split a raw log line into a dict: format, time, program, message and (journal) connection."""
    text = _to_text(line).rstrip('\r\n')[:MAX_LINE_CHARS]
    stripped = text.strip()
    result = {'format': 'plain', 'time': None, 'program': None, 'message': stripped, 'connection': None}
    if stripped.startswith('{'):
        record = _journal_record(stripped)
        if record is not None:
            result.update({
                'format': 'journal-json',
                'time': _journal_time(record),
                'program': _journal_text(record.get('SYSLOG_IDENTIFIER')) or None,
                'message': _journal_text(record.get('MESSAGE')).strip(),
                'connection': _journal_text(record.get('IKE_SA_NAME')) or None,
            })
            return result
    match = _SYSLOG.match(stripped)
    if match:
        result.update({'format': 'syslog', 'time': match.group('time'), 'program': match.group('program'),
                       'message': match.group('message').strip()})
        return result
    match = _CHARON_THREAD.match(stripped)
    if match:
        result.update({'format': 'charon', 'time': match.group('time').strip() or None,
                       'program': 'charon', 'message': stripped[match.start('thread'):]})
        return result
    match = _PLUTO_TIME.match(stripped)
    body = match.group('message') if match else stripped
    if _PLUTO_PREFIX.match(body) or _PLUTO_SERIAL_ONLY.match(body):
        result.update({'format': 'pluto', 'time': match.group('time') if match else None,
                       'program': 'pluto', 'message': body})
    return result


def _family_of(program, message):
    """Return the daemon family of a line from its program name or message shape, or None."""
    if program:
        name = program.rsplit('/', 1)[-1]
        for pattern, family in _PROGRAM_FAMILY:
            if pattern.match(name):
                return family
    if _CHARON_THREAD.match(message):
        return sigs.STRONGSWAN
    if _PLUTO_PREFIX.match(message):
        return sigs.LIBRESWAN
    return None


def _strip_context(message, family):
    """Remove the daemon's prefixes; return (text, connection, sa_key)."""
    text = message
    thread = _CHARON_THREAD.match(text)
    if thread and family in (None, sigs.STRONGSWAN):
        text = thread.group('message')
    if family in (None, sigs.STRONGSWAN):
        prefix = _SWAN_IKE_PREFIX.match(text)
        if prefix:
            conn = prefix.group('conn') or None
            return prefix.group('rest'), conn, (conn, prefix.group('uid'))
    if family in (None, sigs.LIBRESWAN):
        prefix = _PLUTO_PREFIX.match(text)
        if prefix:
            conn = prefix.group('conn')
            return prefix.group('rest'), conn, (conn, prefix.group('serial'))
        prefix = _PLUTO_SERIAL_ONLY.match(text)
        if prefix:
            return prefix.group('rest'), None, (None, prefix.group('serial'))
    return text, None, (None, None)


def _errno_name(number, text):
    """Return the errno's symbolic name (93 -> EPROTONOSUPPORT), else the text in upper snake case."""
    try:
        value = int(number)
    except (TypeError, ValueError):
        value = None
    if value is not None and value in errno_module.errorcode:
        return errno_module.errorcode[value]
    if text:
        return re.sub(r'[^A-Z0-9]+', '_', text.strip().upper()).strip('_') or None
    return None


_SIGNALS = {'4': 'ILL', '6': 'ABRT', '7': 'BUS', '8': 'FPE', '9': 'KILL', '11': 'SEGV', '15': 'TERM'}


def _signal_name(value):
    """Return a signal name without SIG (11 -> SEGV)."""
    text = value.strip().upper()
    if text.startswith('SIG'):
        text = text[3:]
    return _SIGNALS.get(text, text)


def _code_of(signature, groups):
    """Return the event code: the notify, errno or signal the line names, else the signature's code."""
    if groups.get('code'):
        return sigs.normalize_notify(groups['code'])
    if groups.get('errno') or groups.get('errname'):
        return _errno_name(groups.get('errno'), groups.get('errname'))
    if groups.get('signal'):
        return _signal_name(groups['signal'])
    return signature.code


def _match_signature(text, family):
    """Return (signature, match) of the first signature that matches text, or (None, None)."""
    for signature in sigs.SIGNATURES:
        if not signature.applies_to(family):
            continue
        match = signature.regex.search(text)
        if match:
            return signature, match
    return None, None


class _ExchangeTracker:
    """Remembers per IKE SA the last message ID parsed and the last one retransmitted.

    strongSwan states the message ID on "parsed/generating" and "retransmit" lines but not
    on "received X notify error" or "giving up after N retransmits"; the tracker fills it in.
    """

    def __init__(self):
        self.last_exchange = {}
        self.last_retransmit = {}

    def observe(self, text, sa_key):
        """Remember the message ID of a parsed or generated exchange."""
        match = _SWAN_MESSAGE_ID.search(text)
        if match:
            self.last_exchange[sa_key] = int(match.group('mid'))

    def message_id(self, kind, sa_key):
        """Return the remembered message ID that applies to an event kind, or None."""
        if kind in ('retransmit_give_up', 'peer_not_responding'):
            return self.last_retransmit.get(sa_key)
        if kind == 'notify_received':
            return self.last_exchange.get(sa_key)
        return None


def _message_id(signature, groups, tracker, sa_key):
    """Return the message ID the line states, implies (Libreswan state) or the tracker remembers."""
    if groups.get('mid') is not None:
        return int(groups['mid'])
    if groups.get('state'):
        return sigs.message_id_from_state(groups['state'])
    return tracker.message_id(signature.kind, sa_key)


def parse_log_line(line, daemon=None, src=None, tracker=None):
    """Return the event for one log line, or None when the line is no evidence of anything."""
    parts = split_log_line(line)
    message = parts['message']
    if not message:
        return None
    family = daemon if daemon in DAEMON_FAMILIES else _family_of(parts['program'], message)
    text, connection, sa_key = _strip_context(message, family)
    if tracker is None:
        tracker = _ExchangeTracker()
    tracker.observe(text, sa_key)
    signature, match = _match_signature(text, family)
    if signature is None:
        return None
    groups = match.groupdict()
    message_id = _message_id(signature, groups, tracker, sa_key)
    if signature.kind == 'retransmit' and message_id is not None:
        tracker.last_retransmit[sa_key] = message_id
    if family is None and signature.families != frozenset([sigs.ANY]):
        family = sorted(signature.families)[0]
    return {
        'time': parts['time'],
        'daemon': family,
        'connection': connection or groups.get('conn') or parts['connection'],
        'kind': signature.kind,
        'code': _code_of(signature, groups),
        'message_id': message_id,
        'line': _to_text(line).rstrip('\r\n')[:MAX_LINE_CHARS],
        'src': src,
    }


def parse_log_lines(lines, daemon=None, src_path='<input>', first_line_number=1):
    """Return the events found in lines (an iterable of str or bytes), in order.

    daemon ('strongswan', 'libreswan' or 'racoon') selects the signatures to try; when
    None the daemon is inferred per line from the program name or the message shape.
    Each event's `src` is "src_path:lineno", counting from first_line_number.
    """
    tracker = _ExchangeTracker()
    events = []
    for offset, line in enumerate(lines):
        src = '%s:%d' % (src_path, first_line_number + offset)
        event = parse_log_line(line, daemon=daemon, src=src, tracker=tracker)
        if event is not None:
            events.append(event)
    return events
