# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.ipsec.doctor.plugins.module_utils._parse.errors import add_error, error_entry


def test_error_entry_has_the_facts_keys():
    assert error_entry('/etc/ipsec.conf', 3, 'bad', 'warning') == {
        'file': '/etc/ipsec.conf', 'line': 3, 'message': 'bad', 'severity': 'warning'}
    assert error_entry('/etc/ipsec.conf', None, 'unreadable')['severity'] == 'error'


def test_add_error_without_limit_keeps_everything():
    errors = []
    for line in range(5):
        add_error(errors, 'f', line, 'm%d' % line)
    assert [error['message'] for error in errors] == ['m0', 'm1', 'm2', 'm3', 'm4']


def test_add_error_past_the_limit_keeps_one_final_note():
    errors = []
    for line in range(6):
        add_error(errors, 'f', line, 'm%d' % line, 'warning', limit=3)
    assert [error['message'] for error in errors] == [
        'm0', 'm1', 'm2', 'more than 3 errors; the rest are not listed']
    assert errors[-1] == {'file': 'f', 'line': 3, 'message': 'more than 3 errors; the rest are not listed',
                          'severity': 'error'}
