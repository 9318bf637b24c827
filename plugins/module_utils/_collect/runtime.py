# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What the running daemons report about themselves, asked once per run.

strongSwan answers over vici; Libreswan's pluto through `ipsec whack --status` (or
`ipsec status`) and `ipsec trafficstatus`. service and sas both use these answers.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re

from ansible_collections.ipsec.doctor.plugins.module_utils._collect.vici import ViciClient, ViciError, find_socket

PLUTO_CTL = '/run/pluto/pluto.ctl'
PLUTO_CTL_ALTERNATIVES = ('/run/pluto/pluto.ctl', '/var/run/pluto/pluto.ctl')

# `000 "name"[3] 198.18.2.1...` or `"name": ...` (Libreswan 5 drops the 000 prefix).
_WHACK_CONN = re.compile(r'^(?:\d{3} )?"(?P<name>[^"]+)"(?:\[\d+\])?(?:[: ]|$)')


def vici_socket(host):
    """Return the host path of charon's vici socket, or None."""
    return find_socket(host.files)


def pluto_socket(host):
    """Return the host path of pluto's control socket, or None."""
    for path in PLUTO_CTL_ALTERNATIVES:
        if host.files.exists(path):
            return path
    return None


def vici_query(host, command):
    """Return the answer of a read-only vici command (see ViciClient.query); raise ViciError.

    Answers are kept for the run, so service and sas ask the daemon once.
    """
    key = 'vici:%s' % command

    def compute(host):
        path = vici_socket(host)
        if path is None:
            raise ViciError('no vici socket (charon not running or vici plugin not loaded)')
        with ViciClient(host.files.real(path)) as client:
            return client.query(command, binary_keys=('data',))
    return host.cached(key, compute)


def pluto_status(host, subset):
    """Return the text of `ipsec whack --status` (else `ipsec status`), or None with a gap."""
    def compute(host):
        for argv in (['ipsec', 'whack', '--status'], ['ipsec', 'status']):
            result = host.run(subset, argv)
            if result is None:
                return None
            if result.ok and result.stdout.strip():
                return result.stdout
        host.gap(subset, 'ipsec whack --status: %s' % result.first_error_line())
        return None
    return host.cached('pluto_status', compute)


def pluto_connection_names(status_text):
    """Return the connection names pluto reports in its status, in order, without instance numbers."""
    names = []
    for line in status_text.splitlines():
        match = _WHACK_CONN.match(line.strip())
        if match and match.group('name') not in names:
            names.append(match.group('name'))
    return names
