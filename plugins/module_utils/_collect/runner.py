# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""One collection run: resolve `gather_subset`, run each collector in isolation, assemble `ansible_facts.ipsec`."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import gc
import traceback

# Static imports: Ansible packs only the module_utils a module imports by name.
from ansible_collections.ipsec.doctor.plugins.module_utils._collect import (
    certs,
    config,
    firewall,
    kernel,
    keys,
    logs,
    ports,
    routes,
    sas,
    secrets,
    service,
    sysctl,
)
from ansible_collections.ipsec.doctor.plugins.module_utils._collect.context import HostContext

FACTS_SCHEMA = 'ipsec.doctor/facts/v1'

# Subset names in the order they run and are listed, and the collector module of each
# (its `collect(host)` returns the subset).
SUBSETS = ('service', 'config', 'secrets', 'certs', 'keys', 'ports', 'firewall', 'kernel', 'sysctl',
           'routes', 'sas', 'logs')
COLLECTORS = {
    'service': service, 'config': config, 'secrets': secrets, 'certs': certs, 'keys': keys, 'ports': ports,
    'firewall': firewall, 'kernel': kernel, 'sysctl': sysctl, 'routes': routes, 'sas': sas, 'logs': logs,
}


class SubsetError(ValueError):
    """A gather_subset entry that names no subset."""


def resolve_subsets(requested):
    """Return the subsets to gather, in SUBSETS order, from a setup-style list.

    'all' selects every subset, a name adds one, '!name' removes one ('!all' removes
    every subset not named). Only exclusions means "all but those". Unknown names
    raise SubsetError listing the valid ones.
    """
    requested = list(requested or ['all'])
    unknown = [item for item in requested if item.lstrip('!') not in SUBSETS + ('all',)]
    if unknown:
        raise SubsetError('unknown gather_subset %s; valid names: all, %s (prefix ! to leave one out)'
                          % (', '.join(sorted(set(unknown))), ', '.join(SUBSETS)))
    included = set()
    excluded = set()
    only_exclusions = all(item.startswith('!') for item in requested)
    if only_exclusions and '!all' not in requested:
        included.update(SUBSETS)
    for item in requested:
        name = item.lstrip('!')
        if item.startswith('!'):
            if name != 'all':
                excluded.add(name)
        elif name == 'all':
            included.update(SUBSETS)
        else:
            included.add(name)
    return [name for name in SUBSETS if name in included and name not in excluded]


def _failure_message(subset, exc):
    """A one-line reason with the innermost place; never the values of local variables."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = ''
    if frames:
        frame = frames[-1]
        where = ' (%s:%d)' % (frame.filename.rsplit('/', 1)[-1], frame.lineno)
    return '%s collector failed: %s: %s%s' % (subset, type(exc).__name__, exc, where)


def gather(options, root='/', runner=None):
    """Run the selected collectors and return the `ansible_facts.ipsec` dict.

    options: the module parameters. An exception in one collector becomes an `errors`
    entry {subset, message} and the other subsets are still gathered.
    """
    subsets = resolve_subsets(options.get('gather_subset'))
    host = HostContext(root=root, runner=runner, options=options)
    facts = {'schema': FACTS_SCHEMA, 'gathered': [], 'is_root': host.is_root, 'errors': host.errors}
    # The parse results are large and acyclic: cyclic garbage collection passes over them
    # only cost time (a third of a run on a host with 10,000 connections).
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        for subset in subsets:
            try:
                facts[subset] = COLLECTORS[subset].collect(host)
            except Exception as exc:  # pylint: disable=broad-except
                # Isolation is the point: one broken subset must not cost the others.
                host.gap(subset, _failure_message(subset, exc))
                continue
            facts['gathered'].append(subset)
    finally:
        if was_enabled:
            gc.enable()
    return facts
