# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""One spelling per traffic selector, so a selector as written compares with the daemon's printout.

The model keeps selectors as written (``fec1::0/16``, ``10.1.0.0/10``, ``10.2.0.10``,
``a-b``, ``[tcp/22]``); charon prints them canonically (``fec1::/16``, ``10.0.0.0/10``,
``10.2.0.10/32``, ``a..b``, ``[tcp/ssh]``). Both sides go through ``canonical_ts``
before they are compared; a selector that does not read as one is kept as it is.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import ipaddress
import re
import socket

_ICMP = (1, 58)


def _address(text):
    if text in ('dynamic', '%dynamic', '%any', '%any4', '%any6'):
        return text.lstrip('%')
    if text == '0/0':  # Libreswan's short form of 0.0.0.0/0
        return '0.0.0.0/0'
    for separator in ('..', '-'):
        if separator in text and '/' not in text:
            first, last = text.split(separator, 1)
            return '%s..%s' % (ipaddress.ip_address(first.strip()), ipaddress.ip_address(last.strip()))
    return str(ipaddress.ip_network(text.strip(), strict=False))


def _protocol(text):
    if text in ('', '%any', 'any'):
        return None
    if text.isdigit():
        return int(text)
    return socket.getprotobyname(text)


def _port(text, protocol):
    if text in ('', '%any', 'any'):
        return None
    if '-' in text:
        first, last = text.split('-', 1)
        return '%s-%s' % (_port(first, protocol), _port(last, protocol))
    if text == '%opaque' or text == 'opaque':
        return 'opaque'
    if not text.isdigit():
        name = {6: 'tcp', 17: 'udp'}.get(protocol, 'tcp')
        return str(socket.getservbyname(text, name))
    number = int(text)
    if protocol in _ICMP and number > 255:
        # charon keeps an ICMP type and code in the 16-bit port (type << 8 | code) and prints the type.
        return str(number >> 8) if not number & 0xff else '%d/%d' % (number >> 8, number & 0xff)
    return str(number)


def canonical_ts(text):
    """The selector text in one spelling: network/prefix (or first..last) and [protocol number/port number]."""
    match = re.match(r'^\s*([^\[\]]*?)\s*(?:\[(.*)\])?\s*$', text or '')
    if not match:
        return text
    try:
        address = _address(match.group(1))
        if match.group(2) is None:
            return address
        parts = match.group(2).split('/', 1)
        protocol = _protocol(parts[0].strip())
        port = _port(parts[1].strip(), protocol) if len(parts) > 1 else None
    except (ValueError, OSError):
        return text
    return '%s[%s/%s]' % (address, '%any' if protocol is None else protocol, '%any' if port is None else port)


def canonical_list(selectors):
    """canonical_ts of each selector, in the written order."""
    return [canonical_ts(selector) for selector in selectors or []]
