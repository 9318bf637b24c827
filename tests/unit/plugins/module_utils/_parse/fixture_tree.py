# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The parser tests' fixtures: single files by name, and folders that mirror a host's file system.

A mirrored folder is served as a MemoryReader. A file named ``X.base64`` is served as
``X`` with its decoded bytes: binary input stays out of the repository's text files
(sanity tests read every file as UTF-8).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import base64
import os

from ansible_collections.ipsec.doctor.plugins.module_utils._parse.source import MemoryReader

FIXTURES = os.path.join(os.path.dirname(__file__), 'fixtures')
STRONGSWAN_FIXTURES = os.path.join(FIXTURES, 'strongswan')


def fixture_text(folder, name):
    """The text of fixtures/<folder>/<name>."""
    with open(os.path.join(FIXTURES, folder, name)) as handle:
        return handle.read()


def fixture_reader(host, fixtures=STRONGSWAN_FIXTURES):
    """A MemoryReader serving <fixtures>/<host>/etc/... as /etc/..."""
    root = os.path.join(fixtures, host)
    files = {}
    for folder, _dirs, names in os.walk(root):
        for name in names:
            path = os.path.join(folder, name)
            with open(path, 'rb') as handle:
                data = handle.read()
            served = '/' + os.path.relpath(path, root)
            if served.endswith('.base64'):
                served, data = served[:-len('.base64')], base64.b64decode(data)
            files[served] = data
    return MemoryReader(files)
