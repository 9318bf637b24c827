# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.ipsec.doctor.plugins.module_utils._parse.includes import TOO_DEEP, follow_include
from ansible_collections.ipsec.doctor.plugins.module_utils._parse.source import MAX_INCLUDE_DEPTH, MemoryReader

READER = MemoryReader({'/etc/d/b.conf': '', '/etc/d/a.conf': '', '/etc/top.conf': ''})


def follow(target, chain, written=None):
    """Return (found, [('read' | 'refused', path or message)]) in the order they happened."""
    events = []
    found = follow_include(READER, target, chain,
                           read=lambda path: events.append(('read', path)),
                           refuse=lambda message: events.append(('refused', message)),
                           cycle_message=lambda path: 'cycle at %s' % path,
                           written=written)
    return found, events


def test_a_glob_reads_its_files_in_sorted_order():
    assert follow('/etc/d/*.conf', ['/etc/top.conf']) == (True, [('read', '/etc/d/a.conf'), ('read', '/etc/d/b.conf')])


@pytest.mark.parametrize('target, found', [
    ('/etc/d/missing.conf', False),   # a plain name that does not exist: the caller reports it
    ('/etc/e/*.conf', True),          # a glob that matches nothing is no error
    ('/etc/e/[ab].conf', True),
    ('/etc/e/?.conf', True),
])
def test_a_missing_file_is_told_apart_from_an_empty_glob(target, found):
    assert follow(target, ['/etc/top.conf']) == (found, [])


def test_the_written_pattern_decides_whether_an_include_is_a_glob():
    assert follow('/etc/x*y/missing.conf', ['/etc/top.conf'], written='missing.conf') == (False, [])
    assert follow('/etc/x*y/missing.conf', ['/etc/top.conf']) == (True, [])


def test_a_file_already_being_read_is_a_cycle_and_the_rest_is_still_read():
    found, events = follow('/etc/d/*.conf', ['/etc/top.conf', '/etc/d/a.conf'])
    assert found
    assert events == [('refused', 'cycle at /etc/d/a.conf'), ('read', '/etc/d/b.conf')]


def test_nesting_is_bounded():
    at_limit = ['/etc/level%d.conf' % level for level in range(MAX_INCLUDE_DEPTH)]
    assert follow('/etc/d/a.conf', at_limit) == (True, [('read', '/etc/d/a.conf')])
    too_deep = at_limit + ['/etc/one-more.conf']
    assert follow('/etc/d/a.conf', too_deep) == (True, [('refused', TOO_DEEP)])
    assert TOO_DEEP == 'includes nested deeper than %d levels' % MAX_INCLUDE_DEPTH
