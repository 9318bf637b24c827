# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Tallies of parser-versus-daemon agreement for one corpus, and their printout."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os

from canonical import canonical_list

FIELDS = ('names', 'addresses', 'ids', 'ts')

# Why a file does not count as daemon-accepted.
MISSING_REFERENCE = 'missing reference'   # an include, cert or key the test environment generates
REFUSED = 'refused'                       # the daemon rejects the file or one of its connections
ORACLE_FAILED = 'oracle failed'           # the daemon could not be asked


class Tally:
    """Counts for one corpus: files, daemon-accepted, parser-clean, per-field checks and disagreements."""

    def __init__(self, corpus, root=None):
        self.corpus = corpus
        self.root = root            # files are shown relative to it
        self.files = 0
        self.accepted = 0
        self.parser_clean = 0
        self.not_accepted = {}
        self.checks = dict((field, 0) for field in FIELDS)
        self.agreed = dict((field, 0) for field in FIELDS)
        self.disagreements = []
        self.parser_errors = []
        self.placeholders = 0       # accepted files that needed placeholder credentials
        self.not_comparable = 0     # checks skipped: the daemon's value is not the file's (placeholder ID, ...)
        self.refused_flagged = 0    # refused files on which the parser reports an error too
        self.spelling_only = 0      # TS checks equal only once both sides are spelled canonically
        self.from_credential = []   # IDs the daemon took from a certificate or public key the parser leaves open
        self.unflagged = []         # refused files the parser finds nothing wrong with

    def reject(self, reason):
        """Count a file the daemon did not accept, by reason."""
        self.not_accepted[reason] = self.not_accepted.get(reason, 0) + 1

    def compare(self, path, field, where, parser_value, daemon_value):
        """Count one comparison; keep it as a disagreement when the values differ."""
        self.checks[field] += 1
        if parser_value == daemon_value:
            self.agreed[field] += 1
        else:
            self.disagreements.append({'file': path, 'field': field, 'where': where,
                                       'parser': parser_value, 'daemon': daemon_value})

    def compare_ts(self, path, where, parser_value, daemon_value):
        """Compare two selector lists; a difference of spelling alone (fec1::0/16, fec1::/16) agrees."""
        if parser_value != daemon_value and canonical_list(parser_value) == canonical_list(daemon_value):
            self.spelling_only += 1
            self.compare(path, 'ts', where, parser_value, parser_value)
        else:
            self.compare(path, 'ts', where, parser_value, daemon_value)

    def agreement(self, field):
        """Per cent of the checks of field that agree (None without checks)."""
        if not self.checks[field]:
            return None
        return 100.0 * self.agreed[field] / self.checks[field]

    def overall(self):
        """Per cent of all checks that agree, parser-clean files counted as one check each."""
        checks = sum(self.checks.values()) + self.accepted
        agreed = sum(self.agreed.values()) + self.parser_clean
        return 100.0 * agreed / checks if checks else None

    def shown(self, path):
        """path relative to the corpus root when it is inside it."""
        if self.root and path.startswith(self.root + os.sep):
            return os.path.relpath(path, self.root)
        return path

    def report(self, limit):
        """The figures as printable lines, with the first limit disagreements."""
        lines = ['== %s' % self.corpus,
                 'files: %d' % self.files,
                 'daemon-accepted: %d%s' % (self.accepted, ''.join(
                     '; %s: %d' % item for item in sorted(self.not_accepted.items())))]
        if self.placeholders:
            lines.append('  of which accepted with placeholder certificates/public keys: %d' % self.placeholders)
        refused = self.not_accepted.get(REFUSED, 0)
        if refused:
            lines.append('refused files the parser flags with an error: %d of %d' % (self.refused_flagged, refused))
        clean = 100.0 * self.parser_clean / self.accepted if self.accepted else 0.0
        lines.append('parser-clean on accepted: %d of %d (%.1f%%)' % (self.parser_clean, self.accepted, clean))
        for field in FIELDS:
            share = self.agreement(field)
            lines.append('%-10s %5d of %5d agree (%s)' % (
                field + ':', self.agreed[field], self.checks[field], '-' if share is None else '%.1f%%' % share))
        if self.spelling_only:
            lines.append('TS checks equal only in canonical spelling (the model keeps selectors as written): %d'
                         % self.spelling_only)
        if self.from_credential:
            lines.append('ID checks not comparable (the parser leaves the ID open, charon takes it from a '
                         'certificate or public key): %d' % len(self.from_credential))
        if self.not_comparable:
            lines.append('checks not comparable (the oracle cannot show the value as the file means it: IDs of '
                         'placeholder certificates, %%defaultroute, interface names, virtual subnets): %d'
                         % self.not_comparable)
        for item in self.unflagged[:limit]:
            lines.append('refused, parser silent: %s: %s' % (self.shown(item['file']), item['daemon']))
        for error in self.parser_errors[:limit]:
            lines.append('parser error on accepted file: %s:%s: %s' % (
                self.shown(error['file']), error['line'], error['message'].replace(self.root or '\0', '.')))
        for item in self.disagreements[:limit]:
            lines.append('disagreement: %s [%s] %s: parser %r, daemon %r' % (
                self.shown(item['file']), item['field'], item['where'], item['parser'], item['daemon']))
        if len(self.disagreements) > limit:
            lines.append('... %d more disagreements' % (len(self.disagreements) - limit))
        return lines
