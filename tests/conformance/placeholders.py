# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""strongSwan's test configurations name hosts by placeholder (PH_IP_MOON, PH_IP6_SUN1, ...).

The test framework replaces them with the addresses of testing/testing.conf before a
daemon sees a file; this module does the same on a copy of the corpus, so that parser and
daemon both read addresses (an address is also the default identity of a side, a name is
not).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import re
import shutil

CONFIG_NAMES = ('swanctl.conf', 'ipsec.conf', 'ipsec.secrets')


def read_addresses(testing_conf):
    """{'PH_IP_MOON': '192.168.0.1', 'PH_IP_MOON1': '10.1.0.1', 'PH_IP6_MOON': 'fec0::1', ...} from testing.conf."""
    with open(testing_conf) as handle:
        text = handle.read()
    table = {}
    for variable, prefix in (('HOSTNAMEIPV4', 'PH_IP_'), ('HOSTNAMEIPV6', 'PH_IP6_')):
        match = re.search(r'%s="([^"]*)"' % variable, text)
        if not match:
            continue
        for entry in match.group(1).replace('\\', ' ').split():
            fields = entry.split(',')
            for index, address in enumerate(fields[1:]):
                table['%s%s%s' % (prefix, fields[0].upper(), '1' if index else '')] = address
    return table


def substitute(text, table):
    """Replace every known placeholder (longest first, so PH_IP_MOON1 is not read as PH_IP_MOON + 1)."""
    for name in sorted(table, key=len, reverse=True):
        text = re.sub(r'%s(?![0-9A-Z_])' % re.escape(name), table[name], text)
    return text


def prepared_copy(tests_dir, work_dir):
    """Copy tests_dir to work_dir with placeholders replaced in the configuration files; return work_dir.

    testing.conf is looked for next to tests_dir (testing/testing.conf); without it the
    copy keeps the placeholders (then they read as host names).
    """
    testing_conf = os.path.join(os.path.dirname(os.path.abspath(tests_dir)), 'testing.conf')
    table = read_addresses(testing_conf) if os.path.exists(testing_conf) else {}
    if os.path.exists(work_dir):
        shutil.rmtree(work_dir)
    shutil.copytree(tests_dir, work_dir, symlinks=True)
    if table:
        for folder, _dirs, files in os.walk(work_dir):
            for name in files:
                if name in CONFIG_NAMES or name.endswith('.conf'):
                    path = os.path.join(folder, name)
                    with open(path, 'rb') as handle:
                        text = handle.read().decode('utf-8', 'surrogateescape')
                    replaced = substitute(text, table)
                    if replaced != text:
                        with open(path, 'wb') as handle:
                            handle.write(replaced.encode('utf-8', 'surrogateescape'))
    return work_dir
