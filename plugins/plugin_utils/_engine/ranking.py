# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Root cause first: the order of the findings.

Findings are sorted by
1. severity, where a finding that explains another one (catalog ``causes``) on a shared host
   counts with the highest severity of what it explains, so a cause never ranks below its symptom;
2. a finding that explains another present finding before one that does not (ID_MISMATCH
   before the PSK_MISSING it causes, although auth comes before config in the checklist);
3. definite (proven from both ends, or read on the host) before speculative;
4. the checklist category order (service, network, auth, config, nat, kernel, routing);
5. the catalog rank inside the category (e.g. DAEMON_NOT_RUNNING before IKE_PORT_NOT_LISTENING);
6. then tunnel, hosts and summary so that the order is stable.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine.catalog import (
    category_index,
    finding_type,
    severity_index,
)


def _explained_severity(findings):
    """Return {id(finding): (severity index used for ordering, explains another finding)}."""
    worst = {}   # (host, code) -> highest severity index of that code on that host
    for finding in findings:
        level = severity_index(finding.severity)
        for host in finding.hosts:
            if worst.get((host, finding.code), -1) < level:
                worst[(host, finding.code)] = level
    ordering = {}
    for finding in findings:
        best = severity_index(finding.severity)
        explains = False
        for code in finding_type(finding.code).causes:
            for host in finding.hosts:
                level = worst.get((host, code), -1)
                if level >= 0:
                    explains = True
                    best = max(best, level)
        ordering[id(finding)] = (best, explains)
    return ordering


def rank_findings(findings):
    """Return findings ordered most likely root cause first."""
    ordering = _explained_severity(findings)

    def key(finding):
        ftype = finding_type(finding.code)
        severity, explains = ordering[id(finding)]
        return (-severity, 0 if explains else 1, 0 if finding.definite else 1, category_index(ftype.category),
                ftype.rank,
                finding.tunnel or '', tuple(finding.hosts), finding.summary)

    return sorted(findings, key=key)
