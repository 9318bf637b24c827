# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Proposal intersection and the KE groups used at CHILD_SA rekey."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from hypothesis import given, strategies as st

from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine import proposals

AES_CBC = {'encr': ['AES_CBC_256', 'AES_CBC_128'], 'integ': ['HMAC_SHA2_256_128'], 'prf': ['PRF_HMAC_SHA2_256'],
           'ke': ['ECP_256', 'MODP_2048']}
AES_GCM = {'encr': ['AES_GCM_16_256'], 'integ': [], 'prf': ['PRF_HMAC_SHA2_256'], 'ke': ['ECP_256']}


def test_first_common_transform_per_type():
    theirs = {'encr': ['AES_CBC_128'], 'integ': ['HMAC_SHA2_256_128'], 'prf': ['PRF_HMAC_SHA2_256'],
              'ke': ['MODP_2048']}
    assert proposals.common_proposal([AES_CBC], [theirs], proposals.IKE_TYPES) == {
        'encr': 'AES_CBC_128', 'integ': 'HMAC_SHA2_256_128', 'prf': 'PRF_HMAC_SHA2_256', 'ke': 'MODP_2048'}


def test_aead_against_classic_has_no_common_integrity():
    assert proposals.common_proposal([AES_GCM], [AES_CBC], proposals.IKE_TYPES) is None


def test_aead_on_both_ends_needs_no_integrity():
    assert proposals.common_proposal([AES_GCM], [dict(AES_GCM)], proposals.IKE_TYPES)['integ'] is None


def test_esn_defaults_to_no_extended_sequence_numbers():
    first = {'encr': ['AES_GCM_16_128'], 'integ': [], 'esn': []}
    second = {'encr': ['AES_GCM_16_128'], 'integ': [], 'esn': ['NO_EXT_SEQ', 'EXT_SEQ']}
    assert proposals.common_proposal([first], [second], proposals.ESP_TYPES)['esn'] == 'NO_EXT_SEQ'
    assert proposals.common_proposal([first], [dict(second, esn=['EXT_SEQ'])], proposals.ESP_TYPES) is None


def test_esp_intersection_ignores_ke():
    first = {'encr': ['AES_GCM_16_128'], 'integ': [], 'ke': ['MODP_2048']}
    second = {'encr': ['AES_GCM_16_128'], 'integ': [], 'ke': []}
    assert proposals.common_proposal([first], [second], proposals.ESP_TYPES) is not None


_transform = st.sampled_from(['A', 'B', 'C', 'D'])
_proposal = st.fixed_dictionaries({kind: st.lists(_transform, max_size=3) for kind in proposals.IKE_TYPES})


@given(st.lists(_proposal, max_size=3), st.lists(_proposal, max_size=3))
def test_intersection_is_symmetric(first, second):
    forward = proposals.common_proposal(first, second, proposals.IKE_TYPES)
    backward = proposals.common_proposal(second, first, proposals.IKE_TYPES)
    assert (forward is None) == (backward is None)


def test_rekey_groups_strongswan_without_ke_is_none():
    conn = {'daemon': 'strongswan'}
    child = {'esp_proposals': {'effective': [{'encr': ['AES_GCM_16_128'], 'ke': []}]}}
    assert proposals.rekey_groups(conn, child, 'ECP_256') == ['NONE']


def test_rekey_groups_strongswan_mixed_proposals():
    conn = {'daemon': 'strongswan'}
    child = {'esp_proposals': {'effective': [{'encr': ['X'], 'ke': ['MODP_2048']}, {'encr': ['X'], 'ke': []}]}}
    assert proposals.rekey_groups(conn, child, None) == ['MODP_2048', 'NONE']


def test_ke_none_means_pfs_is_optional():
    conn = {'daemon': 'strongswan'}
    child = {'esp_proposals': {'effective': [{'encr': ['X'], 'ke': ['ECP_256', 'KE_NONE']}]}}
    assert proposals.rekey_groups(conn, child, None) == ['ECP_256', 'NONE']


def test_rekey_groups_libreswan():
    conn = {'daemon': 'libreswan'}
    no_ke = {'esp_proposals': {'effective': [{'encr': ['X'], 'ke': []}]}, 'pfs': True}
    assert proposals.rekey_groups(conn, no_ke, 'ECP_256') == ['ECP_256']
    assert proposals.rekey_groups(conn, dict(no_ke, pfs=None), 'ECP_256') == ['ECP_256']
    assert proposals.rekey_groups(conn, dict(no_ke, pfs=False), 'ECP_256') == ['NONE']
    assert proposals.rekey_groups(conn, dict(no_ke, pfs_groups=['MODP_3072']), 'ECP_256') == ['MODP_3072']
    assert proposals.rekey_groups(conn, no_ke, None) is None


def test_unknown_proposals_are_not_compared():
    assert not proposals.is_known({'written': 'aes', 'effective': []})
    assert proposals.rekey_groups({'daemon': 'strongswan'}, {'esp_proposals': {}}, None) is None


def test_describe_shows_written_and_effective():
    text = proposals.describe({'written': 'aes256-sha256-modp2048', 'effective': [AES_CBC]})
    assert text.startswith('aes256-sha256-modp2048 => AES_CBC_256/AES_CBC_128-HMAC_SHA2_256_128')
