# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""One finding: a code from the catalog, the hosts and tunnel it concerns, and its evidence."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine.catalog import finding_type


DEFAULT_FIX = object()
"""Marker: use the catalog's default fix for the code (pass fix=None for "no safe fix")."""


class _Missing(dict):
    """Format mapping that leaves unknown placeholders visible instead of raising."""

    def __missing__(self, key):
        return '{%s}' % key


def _render(template, params):
    return template.format_map(_Missing(params))


class Finding(object):
    """A finding as the checks produce it; ``as_dict`` gives the report.json shape.

    ``definite`` is True when the finding is proven (a configuration mismatch seen with the
    facts of both ends, a state read on the host, or log lines from both ends); one-sided
    guesses are speculative and rank after definite findings of the same severity.
    """

    __slots__ = ('code', 'hosts', 'tunnel', 'summary', 'remediation', 'evidence', 'fix', 'definite',
                 'severity', 'connections')

    def __init__(self, code, hosts, tunnel=None, params=None, evidence=None, fix=DEFAULT_FIX, definite=True,
                 connections=None):
        ftype = finding_type(code)
        params = dict(params or {})
        hosts = [host for host in hosts if host]
        params.setdefault('host', hosts[0] if hosts else '-')
        params.setdefault('hosts', ' and '.join(hosts) if hosts else '-')
        self.code = code
        self.hosts = hosts
        self.tunnel = tunnel
        self.summary = _render(ftype.summary, params)
        self.remediation = _render(ftype.remediation, params)
        self.evidence = list(evidence or [])
        if fix is DEFAULT_FIX:
            fix = ftype.fixes[0] if ftype.fixes else None
        if fix is not None and fix not in ftype.fixes:
            raise ValueError('fix %s is not listed for %s in the catalog' % (fix, code))
        self.fix = fix
        self.definite = definite
        self.severity = ftype.severity
        # (host, connection name) pairs this finding is about; used to attach log lines.
        self.connections = list(connections or [])

    @property
    def category(self):
        """The checklist category of the code."""
        return finding_type(self.code).category

    def add_evidence(self, lines):
        """Append evidence lines that are not there yet."""
        for line in lines:
            if line not in self.evidence:
                self.evidence.append(line)

    def as_dict(self):
        """Return the finding as report.json carries it."""
        return {
            'code': self.code,
            'category': self.category,
            'severity': self.severity,
            'hosts': list(self.hosts),
            'tunnel': self.tunnel,
            'summary': self.summary,
            'evidence': list(self.evidence),
            'remediation': self.remediation,
            'fix': self.fix,
        }
