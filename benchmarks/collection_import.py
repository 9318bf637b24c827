# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Make the collection importable for a benchmark script run from a checkout inside ansible_collections/."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import sys


def add_collection_root():
    """Put the folder that holds ansible_collections/ipsec/doctor on sys.path when this checkout sits in one."""
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parts = here.split(os.sep)
    if parts[-3:-1] == ['ansible_collections', 'ipsec'] or parts[-3:] == ['ansible_collections', 'ipsec', 'doctor']:
        sys.path.insert(0, os.sep.join(parts[:-3]))


def cannot_import(exc):
    """Exit with the one message every benchmark gives when the collection is not importable."""
    sys.exit('cannot import the collection (%s): set PYTHONPATH to the folder that holds '
             'ansible_collections/ipsec/doctor' % exc)
