# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A small read-only VICI client (strongSwan's control protocol), standard library only.

Wire format (strongSwan src/libcharon/plugins/vici/README.md): each packet is a 32-bit
big-endian length followed by a one-byte packet type; named types (command request,
event register/unregister, event) carry an 8-bit length-prefixed name. A message is a
sequence of elements: section start (name), section end, key/value (name, 16-bit
length-prefixed value), list start (name), list item (16-bit length-prefixed value), list
end. Streamed commands (list-sas, list-conns, list-certs) answer with one event per item,
so the client registers for the event, sends the command, collects the events until the
command response, and unregisters.

Only query commands are offered; nothing here can change the daemon's state.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import socket
import struct

SOCKET_PATHS = ('/run/charon.vici', '/var/run/charon.vici')

CMD_REQUEST = 0
CMD_RESPONSE = 1
CMD_UNKNOWN = 2
EVENT_REGISTER = 3
EVENT_UNREGISTER = 4
EVENT_CONFIRM = 5
EVENT_UNKNOWN = 6
EVENT = 7

SECTION_START = 1
SECTION_END = 2
KEY_VALUE = 3
LIST_START = 4
LIST_ITEM = 5
LIST_END = 6

MAX_PACKET = 512 * 1024
DEFAULT_TIMEOUT = 3.0

# Read-only commands; streamed ones name the event that carries each item.
QUERIES = {
    'version': None,
    'stats': None,
    'list-sas': 'list-sa',
    'list-conns': 'list-conn',
    'list-certs': 'list-cert',
}


class ViciError(Exception):
    """The daemon could not be reached or answered something unexpected."""


def _name(text):
    data = text.encode('ascii')
    if len(data) > 255:
        raise ViciError('name too long: %s' % text)
    return struct.pack('!B', len(data)) + data


def _value(value):
    data = value if isinstance(value, bytes) else str(value).encode('utf-8')
    if len(data) > 65535:
        raise ViciError('value too long')
    return struct.pack('!H', len(data)) + data


def encode_message(message):
    """Encode a dict (str -> str | bytes | list | dict) as a vici message."""
    out = b''
    for key, value in (message or {}).items():
        if isinstance(value, dict):
            out += struct.pack('!B', SECTION_START) + _name(key) + encode_message(value)
            out += struct.pack('!B', SECTION_END)
        elif isinstance(value, (list, tuple)):
            out += struct.pack('!B', LIST_START) + _name(key)
            for item in value:
                out += struct.pack('!B', LIST_ITEM) + _value(item)
            out += struct.pack('!B', LIST_END)
        else:
            out += struct.pack('!B', KEY_VALUE) + _name(key) + _value(value)
    return out


def _text(data):
    return data.decode('utf-8', errors='replace')


def _take(data, start, length):
    """Return data[start:start + length]; raise ViciError when the message ends before."""
    if start + length > len(data):
        raise ViciError('truncated vici message')
    return data[start:start + length]


def decode_message(data, binary_keys=()):
    """Decode a vici message into nested dicts and lists of text.

    Values are text except for keys in binary_keys (e.g. a certificate's DER 'data'),
    which stay bytes. Raises ViciError on a malformed message.
    """
    root = {}
    stack = [root]
    current_list = None
    list_key = None
    pos = 0
    try:
        while pos < len(data):
            kind = data[pos]
            pos += 1
            if kind in (SECTION_START, KEY_VALUE, LIST_START):
                length = data[pos]
                name = _text(_take(data, pos + 1, length))
                pos += 1 + length
            if kind == SECTION_START:
                section = {}
                stack[-1][name] = section
                stack.append(section)
            elif kind == SECTION_END:
                if len(stack) == 1:
                    raise ViciError('unbalanced section end')
                stack.pop()
            elif kind == KEY_VALUE:
                length = struct.unpack('!H', _take(data, pos, 2))[0]
                raw = _take(data, pos + 2, length)
                pos += 2 + length
                stack[-1][name] = raw if name in binary_keys else _text(raw)
            elif kind == LIST_START:
                current_list = []
                list_key = name
            elif kind == LIST_ITEM:
                if current_list is None:
                    raise ViciError('list item outside a list')
                length = struct.unpack('!H', _take(data, pos, 2))[0]
                current_list.append(_text(_take(data, pos + 2, length)))
                pos += 2 + length
            elif kind == LIST_END:
                if current_list is None:
                    raise ViciError('list end outside a list')
                stack[-1][list_key] = current_list
                current_list = None
            else:
                raise ViciError('unknown element type %d' % kind)
    except (IndexError, struct.error):
        raise ViciError('truncated vici message')
    if len(stack) != 1 or current_list is not None:
        raise ViciError('unterminated section or list')
    return root


class ViciClient:
    """A connection to charon's vici socket for read-only queries."""

    def __init__(self, path, timeout=DEFAULT_TIMEOUT, connect=None):
        self.path = path
        self.timeout = timeout
        self._connect = connect or self._unix_connect
        self._sock = None

    def _unix_connect(self):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        sock.connect(self.path)
        return sock

    def __enter__(self):
        try:
            self._sock = self._connect()
        except (OSError, IOError) as exc:
            raise ViciError('cannot connect to %s: %s' % (self.path, exc.strerror or exc))
        return self

    def __exit__(self, *exc_info):
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    def _send(self, kind, name=None, message=b''):
        payload = struct.pack('!B', kind) + (_name(name) if name is not None else b'') + message
        self._sock.sendall(struct.pack('!I', len(payload)) + payload)

    def _recv_exact(self, count):
        chunks = []
        while count:
            chunk = self._sock.recv(count)
            if not chunk:
                raise ViciError('connection closed by the daemon')
            chunks.append(chunk)
            count -= len(chunk)
        return b''.join(chunks)

    def _receive(self):
        """Return (type, name or None, message bytes) of the next packet."""
        try:
            length = struct.unpack('!I', self._recv_exact(4))[0]
            if length < 1 or length > MAX_PACKET:
                raise ViciError('invalid packet length %d' % length)
            payload = self._recv_exact(length)
        except socket.timeout:
            raise ViciError('no answer from the daemon within %.0f s' % self.timeout)
        except (OSError, IOError) as exc:
            raise ViciError('reading from %s failed: %s' % (self.path, exc))
        kind = payload[0]
        if kind in (EVENT,):
            size = payload[1]
            return kind, _text(payload[2:2 + size]), payload[2 + size:]
        return kind, None, payload[1:]

    def _event_registration(self, kind, event):
        self._send(kind, event)
        answer, _name_unused, _body = self._receive()
        if answer != EVENT_CONFIRM:
            raise ViciError('the daemon does not know the event %s' % event)

    def query(self, command, binary_keys=()):
        """Run a read-only command; return its response dict, or (for streamed commands) the list of items.

        Raises ViciError for a command that is not a known query or an unknown one.
        """
        if command not in QUERIES:
            raise ViciError('%s is not a read-only vici query' % command)
        event = QUERIES[command]
        if event:
            self._event_registration(EVENT_REGISTER, event)
        try:
            self._send(CMD_REQUEST, command)
            items = []
            while True:
                kind, name, body = self._receive()
                if kind == EVENT and name == event:
                    items.append(decode_message(body, binary_keys))
                elif kind == CMD_RESPONSE:
                    response = decode_message(body, binary_keys)
                    break
                elif kind == CMD_UNKNOWN:
                    raise ViciError('the daemon does not know the command %s' % command)
                else:
                    raise ViciError('unexpected vici packet type %d' % kind)
        finally:
            if event:
                self._event_registration(EVENT_UNREGISTER, event)
        if response.get('success') == 'no':
            raise ViciError('%s failed: %s' % (command, response.get('errmsg', 'no reason given')))
        return items if event else response


def find_socket(files):
    """Return the host path of charon's vici socket, or None."""
    for path in SOCKET_PATHS:
        if files.exists(path):
            return path
    return None
