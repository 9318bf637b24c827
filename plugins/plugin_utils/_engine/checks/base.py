# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What a check is: a named, documented unit that yields findings for a host or a tunnel."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine.findings import Finding

HOST = 'host'
TUNNEL = 'tunnel'

# What unexpected facts can make a check raise. Anything else (ImportError for a missing
# controller package, for example) is not about the facts and goes up to the caller.
_FACTS_ERRORS = (TypeError, ValueError, AttributeError, KeyError, IndexError, ArithmeticError)


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
        """Return the findings of the check for one host or tunnel.

        A check that stops on facts it cannot interpret yields one CHECK_FAILED finding
        instead, so that one odd value never costs the whole report.
        """
        try:
            return list(self.func(ctx, subject) or ())
        except _FACTS_ERRORS as exc:
            if self.scope == HOST:
                hosts, tunnel, where = [subject.name], None, subject.name
            else:
                hosts, tunnel, where = subject.host_names, subject.id, 'tunnel %s' % subject.id
            error = '%s: %s' % (type(exc).__name__, exc)
            return [Finding('CHECK_FAILED', hosts, tunnel=tunnel, params={'check': self.name, 'error': error},
                            evidence=['%s: check %s failed: %s' % (where, self.name, error)], definite=False)]
