# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The catalog is complete and consistent, and docs/findings.md is generated from it."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import importlib.util
import os
import re

import pytest

from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine import catalog
from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine.checks import ALL_CHECKS, check_names

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..', '..', '..'))
ENGINE = os.path.join(ROOT, 'plugins', 'plugin_utils', '_engine')

CONTRACT_CODES = {
    'service': ['DAEMON_NOT_RUNNING', 'CONFIG_PARSE_ERROR', 'CONFIG_NOT_LOADED'],
    'network': ['IKE_PORT_NOT_LISTENING', 'FIREWALL_BLOCKS_IKE', 'PEER_UNREACHABLE'],
    'auth': ['PSK_MISMATCH', 'PSK_MISSING', 'CERT_EXPIRED', 'CERT_NOT_YET_VALID', 'CERT_UNTRUSTED', 'CERT_ID_MISMATCH',
             'PRIVATE_KEY_MISSING', 'KEY_PERMISSIONS'],
    'config': ['IKE_PROPOSAL_MISMATCH', 'ESP_PROPOSAL_MISMATCH', 'PFS_MISMATCH', 'ID_MISMATCH', 'IKE_VERSION_MISMATCH',
               'AUTH_METHOD_MISMATCH'],
    'nat': ['NAT_T_BLOCKED'],
    'kernel': ['KERNEL_ESP_UNSUPPORTED', 'IP_FORWARD_DISABLED', 'RP_FILTER_STRICT'],
    'routing': ['TS_MISMATCH', 'SUBNET_OVERLAP', 'VIRTUAL_IP_CONFLICT'],
}


def _load_generator():
    spec = importlib.util.spec_from_file_location('generate_findings', os.path.join(ROOT, 'docs', 'generate_findings.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize('category,code', [(category, code) for category, codes in CONTRACT_CODES.items()
                                           for code in codes])
def test_contract_codes_exist_in_their_category(category, code):
    assert catalog.CATALOG[code].category == category


def test_entries_are_consistent():
    registered = set(check_names())
    for entry in catalog.all_finding_types():
        assert re.match(r'^[A-Z][A-Z0-9_]+$', entry.code)
        assert entry.category in catalog.CATEGORIES
        assert entry.severity in catalog.SEVERITIES
        assert entry.check in registered, entry.code
        assert set(entry.fixes) <= set(catalog.FIX_NAMES)
        assert set(entry.causes) <= set(catalog.CATALOG), entry.code
        assert entry.code not in entry.causes
        assert entry.summary and entry.cause and entry.evidence and entry.remediation


def test_every_fix_name_repairs_some_code():
    used = set(fix for entry in catalog.all_finding_types() for fix in entry.fixes)
    assert used == set(catalog.FIX_NAMES)


def test_every_code_is_reported_by_some_code_path():
    sources = ''
    for folder, _dirs, files in os.walk(ENGINE):
        for name in files:
            if name.endswith('.py') and name != 'catalog.py':
                with open(os.path.join(folder, name), encoding='utf-8') as stream:
                    sources += stream.read()
    missing = [code for code in catalog.CATALOG if "'%s'" % code not in sources]
    assert missing == []


def test_checks_belong_to_the_category_of_their_codes():
    for check in ALL_CHECKS:
        categories = set(entry.category for entry in catalog.CATALOG.values() if entry.check == check.name)
        assert categories == {check.category}, check.name


def test_findings_doc_is_up_to_date():
    generator = _load_generator()
    expected = generator.render(generator.load_catalog())
    with open(os.path.join(ROOT, 'docs', 'findings.md'), encoding='utf-8') as stream:
        assert stream.read() == expected, 'docs/findings.md is out of date: run python3 docs/generate_findings.py'


def test_findings_doc_lists_every_code():
    generator = _load_generator()
    text = generator.render(catalog)
    for code in catalog.CATALOG:
        assert '### %s\n' % code in text
