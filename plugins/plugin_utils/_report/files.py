# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Write the selected report formats into a folder, each file atomically (temp file, then rename)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import tempfile

from ansible_collections.ipsec.doctor.plugins.plugin_utils._report.html import render_html
from ansible_collections.ipsec.doctor.plugins.plugin_utils._report.json_report import render_json
from ansible_collections.ipsec.doctor.plugins.plugin_utils._report.junit import render_junit
from ansible_collections.ipsec.doctor.plugins.plugin_utils._report.markdown import render_markdown

FORMATS = {
    'json': 'report.json',
    'markdown': 'report.md',
    'junit': 'junit.xml',
    'html': 'report.html',
}
DEFAULT_FORMATS = ('json', 'markdown', 'junit', 'html')


def render(report, fmt, fail_on='error'):
    """Return the text of one format."""
    if fmt == 'json':
        return render_json(report)
    if fmt == 'markdown':
        return render_markdown(report)
    if fmt == 'junit':
        return render_junit(report, fail_on)
    if fmt == 'html':
        return render_html(report)
    raise ValueError('unknown report format %r (choose from %s)' % (fmt, ', '.join(sorted(FORMATS))))


def _write_atomic(path, text):
    folder = os.path.dirname(path) or '.'
    handle, temp = tempfile.mkstemp(prefix='.tmp-', dir=folder)
    try:
        with os.fdopen(handle, 'w', encoding='utf-8') as stream:
            stream.write(text)
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise


def write_reports(report, folder, formats=DEFAULT_FORMATS, fail_on='error'):
    """Write each format of formats into folder (created if needed); return {format: path}."""
    unknown = [fmt for fmt in formats if fmt not in FORMATS]
    if unknown:
        raise ValueError('unknown report format(s) %s (choose from %s)' % (', '.join(unknown),
                                                                           ', '.join(sorted(FORMATS))))
    if not os.path.isdir(folder):
        os.makedirs(folder)
    written = {}
    for fmt in formats:
        path = os.path.join(folder, FORMATS[fmt])
        _write_atomic(path, render(report, fmt, fail_on))
        written[fmt] = path
    return written
