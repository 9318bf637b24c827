# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Replays what a real charon 5.9.8 made of a swanctl.conf against parse_swanctl's normalized proposals.

fixtures/strongswan/charon-5.9.8/charon.log holds the proposals charon logged (cfg level 2) for each
connection and CHILD_SA of the swanctl.conf next to it, and the connections swanctl could not load.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import re

import pytest

from ansible_collections.ipsec.doctor.plugins.module_utils._parse.source import FileSystemReader
from ansible_collections.ipsec.doctor.plugins.module_utils._parse.swanctl import parse_swanctl

FOLDER = os.path.join(os.path.dirname(__file__), 'fixtures', 'strongswan', 'charon-5.9.8')
TRANSFORM_KEYS = ('encr', 'integ', 'prf', 'ke', 'ke1', 'esn')


def load_replay():
    """Return (plugins, {connection: {'ike': [...], 'children': [[...], ...]}}, rejected connection names)."""
    with open(os.path.join(FOLDER, 'charon.log')) as handle:
        lines = handle.read().splitlines()
    plugins = [line.split(':', 1)[1].split() for line in lines if line.startswith('# loaded plugins:')][0]
    logged = {}
    current = {'ike': None, 'children': []}
    rejected = set()
    for line in lines:
        match = re.match(r'^\[CFG\] (\s+)proposals = (.*)$', line)
        if match:
            proposals = [item.split(':', 1)[1].split('/') for item in match.group(2).split(', ')]
            if len(match.group(1)) == 3:
                current['children'].append(proposals)
            else:
                current['ike'] = proposals
        match = re.match(r'^\[CFG\] added vici connection: (\S+)$', line)
        if match:
            logged[match.group(1)] = current
            current = {'ike': None, 'children': []}
        match = re.match(r"^\[swanctl\] loading connection '(\S+)' failed", line)
        if match:
            rejected.add(match.group(1))
    return plugins, logged, rejected


def flatten(proposal):
    """A proposal as charon prints it: transforms in type order."""
    names = []
    for key in TRANSFORM_KEYS:
        names.extend(proposal.get(key, []))
    return names


PLUGINS, LOGGED, REJECTED = load_replay()
PARSED = parse_swanctl(os.path.join(FOLDER, 'swanctl.conf'), FileSystemReader(),
                       context={'version': '5.9.8', 'plugins': PLUGINS})
CONNECTIONS = dict((conn['name'], conn) for conn in PARSED['connections'])
ERROR_LINES = set(error['line'] for error in PARSED['errors'])


def proposal_lines(conn):
    """Return the line numbers of the proposal settings of a connection and its children."""
    srcs = [conn['src'].get('ike_proposals')] + [child['src'].get('esp_proposals') for child in conn['children']]
    return set(int(src.rsplit(':', 1)[1]) for src in srcs if src)


def test_replay_covers_every_connection():
    assert set(CONNECTIONS) == set(LOGGED) | REJECTED
    assert len(LOGGED) > 30 and len(REJECTED) >= 5


@pytest.mark.parametrize('name', sorted(REJECTED))
def test_what_charon_rejects_is_an_error(name):
    assert proposal_lines(CONNECTIONS[name]) & ERROR_LINES


@pytest.mark.parametrize('name', sorted(LOGGED))
def test_what_charon_accepts_normalizes_to_its_proposals(name):
    conn = CONNECTIONS[name]
    assert not proposal_lines(conn) & ERROR_LINES
    assert [flatten(p) for p in conn['ike_proposals']['effective']] == LOGGED[name]['ike']
    children = [[flatten(p) for p in child['esp_proposals']['effective']] for child in conn['children']]
    assert children == LOGGED[name]['children']
