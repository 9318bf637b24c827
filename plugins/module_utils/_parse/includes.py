# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Following an ``include``: the files it names, in order, without cycles or unbounded nesting.

Every configuration format here has includes (ipsec.conf, ipsec.secrets, strongswan.conf,
swanctl.conf, racoon.conf) and the daemons agree on what one means: a glob, expanded in
sorted order, where a glob that matches nothing is no error but a plain file name that
does not exist is. Each parser words its own messages; the walk is this one.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re

from ansible_collections.ipsec.doctor.plugins.module_utils._parse.source import MAX_INCLUDE_DEPTH

GLOB_CHARS = re.compile(r'[*?\[]')
TOO_DEEP = 'includes nested deeper than %d levels' % MAX_INCLUDE_DEPTH


def follow_include(reader, target, chain, read, refuse, cycle_message, written=None):
    """Read the files an include names, refusing cycles and nesting deeper than MAX_INCLUDE_DEPTH.

    target: the include's absolute glob; chain: the files being read, outermost first,
    ending with the including file; read(path): reads one included file; refuse(message):
    reports a file that is not read; cycle_message(path): the message for a file already in
    chain; written: the pattern as written, when it rather than target decides whether the
    include is a glob. Returns False, having read nothing, when the include names one file
    that does not exist (the caller reports it), else True.
    """
    matches = reader.glob(target)
    if not matches and not GLOB_CHARS.search(target if written is None else written):
        return False
    for path in matches:
        if path in chain:
            refuse(cycle_message(path))
        elif len(chain) > MAX_INCLUDE_DEPTH:
            refuse(TOO_DEEP)
        else:
            read(path)
    return True
