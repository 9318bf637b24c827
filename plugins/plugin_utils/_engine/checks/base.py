# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What a check is: a named, documented unit that yields findings for a host or a tunnel."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

HOST = 'host'
TUNNEL = 'tunnel'


class Check(object):
    """One invariant.

    name: the check name of the catalog entries it reports (the junit test case name);
    scope: HOST (called as func(ctx, host) for every host with facts) or TUNNEL
    (func(ctx, tunnel) for every tunnel); func yields Finding objects. A host check with
    needs_facts=False also runs for hosts without facts (unreachable, failed).
    """

    __slots__ = ('name', 'category', 'scope', 'func', 'needs_facts')

    def __init__(self, name, category, scope, func, needs_facts=True):
        self.name = name
        self.category = category
        self.scope = scope
        self.func = func
        self.needs_facts = needs_facts

    @property
    def description(self):
        """The first line of the check function's docstring."""
        return (self.func.__doc__ or '').strip().split('\n')[0]

    def run(self, ctx, subject):
        """Return the findings of the check for one host or tunnel."""
        return list(self.func(ctx, subject) or ())
