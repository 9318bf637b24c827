# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The error entries every parser returns: ``{file, line, message, severity}`` (docs/facts.md)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

# Past this many entries a parser keeps one final note instead of the rest (hostile input stays bounded).
MAX_ERRORS = 500


def error_entry(file, line, message, severity='error'):
    """Return one error entry; severity is 'error' or 'warning'."""
    return {'file': file, 'line': line, 'message': message, 'severity': severity}


def add_error(errors, file, line, message, severity='error', limit=None):
    """Append an error entry to the list errors.

    With a limit, only the first `limit` entries are kept, followed by one error that says
    the rest are not listed.
    """
    if limit is None or len(errors) < limit:
        errors.append(error_entry(file, line, message, severity))
    elif len(errors) == limit:
        errors.append(error_entry(file, line, 'more than %d errors; the rest are not listed' % limit))
