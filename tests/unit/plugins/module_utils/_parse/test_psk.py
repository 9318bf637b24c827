# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import hashlib
import hmac

import pytest
from hypothesis import given, strategies as st

from ansible_collections.ipsec.doctor.plugins.module_utils._parse.psk import (
    PskFormatError,
    digest_written_psk,
    normalize_psk,
    psk_digest,
)


@pytest.mark.parametrize('written, expected', [
    ('"s3cret"', b's3cret'),
    ("'s3cret'", b's3cret'),
    ('s3cret', b's3cret'),
    ('  "with # hash"  ', b'with # hash'),
    ('0x73336372 6574'.replace(' ', ''), b's3cret'),
    ('0X7333637265_74', b's3cret'),
    ('0sczNjcmV0', b's3cret'),
])
def test_written_forms_normalize_to_the_same_bytes(written, expected):
    assert normalize_psk(written) == expected


@pytest.mark.parametrize('written', ['0xzz', '0x123', '0s!!!not-base64'])
def test_malformed_encodings_raise_a_format_error(written):
    with pytest.raises(PskFormatError):
        normalize_psk(written)


def test_equal_secrets_in_different_forms_have_equal_digests():
    key = b'per-run-key'
    digests = {digest_written_psk(form, key)[0] for form in ('"s3cret"', '0x733363726574', '0sczNjcmV0')}
    assert len(digests) == 1


def test_digest_is_hmac_sha256_under_the_run_key():
    assert psk_digest(b's3cret', 'k') == hmac.new(b'k', b's3cret', hashlib.sha256).hexdigest()


def test_different_run_keys_give_unrelated_digests():
    assert psk_digest(b's3cret', b'run-1') != psk_digest(b's3cret', b'run-2')


def test_no_key_means_no_digest():
    assert psk_digest(b's3cret', None) is None
    assert digest_written_psk('"s3cret"', '') == (None, None)


def test_errors_never_contain_the_secret():
    digest, error = digest_written_psk('0xNOTHEXs3cret', b'k')
    assert digest is None
    assert 's3cret' not in error
    assert digest_written_psk('""', b'k') == (None, 'empty PSK')


@given(st.text())
def test_any_text_gives_a_digest_or_an_error_and_no_exception(text):
    digest, error = digest_written_psk(text, b'k')
    assert (digest is None) != (error is None)
