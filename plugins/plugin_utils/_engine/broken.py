# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Which connections a configuration syntax error breaks.

A broken connection is what the parser made of a section it could not read: checking it
further only repeats the syntax error with garbled symptoms (no certificate, not loaded),
so CONFIG_PARSE_ERROR covers it alone. An error breaks a connection when both are in the
same file and the error names the connection ('name' or "name"), or its line lies in the
connection's section: in swanctl from its first line to one past the last line that set one
of its keys (secrets, pools and authorities sections sit between connections), in the
ipsec.conf formats up to the next connection of that file (a section ends only where the
next one starts; an empty "key=" sets nothing that would mark its line).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type


def _line_number(value):
    if isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _origin_lines(value, path, found):
    """Collect the line numbers of the "path:line" origins anywhere in value."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == 'src' and isinstance(item, dict):
                for origin in item.values():
                    text = str(origin or '')
                    file_name, _sep, line = text.rpartition(':')
                    if file_name == path and _line_number(line) is not None:
                        found.append(int(line))
            else:
                _origin_lines(item, path, found)
    elif isinstance(value, list):
        for item in value:
            _origin_lines(item, path, found)
    return found


def _spans(connections):
    """Return [(connection, file, first line, last line)] of every connection with a place."""
    placed = []
    for conn in connections:
        path, first = conn.get('file'), _line_number(conn.get('line'))
        if path and first is not None:
            placed.append((conn, str(path), first))
    spans = []
    for conn, path, first in placed:
        later = [start for _conn, other, start in placed if other == path and start > first]
        last = min(later) - 1 if later else float('inf')
        if conn.get('format') == 'swanctl':
            last = min(last, max(_origin_lines(conn, path, [first])) + 1)
        spans.append((conn, path, first, last))
    return spans


def _names(message, name):
    return "'%s'" % name in message or '"%s"' % name in message


def broken_connection_names(connections, errors):
    """Return the names of the connections an error of severity error falls in (a set)."""
    errors = [error for error in errors if str(error.get('severity') or 'error') == 'error']
    broken = set()
    for conn, path, first, last in _spans(connections):
        name = str(conn.get('name') or '')
        for error in errors:
            if str(error.get('file') or '') != path:
                continue
            line = _line_number(error.get('line'))
            if (name and _names(str(error.get('message') or ''), name)) or \
                    (line is not None and first <= line <= last):
                broken.add(conn.get('name'))
                break
    return broken
