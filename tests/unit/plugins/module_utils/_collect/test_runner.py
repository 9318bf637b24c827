# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.ipsec.doctor.plugins.module_utils._collect import runner

ALL = list(runner.SUBSETS)


@pytest.mark.parametrize('requested, expected', [
    (None, ALL),
    (['all'], ALL),
    (['!logs'], [name for name in ALL if name != 'logs']),
    (['!logs', '!sas'], [name for name in ALL if name not in ('logs', 'sas')]),
    (['sas', 'service'], ['service', 'sas']),
    (['all', '!kernel'], [name for name in ALL if name != 'kernel']),
    (['!all', 'ports'], ['ports']),
    (['config', '!config'], []),
])
def test_resolve_subsets(requested, expected):
    assert runner.resolve_subsets(requested) == expected


def test_unknown_subset_names_every_valid_one():
    with pytest.raises(runner.SubsetError) as info:
        runner.resolve_subsets(['service', 'tunnels', '!bogus'])
    message = str(info.value)
    assert 'bogus, tunnels' in message
    assert all(name in message for name in ALL)


def test_failure_message_names_the_exception_and_place():
    message = None
    try:
        raise KeyError('connections')
    except KeyError as exc:
        message = runner._failure_message('config', exc)
    assert message.startswith("config collector failed: KeyError: 'connections' (test_runner.py:")
