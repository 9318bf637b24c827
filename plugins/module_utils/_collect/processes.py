# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Processes from /proc (no psutil): names, command lines, start times, and who owns a socket."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os


def _clock_ticks():
    try:
        return os.sysconf('SC_CLK_TCK')
    except (AttributeError, ValueError, OSError):
        return 100


def boot_time(files):
    """Return the boot time (epoch seconds) from /proc/stat, or None."""
    text = files.read_text('/proc/stat', '')
    for line in text.splitlines():
        if line.startswith('btime '):
            try:
                return float(line.split()[1])
            except (IndexError, ValueError):
                return None
    return None


def _start_ticks(stat_text):
    """Return field 22 (starttime) of /proc/PID/stat; the command name may hold spaces and ')'."""
    rest = stat_text.rpartition(')')[2].split()
    # rest starts at field 3 (state), so starttime (field 22) is rest[19].
    try:
        return int(rest[19])
    except (IndexError, ValueError):
        return None


def _is_zombie(stat_text):
    fields = stat_text.rpartition(')')[2].split()
    return bool(fields) and fields[0] in ('Z', 'X')


def scan_processes(files):
    """Return [{pid, comm, cmdline (list), start_time (epoch or None)}] of the live processes in /proc.

    Zombies are left out (a daemon that died but was not reaped yet is not running), and so
    are processes of other PID namespaces (containers) when the namespaces can be compared.
    """
    btime = boot_time(files)
    ticks = _clock_ticks()
    own_namespace = files.readlink('/proc/self/ns/pid')
    processes = []
    try:
        names = files.listdir('/proc')
    except OSError:
        return processes
    for name in names:
        if not name.isdigit():
            continue
        base = '/proc/%s' % name
        stat_text = files.read_text(base + '/stat')
        if not stat_text or _is_zombie(stat_text):
            continue
        namespace = files.readlink(base + '/ns/pid')
        if own_namespace and namespace and namespace != own_namespace:
            # A daemon in a container is not this host's daemon.
            continue
        comm = files.read_text(base + '/comm', '')
        try:
            raw = files.read_bytes(base + '/cmdline', 65536)
        except (OSError, IOError):
            raw = b''
        cmdline = [part.decode('utf-8', errors='replace') for part in raw.split(b'\0') if part]
        start = _start_ticks(stat_text)
        start_time = btime + float(start) / ticks if btime is not None and start is not None else None
        processes.append({'pid': int(name), 'comm': comm, 'cmdline': cmdline, 'start_time': start_time})
    return processes


def socket_owners(files, inodes, pids):
    """Map socket inodes to (pid) by reading /proc/PID/fd links of pids; returns {inode: pid}.

    Without root only the caller's own processes can be inspected; others stay unmapped.
    """
    wanted = set(str(inode) for inode in inodes)
    owners = {}
    for pid in pids:
        if not wanted:
            break
        fd_dir = '/proc/%d/fd' % pid
        try:
            fds = files.listdir(fd_dir)
        except OSError:
            continue
        for fd in fds:
            target = files.readlink('%s/%s' % (fd_dir, fd))
            if target and target.startswith('socket:['):
                inode = target[8:-1]
                if inode in wanted:
                    owners[inode] = pid
                    wanted.discard(inode)
    return owners
