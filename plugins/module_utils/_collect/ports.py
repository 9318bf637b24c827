# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The `ports` subset: UDP sockets bound to the IKE ports, and the process that owns each.

Reads /proc/net/udp and /proc/net/udp6 directly (no `ss`), then maps socket inodes to
processes through /proc/PID/fd. Besides 500 and 4500, charon's `port` and `port_nat_t`
from strongswan.conf are watched.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import socket
import sys

from ansible_collections.ipsec.doctor.plugins.module_utils._collect import daemons
from ansible_collections.ipsec.doctor.plugins.module_utils._collect.processes import socket_owners

IKE_PORTS = (500, 4500)
IKE_PROCESSES = ('charon', 'charon-systemd', 'pluto', 'racoon', 'charon-nm', 'starter')


def _decode_address(text, family):
    """The kernel prints each 32-bit word of the address as a number in host byte order."""
    words = [int(text[i:i + 8], 16) for i in range(0, len(text), 8)]
    raw = b''.join(word.to_bytes(4, sys.byteorder) for word in words)
    return socket.inet_ntop(socket.AF_INET if family == 4 else socket.AF_INET6, raw)


def parse_proc_net_udp(text, family):
    """Parse /proc/net/udp or udp6 into [{address, port, family, inode, uid}]."""
    sockets = []
    for line in text.splitlines()[1:]:
        fields = line.split()
        if len(fields) < 10 or ':' not in fields[1]:
            continue
        address_hex, _sep, port_hex = fields[1].rpartition(':')
        try:
            sockets.append({'address': _decode_address(address_hex, family), 'port': int(port_hex, 16),
                            'family': family, 'inode': fields[9], 'uid': int(fields[7])})
        except (ValueError, TypeError, OSError):
            continue
    return sockets


def watched_ports(host):
    """Return the UDP ports IKE may use on this host."""
    ports = list(IKE_PORTS)
    settings = daemons.strongswan_settings(host) if daemons.STRONGSWAN in daemons.families(host) else None
    if settings:
        for name in ('port', 'port_nat_t'):
            value = settings['charon'].get(name)
            if value and value not in ports:
                ports.append(value)
    return ports


def collect(host):
    """Return [{proto, port, address, family, process, pid, inode}] (docs/facts.md `ports`)."""
    ports = watched_ports(host)
    found = []
    for family, path in ((4, '/proc/net/udp'), (6, '/proc/net/udp6')):
        try:
            text = host.files.read(path)
        except OSError as exc:
            if family == 4:
                host.gap('ports', exc.strerror or str(exc), path=path)
            continue
        found.extend(entry for entry in parse_proc_net_udp(text, family) if entry['port'] in ports)
    processes = host.processes()
    by_pid = dict((p['pid'], p) for p in processes)
    # IKE daemons first: usually they own the sockets, and their fds are few.
    pids = [p['pid'] for p in processes if p['comm'] in IKE_PROCESSES]
    pids += [p['pid'] for p in processes if p['comm'] not in IKE_PROCESSES]
    owners = socket_owners(host.files, [entry['inode'] for entry in found], pids)
    result = []
    for entry in found:
        pid = owners.get(entry['inode'])
        result.append({'proto': 'udp', 'port': entry['port'], 'address': entry['address'], 'family': entry['family'],
                       'process': by_pid[pid]['comm'] if pid in by_pid else None, 'pid': pid,
                       'inode': entry['inode']})
    if any(entry['pid'] is None for entry in result) and not host.is_root:
        host.gap('ports', 'not root: the owners of some IKE sockets could not be identified')
    return result
