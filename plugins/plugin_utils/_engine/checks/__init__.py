# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The registry of checks, one module per checklist area, in checklist order."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine.checks import (
    auth,
    config,
    kernel,
    nat,
    network,
    routing,
    service,
)
from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine.checks.base import HOST, TUNNEL

ALL_CHECKS = service.CHECKS + network.CHECKS + auth.CHECKS + config.CHECKS + nat.CHECKS + kernel.CHECKS + routing.CHECKS


def host_checks():
    """The checks that run once per host."""
    return [check for check in ALL_CHECKS if check.scope == HOST]


def tunnel_checks():
    """The checks that run once per tunnel."""
    return [check for check in ALL_CHECKS if check.scope == TUNNEL]


def check_names():
    """Every check name once, in checklist order (the junit test cases of a tunnel)."""
    names = []
    for check in ALL_CHECKS:
        if check.name not in names:
            names.append(check.name)
    for extra in ('reachability', 'logs', 'engine'):
        if extra not in names:
            names.append(extra)
    return names
