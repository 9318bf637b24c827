# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest
from hypothesis import given, settings, strategies as st

from ansible_collections.ipsec.doctor.plugins.module_utils._parse import proposals
from ansible_collections.ipsec.doctor.plugins.module_utils._parse.algorithms import strongswan_keyword


@pytest.mark.parametrize('keyword, kind, names', [
    ('aes', 'encr', ['AES_CBC_128']),
    ('aes128', 'encr', ['AES_CBC_128']),
    ('aes256', 'encr', ['AES_CBC_256']),
    ('aes192ctr', 'encr', ['AES_CTR_192']),
    ('aes256gcm16', 'encr', ['AES_GCM_16_256']),
    ('aes128gcm128', 'encr', ['AES_GCM_16_128']),
    ('aes256gcm12', 'encr', ['AES_GCM_12_256']),
    ('aes128ccm8', 'encr', ['AES_CCM_8_128']),
    ('aes128gmac', 'encr', ['NULL_AES_GMAC_128']),
    ('camellia256', 'encr', ['CAMELLIA_CBC_256']),
    ('camellia128ccm16', 'encr', ['CAMELLIA_CCM_16_128']),
    ('chacha20poly1305', 'encr', ['CHACHA20_POLY1305']),
    ('3des', 'encr', ['3DES_CBC']),
    ('sha1', 'integ', ['HMAC_SHA1_96']),
    ('sha256', 'integ', ['HMAC_SHA2_256_128']),
    ('sha2_384', 'integ', ['HMAC_SHA2_384_192']),
    ('sha512', 'integ', ['HMAC_SHA2_512_256']),
    ('aesxcbc', 'integ', ['AES_XCBC_96']),
    ('prfsha384', 'prf', ['PRF_HMAC_SHA2_384']),
    ('prfaesxcbc', 'prf', ['PRF_AES128_XCBC']),
    ('modp2048', 'ke', ['MODP_2048']),
    ('modp2048s256', 'ke', ['MODP_2048_256']),
    ('ecp256', 'ke', ['ECP_256']),
    ('ecp384bp', 'ke', ['ECP_384_BP']),
    ('x25519', 'ke', ['CURVE_25519']),
    ('curve25519', 'ke', ['CURVE_25519']),
    ('curve448', 'ke', ['CURVE_448']),
    ('esn', 'esn', ['EXT_SEQ']),
    ('noesn', 'esn', ['NO_EXT_SEQ']),
    ('AES256', 'encr', ['AES_CBC_256']),
    ('aes256gcm', 'encr', ['AES_GCM_16_256']),
    ('aes128ccm', 'encr', ['AES_CCM_16_128']),
    ('camellia', 'encr', ['CAMELLIA_CBC_128']),
    ('serpent256', 'encr', ['SERPENT_CBC_256']),
    ('modpnone', 'ke', ['KE_NONE']),
    ('none', 'ke', ['KE_NONE']),
])
def test_strongswan_keywords(keyword, kind, names):
    assert strongswan_keyword(keyword) == (kind, names)


@pytest.mark.parametrize('keyword', ['aes512', 'aesgcm16', 'aesctr', 'camellia128gcm16', 'camellia128ccm',
                                     'camellia128gmac', 'sha3', 'modp9999', 'bogus', ''])
def test_strongswan_unknown_keywords(keyword):
    assert strongswan_keyword(keyword) == (None, None)


def test_strongswan_ike_prf_derived_from_integrity():
    result, errors = proposals.parse_strongswan('aes256-sha256-modp2048', 'ike')
    assert errors == []
    assert result == [{'encr': ['AES_CBC_256'], 'integ': ['HMAC_SHA2_256_128'], 'prf': ['PRF_HMAC_SHA2_256'],
                       'ke': ['MODP_2048']}]


def test_strongswan_ike_several_proposals_and_algorithms():
    result, errors = proposals.parse_strongswan('aes128-aes256-sha256-sha1-ecp256-modp2048, aes256gcm16-prfsha384-'
                                                'x25519', 'ike')
    assert errors == []
    assert result == [
        {'encr': ['AES_CBC_128', 'AES_CBC_256'], 'integ': ['HMAC_SHA2_256_128', 'HMAC_SHA1_96'],
         'prf': ['PRF_HMAC_SHA2_256', 'PRF_HMAC_SHA1'], 'ke': ['ECP_256', 'MODP_2048']},
        {'encr': ['AES_GCM_16_256'], 'integ': [], 'prf': ['PRF_HMAC_SHA2_384'], 'ke': ['CURVE_25519']},
    ]


def test_strongswan_cases_checked_against_charon_5_9_8():
    # Each expectation is what charon 5.9.8 logged for the same string (cfg level 2).
    result, errors = proposals.parse_strongswan('aes256-sha256-ecp256-esn', 'ike')
    assert errors == []
    assert result == [{'encr': ['AES_CBC_256'], 'integ': ['HMAC_SHA2_256_128'], 'prf': ['PRF_HMAC_SHA2_256'],
                       'ke': ['ECP_256'], 'esn': ['EXT_SEQ']}]
    _result, errors = proposals.parse_strongswan('aes256-sha2_256_96-modp4096', 'ike')
    assert errors == ["a PRF algorithm is mandatory in IKE proposals ('aes256-sha2_256_96-modp4096')"]
    result, errors = proposals.parse_strongswan('aes256gmac-sha256-ecp256', 'ike')
    assert result == [{'encr': ['NULL_AES_GMAC_256'], 'integ': [], 'prf': ['PRF_HMAC_SHA2_256'], 'ke': ['ECP_256']}]


def test_strongswan_ike_aead_integrity_becomes_prf():
    result, errors = proposals.parse_strongswan('aes256gcm16-sha384-ecp384', 'ike')
    assert errors == []
    assert result == [{'encr': ['AES_GCM_16_256'], 'integ': [], 'prf': ['PRF_HMAC_SHA2_384'], 'ke': ['ECP_384']}]


@pytest.mark.parametrize('text, fragment', [
    ('aes256gcm16-ecp256', 'a PRF algorithm is mandatory'),
    ('aes256-sha256', 'a DH group is mandatory'),
    ('aes256-sha256-none', 'a DH group is mandatory'),
    ('sha256-modp2048', 'encryption algorithm is mandatory'),
    ('aes256-prfsha256-modp2048', 'integrity algorithm is mandatory'),
    ('aes256-aes256gcm16-sha256-modp2048', "can't be mixed"),
    ('aes256-sha256-modp2048-bogus7', "'bogus7'"),
    ('aes256--sha256-modp2048', 'empty algorithm keyword'),
    ('aes256-sha256-modp2048,', 'empty ike proposal'),
])
def test_strongswan_ike_errors(text, fragment):
    result, errors = proposals.parse_strongswan(text, 'ike')
    assert any(fragment in error for error in errors), errors


def test_strongswan_error_keeps_valid_proposals():
    result, errors = proposals.parse_strongswan('aes256-sha256-modp2048,aes256-sha256-nope', 'ike')
    assert len(result) == 1
    assert errors == ["unknown algorithm keyword 'nope' in ike proposal 'aes256-sha256-nope'"]


def test_strongswan_esp_adds_no_ext_seq_and_keeps_pfs_group():
    result, errors = proposals.parse_strongswan('aes256gcm16-modp2048, aes128-sha256-esn-noesn', 'esp')
    assert errors == []
    assert result == [
        {'encr': ['AES_GCM_16_256'], 'integ': [], 'ke': ['MODP_2048'], 'esn': ['NO_EXT_SEQ']},
        {'encr': ['AES_CBC_128'], 'integ': ['HMAC_SHA2_256_128'], 'ke': [], 'esn': ['EXT_SEQ', 'NO_EXT_SEQ']},
    ]
    assert proposals.ke_methods(result) == ['MODP_2048']


def test_strongswan_esp_none_makes_pfs_optional():
    result, errors = proposals.parse_strongswan('aes256-sha256-modp2048-none', 'esp')
    assert errors == []
    assert result[0]['ke'] == ['MODP_2048', 'KE_NONE']
    assert proposals.ke_methods(result) == ['MODP_2048']
    result, errors = proposals.parse_strongswan('aes256-sha256-modp2048-none', 'ike')
    assert result[0]['ke'] == ['MODP_2048']


def test_strongswan_esp_drops_prf_and_allows_encryption_only():
    result, errors = proposals.parse_strongswan('aes128-sha256-prfsha256', 'esp')
    assert errors == []
    assert 'prf' not in result[0]
    result, errors = proposals.parse_strongswan('aes128-modp2048', 'esp')
    assert errors == []
    assert result == [{'encr': ['AES_CBC_128'], 'integ': [], 'ke': ['MODP_2048'], 'esn': ['NO_EXT_SEQ']}]


def test_strongswan_ah_proposal():
    result, errors = proposals.parse_strongswan('sha256-modp3072', 'ah')
    assert errors == []
    assert result == [{'integ': ['HMAC_SHA2_256_128'], 'ke': ['MODP_3072'], 'esn': ['NO_EXT_SEQ']}]
    result, errors = proposals.parse_strongswan('aes256gmac-aes128', 'ah')
    assert errors == []
    assert result == [{'integ': ['AES_256_GMAC'], 'ke': [], 'esn': ['NO_EXT_SEQ']}]
    result, errors = proposals.parse_strongswan('aes128-modp2048', 'ah')
    assert result == []
    assert 'integrity algorithm is mandatory in AH' in errors[0]


def test_strongswan_additional_key_exchanges():
    result, errors = proposals.parse_strongswan('aes256-sha512-modp3072-ke1_mlkem768', 'ike')
    assert errors == []
    assert result[0]['ke'] == ['MODP_3072']
    assert result[0]['ke1'] == ['ML_KEM_768']


def test_additional_key_exchanges_need_strongswan_6():
    _result, errors = proposals.parse_strongswan('aes256-sha512-modp3072-ke1_mlkem768', 'ike', '5.9.8')
    assert errors == ["additional key exchange 'ke1_mlkem768' in ike proposal 'aes256-sha512-modp3072-ke1_mlkem768' "
                      "needs strongSwan 6.0 or later"]
    result, errors = proposals.parse_strongswan('aes256-sha512-modp3072-ke1_mlkem768', 'ike', '6.0.1')
    assert errors == [] and result[0]['ke1'] == ['ML_KEM_768']


@pytest.mark.parametrize('text, ke', [
    ('aes128-sha256-ntru128', 'NTRU_128'),
    ('aes192-sha384-ntru192', 'NTRU_192'),
    ('aes128-sha256-newhope128', 'NEWHOPE_128'),
])
def test_strongswan_5_knows_ntru_and_newhope(text, ke):
    """charon 5.9.8 loads these (conformance: ikev2/rw-ntru-bliss, ikev2/rw-newhope-bliss swanctl.conf)."""
    for version in (None, '5.9.8'):
        result, errors = proposals.parse_strongswan(text, 'ike', version)
        assert errors == []
        assert result[0]['ke'] == [ke]
    result, errors = proposals.parse_strongswan(text, 'esp', '5.9.8')
    assert errors == [] and result[0]['ke'] == [ke]


def test_strongswan_6_dropped_ntru_and_newhope():
    for word in ('ntru112', 'ntru256', 'newhope128'):
        text = 'aes128-sha256-%s' % word
        result, errors = proposals.parse_strongswan(text, 'ike', '6.0.1')
        assert result == []
        assert errors == ["unknown algorithm keyword '%s' in ike proposal '%s'" % (word, text)]


def test_unset_strongswan_ike_is_classic_then_aead_default():
    proposal_set, errors = proposals.expand_strongswan(None, 'ike')
    assert errors == []
    assert proposal_set['written'] is None
    assert proposal_set['strict'] is False
    classic, aead = proposal_set['effective']
    assert classic['encr'][0] == 'AES_CBC_128'
    assert 'HMAC_SHA2_256_128' in classic['integ']
    assert classic['ke'][:3] == ['CURVE_25519', 'CURVE_448', 'ECP_256']
    assert classic['ke'][-1] == 'MODP_2048'
    assert 'MODP_1024' not in classic['ke']
    assert aead['encr'][:3] == ['AES_GCM_16_128', 'AES_GCM_16_192', 'AES_GCM_16_256']
    assert 'CHACHA20_POLY1305' in aead['encr']
    assert aead['integ'] == []


def test_unset_strongswan_esp_is_aead_first_without_ke():
    proposal_set, _errors = proposals.expand_strongswan(None, 'esp')
    aead, classic = proposal_set['effective']
    assert aead['encr'] == ['AES_GCM_16_128', 'AES_GCM_16_192', 'AES_GCM_16_256']
    assert classic['encr'] == ['AES_CBC_128', 'AES_CBC_192', 'AES_CBC_256']
    assert aead['ke'] == [] and classic['ke'] == []
    assert aead['esn'] == ['NO_EXT_SEQ']


def test_explicit_default_keyword_puts_esp_classic_first():
    proposal_set, errors = proposals.expand_strongswan('aes256gcm16-ecp256,default', 'esp')
    assert errors == []
    assert proposal_set['strict'] is True
    first, classic, aead = proposal_set['effective']
    assert first['ke'] == ['ECP_256']
    assert classic['encr'][0] == 'AES_CBC_128'
    assert aead['encr'][0] == 'AES_GCM_16_128'


def test_default_keyword_order_changed_in_6_0():
    v5, _errors = proposals.expand_strongswan('default', 'esp', '5.9.14')
    v6, _errors = proposals.expand_strongswan('default', 'esp', '6.0.1')
    assert [p['encr'][0] for p in v5['effective']] == ['AES_CBC_128', 'AES_GCM_16_128']
    assert [p['encr'][0] for p in v6['effective']] == ['AES_GCM_16_128', 'AES_CBC_128']


def test_stroke_esp_defaults_are_classic_first():
    unset, _errors = proposals.expand_strongswan(None, 'esp', legacy=True)
    assert [p['encr'][0] for p in unset['effective']] == ['AES_CBC_128', 'AES_GCM_16_128']
    appended, _errors = proposals.expand_strongswan('aes256gcm16', 'esp', legacy=True)
    assert [p['encr'][0] for p in appended['effective']] == ['AES_GCM_16_256', 'AES_CBC_128', 'AES_GCM_16_128']


def test_legacy_non_strict_appends_defaults():
    proposal_set, errors = proposals.expand_strongswan('aes256-sha256-modp2048', 'ike', legacy=True)
    assert errors == []
    assert proposal_set['strict'] is False
    assert proposal_set['effective'][0]['encr'] == ['AES_CBC_256']
    assert len(proposal_set['effective']) == 3


def test_legacy_strict_does_not_append():
    proposal_set, errors = proposals.expand_strongswan('aes256-sha256-modp2048!', 'ike', legacy=True)
    assert errors == []
    assert proposal_set['strict'] is True
    assert proposal_set['written'] == 'aes256-sha256-modp2048!'
    assert len(proposal_set['effective']) == 1


def test_swanctl_rejects_strict_marker():
    _set, errors = proposals.expand_strongswan('aes256-sha256-modp2048!', 'ike')
    assert errors and "'modp2048!'" in errors[0]


def test_defaults_filtered_by_loaded_plugins():
    plugins = ['random', 'nonce', 'aes', 'sha2', 'hmac', 'gmp', 'kernel-netlink']
    ike = proposals.default_proposals('strongswan', 'ike', '5.9.8', plugins)
    assert ike == [{'encr': ['AES_CBC_128', 'AES_CBC_192', 'AES_CBC_256'],
                    'integ': ['HMAC_SHA2_256_128', 'HMAC_SHA2_384_192', 'HMAC_SHA2_512_256'],
                    'prf': ['PRF_HMAC_SHA2_256', 'PRF_HMAC_SHA2_384', 'PRF_HMAC_SHA2_512'],
                    'ke': ['MODP_3072', 'MODP_4096', 'MODP_6144', 'MODP_8192', 'MODP_2048']}]
    # ESP defaults are fixed lists for the kernel, whatever the plugins.
    esp = proposals.default_proposals('strongswan', 'esp', '5.9.8', plugins)
    assert esp == proposals.default_proposals('strongswan', 'esp')
    assert [proposal['encr'][0] for proposal in esp] == ['AES_GCM_16_128', 'AES_CBC_128']
    with_openssl = proposals.default_proposals('strongswan', 'ike', '5.9.8', ['openssl', 'random', 'nonce'])
    assert 'ECP_256' in with_openssl[0]['ke']
    assert 'CHACHA20_POLY1305' in with_openssl[1]['encr']


def test_no_crypto_plugins_leaves_no_default():
    assert proposals.default_proposals('strongswan', 'ike', '5.9.8', ['random', 'nonce']) == []


def test_proposal_algorithms():
    proposal = {'encr': ['AES_CBC_256'], 'integ': ['HMAC_SHA2_256_128'], 'prf': ['PRF_HMAC_SHA2_256'],
                'ke': ['MODP_2048']}
    assert proposals.proposal_algorithms(proposal) == ['AES_CBC_256', 'HMAC_SHA2_256_128', 'MODP_2048',
                                                       'PRF_HMAC_SHA2_256']


# --- Libreswan ---------------------------------------------------------------

def test_libreswan_ike_with_semicolon_ke():
    result, errors = proposals.parse_libreswan('aes256-sha2;dh20', 'ike')
    assert errors == []
    assert result == [{'encr': ['AES_CBC_256'], 'integ': ['HMAC_SHA2_256_128'], 'prf': ['PRF_HMAC_SHA2_256'],
                       'ke': ['ECP_384']}]


def test_libreswan_alternatives_and_dash_ke():
    result, errors = proposals.parse_libreswan('aes_gcm256-sha2_512+sha2_256-dh19+dh20+dh31', 'ike')
    assert errors == []
    assert result == [{'encr': ['AES_GCM_16_256'], 'integ': [], 'prf': ['PRF_HMAC_SHA2_512', 'PRF_HMAC_SHA2_256'],
                       'ke': ['ECP_256', 'ECP_384', 'CURVE_25519']}]


def test_libreswan_cipher_without_key_length_proposes_both_sizes():
    # pluto proposes both key sizes: high to low in IKE, low to high in ESP.
    result, errors = proposals.parse_libreswan('aes-sha2', 'esp')
    assert errors == []
    assert result == [{'encr': ['AES_CBC_128', 'AES_CBC_256'], 'integ': ['HMAC_SHA2_256_128'], 'ke': [],
                       'esn': ['NO_EXT_SEQ']}]
    result, _errors = proposals.parse_libreswan('aes_gcm', 'esp')
    assert result[0]['encr'] == ['AES_GCM_16_128', 'AES_GCM_16_256']
    assert result[0]['integ'] == []
    result, _errors = proposals.parse_libreswan('aes-sha2', 'ike')
    assert result[0]['encr'] == ['AES_CBC_256', 'AES_CBC_128']


def test_libreswan_key_length_as_own_token():
    result, errors = proposals.parse_libreswan('aes-256-sha2;dh14', 'ike')
    assert errors == []
    assert result[0]['encr'] == ['AES_CBC_256']
    assert result[0]['ke'] == ['MODP_2048']
    _result, errors = proposals.parse_libreswan('aes256-128-sha2', 'ike')
    assert errors == ["unknown encryption algorithm 'aes256-128' in ike proposal 'aes256-128-sha2'"]


def test_libreswan_integrity_before_prf_only_after_none():
    result, errors = proposals.parse_libreswan('aes_gcm256-none-sha2_512-dh20', 'ike')
    assert errors == []
    assert result == [{'encr': ['AES_GCM_16_256'], 'integ': [], 'prf': ['PRF_HMAC_SHA2_512'], 'ke': ['ECP_384']}]
    result, errors = proposals.parse_libreswan('aes_gcm-none', 'ike')
    assert errors == []
    assert result[0]['prf'] == ['PRF_HMAC_SHA2_512', 'PRF_HMAC_SHA2_256']
    # A first hash that is a PRF makes pluto expect a KE next.
    _result, errors = proposals.parse_libreswan('aes128-sha2_512-sha2_256-modp2048', 'ike')
    assert errors == ["IKE proposal 'aes128-sha2_512-sha2_256-modp2048' contains unexpected 'sha2_256'"]


def test_libreswan_esp_aead_needs_no_integrity():
    _result, errors = proposals.parse_libreswan('aes_gcm-sha2', 'esp')
    assert errors == ["AEAD encryption in ESP proposal 'aes_gcm-sha2' must have 'none' as the integrity algorithm"]


def test_libreswan_ike_completes_missing_parts_per_version():
    result4, _errors = proposals.parse_libreswan('aes256', 'ike', '4.10')
    result5, _errors = proposals.parse_libreswan('aes256', 'ike', '5.2')
    assert result4[0]['prf'] == ['PRF_HMAC_SHA2_512', 'PRF_HMAC_SHA2_256']
    assert result4[0]['integ'] == ['HMAC_SHA2_512_256', 'HMAC_SHA2_256_128']
    assert result4[0]['ke'][0] == 'MODP_2048'
    assert result5[0]['ke'][0] == 'ECP_256'


def test_libreswan_esp_pfs_group_and_none():
    result, errors = proposals.parse_libreswan('aes256-sha1;modp2048, aes_gcm128-none', 'esp')
    assert errors == []
    assert result[0]['ke'] == ['MODP_2048']
    assert result[0]['integ'] == ['HMAC_SHA1_96']
    assert result[1] == {'encr': ['AES_GCM_16_128'], 'integ': [], 'ke': [], 'esn': ['NO_EXT_SEQ']}


@pytest.mark.parametrize('text, fragment', [
    ('blowfish-sha2', "'blowfish'"),
    ('aes-sha3', "'sha3'"),
    ('aes-sha2;dh99', "'dh99'"),
    ('aes-sha2-sha2-sha2-dh14', "contains unexpected 'sha2'"),
    ('aes-none-dh14', 'has no PRF'),
    ('aes--sha2', 'empty algorithm'),
])
def test_libreswan_errors(text, fragment):
    _result, errors = proposals.parse_libreswan(text, 'ike')
    assert any(fragment in error for error in errors), errors


def test_libreswan_defaults_v4_and_v5():
    v4 = proposals.default_proposals('libreswan', 'ike', '4.15')
    v5 = proposals.default_proposals('libreswan', 'ike', '5.0')
    assert [p['encr'][0] for p in v4] == ['AES_GCM_16_256', 'AES_GCM_16_128', 'AES_CBC_256', 'AES_CBC_128']
    assert [p['encr'][0] for p in v5] == ['AES_GCM_16_256', 'AES_GCM_16_128', 'CHACHA20_POLY1305', 'AES_CBC_256',
                                          'AES_CBC_128']
    assert v4[0]['ke'] == ['MODP_2048', 'MODP_3072', 'MODP_4096', 'MODP_8192', 'ECP_256', 'ECP_384', 'ECP_521',
                           'CURVE_25519']
    assert v5[0]['ke'] == ['ECP_256', 'ECP_384', 'ECP_521', 'CURVE_25519', 'MODP_4096', 'MODP_3072', 'MODP_2048',
                           'MODP_8192']
    assert v4[0]['integ'] == [] and v4[2]['integ'] == ['HMAC_SHA2_512_256', 'HMAC_SHA2_256_128']
    esp = proposals.default_proposals('libreswan', 'esp', '4.15')
    assert all(p['ke'] == [] for p in esp)


def test_expand_libreswan_written_is_strict_and_esn_applies():
    proposal_set, errors = proposals.expand_libreswan('aes256-sha2', 'esp', '4.10', esn=['EXT_SEQ', 'NO_EXT_SEQ'])
    assert errors == []
    assert proposal_set['strict'] is True
    assert proposal_set['effective'][0]['esn'] == ['EXT_SEQ', 'NO_EXT_SEQ']
    unset, _errors = proposals.expand_libreswan(None, 'ike', '5.2')
    assert unset['strict'] is False
    assert len(unset['effective']) == 5


def test_unknown_kind_is_a_programming_error():
    with pytest.raises(ValueError):
        proposals.parse_strongswan('aes', 'gre')


@settings(max_examples=300, deadline=None)
@given(st.text(), st.sampled_from(['ike', 'esp', 'ah']))
def test_arbitrary_text_never_raises(text, kind):
    for parse in (proposals.parse_strongswan, proposals.parse_libreswan):
        result, errors = parse(text, kind)
        assert isinstance(result, list)
        assert all(isinstance(error, str) for error in errors)
    for expand in (proposals.expand_strongswan, proposals.expand_libreswan):
        proposal_set, _errors = expand(text, kind)
        assert proposal_set['written'] == text


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(['aes', 'aes256', 'aes256gcm16', 'sha256', 'sha1', 'prfsha256', 'modp2048',
                                 'ecp256', 'x25519', 'esn', 'noesn', 'chacha20poly1305', 'bad']), min_size=1),
       st.sampled_from(['ike', 'esp']))
def test_keyword_combinations_give_proposals_or_errors(words, kind):
    result, errors = proposals.parse_strongswan('-'.join(words), kind)
    assert bool(result) != bool(errors)
    for proposal in result:
        assert proposal['encr']
        if kind == 'ike':
            assert proposal['prf'] and proposal['ke']


# What algparse of Libreswan 4.10 (Debian 12 package, -v2 -pfs) printed for each proposal string.
ALGPARSE_4_10 = [
    ('ike=aes256-sha2;dh20', 'AES_CBC_256-HMAC_SHA2_256-DH20'),
    ('ike=aes', 'AES_CBC-HMAC_SHA2_512+HMAC_SHA2_256-MODP2048+MODP3072+MODP4096+MODP8192+DH19+DH20+DH21+DH31'),
    ('ike=aes-sha2', 'AES_CBC-HMAC_SHA2_256-MODP2048+MODP3072+MODP4096+MODP8192+DH19+DH20+DH21+DH31'),
    ('ike=aes-256-sha2', 'AES_CBC_256-HMAC_SHA2_256-MODP2048+MODP3072+MODP4096+MODP8192+DH19+DH20+DH21+DH31'),
    ('ike=aes_gcm-none', 'AES_GCM_16-HMAC_SHA2_512+HMAC_SHA2_256-MODP2048+MODP3072+MODP4096+MODP8192+DH19+DH20+DH21+DH31'),
    ('ike=aes_gcm256-none-sha2_512-dh20', 'AES_GCM_16_256-HMAC_SHA2_512-DH20'),
    ('ike=aes_gcm256-sha2_512+sha2_256-dh19+dh20', 'AES_GCM_16_256-HMAC_SHA2_512+HMAC_SHA2_256-DH19+DH20'),
    ('ike=aes128-sha2_512-sha2_256-modp2048', "ERROR: IKE DH algorithm 'sha2_256' is not recognized"),
    ('ike=aes-none-dh14', "ERROR: IKE PRF algorithm 'dh14' is not recognized"),
    ('ike=aes-sha1;modp1536', 'AES_CBC-HMAC_SHA1-MODP1536'),
    ('ike=aes-sha1;dh22', "ERROR: IKE DH algorithm 'dh22' is not supported"),
    ('ike=aes-sha2;modp768', "ERROR: IKE DH algorithm 'modp768' is not supported"),
    ('ike=aes-md5;dh14', 'AES_CBC-HMAC_MD5-MODP2048'),
    ('ike=aes-sha2;dh31', 'AES_CBC-HMAC_SHA2_256-DH31'),
    ('ike=aes128-sha2;curve25519', 'AES_CBC_128-HMAC_SHA2_256-DH31'),
    ('ike=aes128-sha2;ecp_256', 'AES_CBC_128-HMAC_SHA2_256-DH19'),
    ('ike=aes128-sha2;x25519', "ERROR: IKE DH algorithm 'x25519' is not recognized"),
    ('ike=aes_ctr-sha2', 'AES_CTR-HMAC_SHA2_256-MODP2048+MODP3072+MODP4096+MODP8192+DH19+DH20+DH21+DH31'),
    ('ike=camellia-sha2', 'CAMELLIA_CBC-HMAC_SHA2_256-MODP2048+MODP3072+MODP4096+MODP8192+DH19+DH20+DH21+DH31'),
    ('ike=aes_gcm_c256-sha2', 'AES_GCM_16_256-HMAC_SHA2_256-MODP2048+MODP3072+MODP4096+MODP8192+DH19+DH20+DH21+DH31'),
    ('ike=aes_gcm_16_256-sha2', 'AES_GCM_16_256-HMAC_SHA2_256-MODP2048+MODP3072+MODP4096+MODP8192+DH19+DH20+DH21+DH31'),
    ('ike=aes-aes_xcbc', 'AES_CBC-AES_XCBC-MODP2048+MODP3072+MODP4096+MODP8192+DH19+DH20+DH21+DH31'),
    ('ike=aes+aes_gcm-sha2', 'ERROR: AEAD and non-AEAD IKE encryption algorithm cannot be combined'),
    ('ike=aes-sha2+sha1', 'AES_CBC-HMAC_SHA2_256+HMAC_SHA1-MODP2048+MODP3072+MODP4096+MODP8192+DH19+DH20+DH21+DH31'),
    ('ike=aes;dh14', 'AES_CBC-HMAC_SHA2_512+HMAC_SHA2_256-MODP2048'),
    ('ike=aes256-sha2_512;dh21,aes128-sha1;dh14', 'AES_CBC_256-HMAC_SHA2_512-DH21|AES_CBC_128-HMAC_SHA1-MODP2048'),
    ('esp=aes', 'AES_CBC-HMAC_SHA2_512_256+HMAC_SHA2_256_128'),
    ('esp=aes-sha2;dh14', 'AES_CBC-HMAC_SHA2_256_128-MODP2048'),
    ('esp=aes-sha2-dh19', 'AES_CBC-HMAC_SHA2_256_128-DH19'),
    ('esp=aes-sha2;none', 'AES_CBC-HMAC_SHA2_256_128-NONE'),
    ('esp=aes_gcm', 'AES_GCM_16-NONE'),
    ('esp=aes_gcm-sha2', "ERROR: AEAD ESP encryption algorithm AES_GCM_16 must have 'NONE' as the integrity algorithm"),
    ('esp=aes_gcm_c-none', 'AES_GCM_16-NONE'),
    ('esp=aes_ccm', 'AES_CCM_16-NONE'),
    ('esp=null-sha1', 'NULL-HMAC_SHA1_96'),
    ('esp=aes-md5', 'AES_CBC-HMAC_MD5_96'),
    ('esp=aes-aes_xcbc', 'AES_CBC-AES_XCBC_96'),
    ('esp=aes+aes_gcm-sha2', 'ERROR: AEAD and non-AEAD ESP encryption algorithm cannot be combined'),
    ('esp=aes-sha2+sha1', 'AES_CBC-HMAC_SHA2_256_128+HMAC_SHA1_96'),
    ('esp=aes;dh14', 'AES_CBC-HMAC_SHA2_512_256+HMAC_SHA2_256_128-MODP2048'),
    ('esp=chacha20_poly1305', 'CHACHA20_POLY1305-NONE'),
    ('esp=aes-sha2;dh22', "ERROR: ESP DH algorithm 'dh22' is not supported"),
    ('esp=aes256-sha2_512,aes128-sha1', 'AES_CBC_256-HMAC_SHA2_512_256|AES_CBC_128-HMAC_SHA1_96'),
    # 'null' is an alias of the integrity 'none' (Libreswan testing/pluto/netkey-algo-aes_gcm-01: esp=aes_gcm192-null)
    ('esp=aes_gcm-null', 'AES_GCM_16-NONE'),
    ('esp=chacha20_poly1305-null', 'CHACHA20_POLY1305-NONE'),
    ('esp=aes_gcm-null-dh19', 'AES_GCM_16-NONE-DH19'),
    ('ike=aes_gcm-null', 'AES_GCM_16-HMAC_SHA2_512+HMAC_SHA2_256-MODP2048+MODP3072+MODP4096+MODP8192+DH19+DH20+DH21+DH31'),
    # testing/pluto/ikev2-algo-15-esp-null-none: esp=null-none
    ('esp=null-none', "ERROR: non-AEAD ESP encryption algorithm NULL cannot have 'NONE' as the integrity algorithm"),
    ('esp=aes-none;dh14', "ERROR: non-AEAD ESP encryption algorithm AES_CBC cannot have 'NONE' as the integrity algorithm"),
    ('ah=none', "ERROR: AH cannot have 'none' as the integrity algorithm"),
    ('ah=null', "ERROR: AH cannot have 'none' as the integrity algorithm"),
    # after ';' comes a KE only (testing/pluto/ikev2-child-04-dh-none-pfs-yes: esp=aes;none)
    ('esp=aes;none', 'AES_CBC-HMAC_SHA2_512_256+HMAC_SHA2_256_128-NONE'),
    ('esp=aes_gcm;none', 'AES_GCM_16-NONE-NONE'),
    ('esp=aes-none;none', "ERROR: non-AEAD ESP encryption algorithm AES_CBC cannot have 'NONE' as the integrity algorithm"),
    ('esp=aes;sha1', "ERROR: ESP DH algorithm 'sha1' is not recognized"),
]


_LSW_DH = {'MODP1536': 'MODP_1536', 'MODP2048': 'MODP_2048', 'MODP3072': 'MODP_3072', 'MODP4096': 'MODP_4096',
           'MODP8192': 'MODP_8192', 'DH19': 'ECP_256', 'DH20': 'ECP_384', 'DH21': 'ECP_521', 'DH31': 'CURVE_25519',
           'NONE': None}
_LSW_PRF = {'HMAC_SHA1': 'PRF_HMAC_SHA1', 'HMAC_MD5': 'PRF_HMAC_MD5', 'HMAC_SHA2_256': 'PRF_HMAC_SHA2_256',
            'HMAC_SHA2_512': 'PRF_HMAC_SHA2_512', 'AES_XCBC': 'PRF_AES128_XCBC'}


def _algparse_expected(kind, printed):
    """Turn one algparse line (ENCR-PRF|INTEG[-DH]) into the normalized proposal parse_libreswan should give."""
    parts = printed.split('-')
    encr = []
    for name in parts[0].split('+'):
        if name in ('AES_CBC', 'AES_CTR', 'CAMELLIA_CBC', 'AES_GCM_16', 'AES_CCM_16'):
            sizes = ('256', '128') if kind == 'ike' else ('128', '256')
            encr.extend('%s_%s' % (name, size) for size in sizes)
        else:
            encr.append(name)
    middle = [name for name in parts[1].split('+') if name != 'NONE']
    ke = [_LSW_DH[name] for name in parts[2].split('+')] if len(parts) > 2 else []
    if kind == 'ike':
        return {'encr': encr, 'prf': [_LSW_PRF[name] for name in middle], 'ke': ke}
    return {'encr': encr, 'integ': middle, 'ke': [name for name in ke if name]}


@pytest.mark.parametrize('written, printed', ALGPARSE_4_10)
def test_libreswan_strings_as_algparse_4_10_reads_them(written, printed):
    kind, text = written.split('=', 1)
    result, errors = proposals.parse_libreswan(text, kind, '4.10')
    if printed.startswith('ERROR'):
        assert errors and not result
        return
    assert errors == []
    expected = [_algparse_expected(kind, line) for line in printed.split('|')]
    keys = ('encr', 'prf', 'ke') if kind == 'ike' else ('encr', 'integ', 'ke')
    assert [dict((key, proposal[key]) for key in keys) for proposal in result] == expected


def test_libreswan_esp_dh_is_ignored_without_pfs():
    # algparse -v2 (pfs=no): "ignoring ESP DH algorithm MODP2048 as PFS policy is disabled"
    proposal_set, errors = proposals.expand_libreswan('aes-sha2;dh14', 'esp', '4.10', pfs=False)
    assert proposal_set['effective'][0]['ke'] == []
    assert errors == ["ignoring ESP DH algorithm MODP_2048 in 'aes-sha2;dh14' as PFS policy is disabled"]
