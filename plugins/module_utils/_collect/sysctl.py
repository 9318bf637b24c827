# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The `sysctl` subset: IPsec-relevant runtime values under /proc/sys, and where boot values come from.

Boot values follow systemd-sysctl's precedence (sysctl.d(5)): all *.conf files of
/etc/sysctl.d, /run/sysctl.d, /usr/local/lib/sysctl.d, /usr/lib/sysctl.d and /lib/sysctl.d
are ordered by file name; a file in an earlier directory hides a same-named file in a
later one; a later assignment wins. /etc/sysctl.conf is read last (procps does; Debian
links it as 99-sysctl.conf for systemd).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import re

SYSCTL_DIRS = ('/etc/sysctl.d', '/run/sysctl.d', '/usr/local/lib/sysctl.d', '/usr/lib/sysctl.d', '/lib/sysctl.d')
GLOBAL_KEYS = ('net.ipv4.ip_forward', 'net.ipv6.conf.all.forwarding', 'net.ipv6.conf.default.forwarding',
               'net.ipv4.conf.all.forwarding')
IPV4_CONF_KEYS = ('rp_filter', 'accept_redirects', 'send_redirects', 'disable_xfrm', 'disable_policy', 'forwarding')
IPV6_CONF_KEYS = ('forwarding', 'accept_redirects', 'disable_policy', 'disable_ipv6')

# Boot settings worth reporting: forwarding, reverse path filter, redirects, XFRM and policy switches.
RELEVANT = re.compile(r'^net\.(ipv4\.ip_forward|ipv[46]\.conf\..+\.(%s)|core\.xfrm_.*)$'
                      % '|'.join(sorted(set(IPV4_CONF_KEYS + IPV6_CONF_KEYS))))


def _read_value(host, key):
    return host.files.read_text('/proc/sys/' + key.replace('.', '/'))


def _runtime(host):
    values = {}
    for key in GLOBAL_KEYS:
        value = _read_value(host, key)
        if value is not None:
            values[key] = value
    try:
        for name in host.files.listdir('/proc/sys/net/core'):
            if name.startswith('xfrm_'):
                value = _read_value(host, 'net.core.' + name)
                if value is not None:
                    values['net.core.' + name] = value
    except OSError:
        host.gap('sysctl', '/proc/sys/net/core not readable: no XFRM sysctls')
    for family, keys in (('ipv4', IPV4_CONF_KEYS), ('ipv6', IPV6_CONF_KEYS)):
        base = '/proc/sys/net/%s/conf' % family
        try:
            interfaces = host.files.listdir(base)
        except OSError:
            continue
        for interface in interfaces:
            for key in keys:
                # Interface names may contain dots; sysctl(8) shows them with '/'.
                text = host.files.read_text('%s/%s/%s' % (base, interface, key))
                if text is not None:
                    values['net.%s.conf.%s.%s' % (family, interface.replace('.', '/'), key)] = text
    return values


def normalize_key(key):
    """sysctl keys may use '/' as separator; the canonical form uses dots."""
    key = key.strip()
    if '/' in key and (key.find('/') < key.find('.') or '.' not in key):
        return key.replace('.', '\0').replace('/', '.').replace('\0', '/')
    return key


def boot_files(host):
    """Return the sysctl.d files in the order systemd-sysctl applies them, then /etc/sysctl.conf."""
    by_name = {}
    for directory in SYSCTL_DIRS:
        try:
            names = host.files.listdir(directory)
        except OSError:
            continue
        for name in names:
            if name.endswith('.conf') and name not in by_name:
                by_name[name] = os.path.join(directory, name)
    files = [by_name[name] for name in sorted(by_name)]
    if host.files.exists('/etc/sysctl.conf'):
        real = [host.files.readlink(path) for path in files]
        if '/etc/sysctl.conf' not in files and '../sysctl.conf' not in real and '/etc/sysctl.conf' not in real:
            files.append('/etc/sysctl.conf')
    return files


def parse_sysctl_file(text, path):
    """Yield (key, value, 'path:line') of the assignments in a sysctl.conf-style text."""
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped[0] in '#;' or '=' not in stripped:
            continue
        key, _sep, value = stripped.partition('=')
        key = normalize_key(key.lstrip('-'))
        yield key, value.strip(), '%s:%d' % (path, number)


def _boot(host):
    values = {}
    for path in boot_files(host):
        try:
            text = host.files.read(path)
        except OSError as exc:
            host.gap('sysctl', exc.strerror or str(exc), path=path)
            continue
        for key, value, src in parse_sysctl_file(text, path):
            if RELEVANT.match(key) or '*' in key and RELEVANT.match(key.replace('*', 'all')):
                values[key] = {'value': value, 'src': src}
    return values


def collect(host):
    """Return {runtime, boot} (docs/facts.md `sysctl`)."""
    return {'runtime': _runtime(host), 'boot': _boot(host)}
