# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import socket
import struct
import threading

import pytest

from ansible_collections.ipsec.doctor.plugins.module_utils._collect import vici

SA_MESSAGE = {'gw-gw': {'uniqueid': '1', 'state': 'ESTABLISHED', 'child-sas': {'net-2': {
    'name': 'net', 'local-ts': ['198.51.100.64/26'], 'remote-ts': ['198.51.100.128/26']}}}}


def packet(kind, name=None, message=b''):
    payload = struct.pack('!B', kind)
    if name is not None:
        payload += struct.pack('!B', len(name)) + name.encode('ascii')
    payload += message
    return struct.pack('!I', len(payload)) + payload


def read_packet(sock):
    length = struct.unpack('!I', sock.recv(4))[0]
    data = b''
    while len(data) < length:
        data += sock.recv(length - len(data))
    return data


class FakeCharon(threading.Thread):
    """Answers one client like charon's vici plugin: confirms events, streams items, then responds."""

    def __init__(self, sock, items, response=None, known=True):
        super(FakeCharon, self).__init__()
        self.sock = sock
        self.items = items
        self.response = response or {}
        self.known = known
        self.received = []

    def run(self):
        while True:
            try:
                data = read_packet(self.sock)
            except (struct.error, OSError):
                return
            kind = data[0]
            name = data[2:2 + data[1]].decode('ascii') if kind in (vici.CMD_REQUEST, vici.EVENT_REGISTER,
                                                                   vici.EVENT_UNREGISTER) else None
            self.received.append((kind, name))
            if kind in (vici.EVENT_REGISTER, vici.EVENT_UNREGISTER):
                self.sock.sendall(packet(vici.EVENT_CONFIRM))
            elif kind == vici.CMD_REQUEST:
                if not self.known:
                    self.sock.sendall(packet(vici.CMD_UNKNOWN))
                    continue
                for item in self.items:
                    self.sock.sendall(packet(vici.EVENT, 'list-sa', vici.encode_message(item)))
                self.sock.sendall(packet(vici.CMD_RESPONSE, message=vici.encode_message(self.response)))


def connected(items, **kwargs):
    client_sock, server_sock = socket.socketpair()
    server = FakeCharon(server_sock, items, **kwargs)
    server.start()
    return vici.ViciClient('/run/charon.vici', connect=lambda: client_sock), server


def test_message_round_trip_keeps_sections_lists_and_binary_values():
    message = {'version': '5.9.8', 'list': ['a', 'b'], 'section': {'inner': {'k': 'v'}}, 'data': b'\x30\x82\x00'}
    assert vici.decode_message(vici.encode_message(message), binary_keys=('data',)) == message


@pytest.mark.parametrize('data', [b'\x03\x01k\x00\x05ab', b'\x01\x01s', b'\x05\x00\x01a', b'\x09'])
def test_malformed_messages_raise(data):
    with pytest.raises(vici.ViciError):
        vici.decode_message(data)


def test_streamed_query_registers_collects_events_and_unregisters():
    client, server = connected([SA_MESSAGE, {'other': {'uniqueid': '2'}}])
    with client:
        items = client.query('list-sas')
    server.join(2)
    assert items == [SA_MESSAGE, {'other': {'uniqueid': '2'}}]
    assert server.received == [(vici.EVENT_REGISTER, 'list-sa'), (vici.CMD_REQUEST, 'list-sas'),
                               (vici.EVENT_UNREGISTER, 'list-sa')]


def test_simple_query_returns_the_response():
    client, server = connected([], response={'daemon': 'charon-systemd', 'version': '5.9.8'})
    with client:
        assert client.query('version') == {'daemon': 'charon-systemd', 'version': '5.9.8'}
    server.join(2)


def test_failed_command_raises_with_the_daemon_message():
    client, server = connected([], response={'success': 'no', 'errmsg': 'nope'})
    with client:
        with pytest.raises(vici.ViciError, match='nope'):
            client.query('stats')
    server.join(2)


def test_unknown_command_raises():
    client, server = connected([], known=False)
    with client:
        with pytest.raises(vici.ViciError, match='does not know the command'):
            client.query('stats')
    server.join(2)


def test_only_read_only_commands_are_sent():
    client = vici.ViciClient('/nonexistent', connect=lambda: None)
    with pytest.raises(vici.ViciError, match='not a read-only'):
        client.query('terminate')


def test_missing_socket_is_a_vici_error(tmp_path):
    with pytest.raises(vici.ViciError, match='cannot connect'):
        with vici.ViciClient(str(tmp_path / 'charon.vici')):
            pass
