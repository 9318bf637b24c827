# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What the parser tests share besides fixtures: grammar-shaped input, the error-entry check, look-ups."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from hypothesis import strategies as st

from ansible_collections.ipsec.doctor.plugins.module_utils._model import new_auth_round, new_child, new_connection

# The keys of an error entry in docs/facts.md.
ERROR_KEYS = {'file', 'line', 'message', 'severity'}


def soup(vocabulary, max_size=80, separator=''):
    """A strategy for text made of up to max_size words of a grammar's vocabulary, joined by separator."""
    return st.lists(st.sampled_from(vocabulary), max_size=max_size).map(separator.join)


def assert_error_entries(errors):
    """Assert that every error entry has exactly the keys of docs/facts.md."""
    for error in errors:
        assert set(error) == ERROR_KEYS


def by_name(items, name):
    """The first item (connection, child, pool...) whose 'name' is name."""
    return [item for item in items if item['name'] == name][0]


def assert_model_keys(connections, daemon, fmt):
    """Every connection, child and auth round has exactly the keys of the model's builders."""
    conn_keys = set(new_connection('x', daemon, fmt, 'f', 1))
    child_keys = set(new_child('x', 'f', 1))
    round_keys = set(new_auth_round()) | {'method'}
    for conn in connections:
        assert set(conn) == conn_keys
        assert all(set(child) == child_keys for child in conn['children'])
        assert all(set(auth) == round_keys for auth in conn['local_auth'] + conn['remote_auth'])
