# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""report.json: the report dict as stable, indented JSON (schema ipsec.doctor/report/v1)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json


def render_json(report):
    """Return report.json text; keys keep the contract's order."""
    return json.dumps(report, indent=2, ensure_ascii=False) + '\n'
