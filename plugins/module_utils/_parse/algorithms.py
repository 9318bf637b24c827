# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Algorithm tables: keywords of strongSwan and Libreswan, the plugins that provide them, daemon defaults.

Every algorithm is named by its strongSwan IKEv2 transform name (AES_CBC_256,
AES_GCM_16_128, HMAC_SHA2_256_128, PRF_HMAC_SHA2_256, MODP_2048, ECP_256,
CURVE_25519, NO_EXT_SEQ), so proposals of both daemons compare directly. Ciphers
with a variable key size carry it in the name; ChaCha20-Poly1305 and 3DES do not.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re

ENCR = 'encr'
INTEG = 'integ'
PRF = 'prf'
KE = 'ke'
ESN = 'esn'

AEAD_PREFIXES = ('AES_GCM_', 'AES_CCM_', 'CAMELLIA_CCM_', 'CHACHA20_POLY1305', 'NULL_AES_GMAC')

# ---------------------------------------------------------------------------
# strongSwan keywords (proposal_keywords_static.txt semantics).
# ---------------------------------------------------------------------------

# A mode suffix needs the key size (aes256gcm16, not aesgcm16); without an ICV size GCM/CCM mean 16 octets.
_SWAN_CIPHER = re.compile(
    r'^(aes|camellia)(?:(128|192|256)(?:(ctr)|(ccm|gcm)(8|12|16|64|96|128)?|(gmac))?)?$')
_ICV_OCTETS = {'8': 8, '64': 8, '12': 12, '96': 12, '16': 16, '128': 16, None: 16}

STRONGSWAN_ENCR = {
    'null': 'NULL',
    'des': 'DES_CBC',
    '3des': '3DES_CBC',
    'cast128': 'CAST_CBC_128',
    'blowfish': 'BLOWFISH_CBC_128',
    'blowfish128': 'BLOWFISH_CBC_128',
    'blowfish192': 'BLOWFISH_CBC_192',
    'blowfish256': 'BLOWFISH_CBC_256',
    'chacha20poly1305': 'CHACHA20_POLY1305',
    'serpent': 'SERPENT_CBC_128',
    'serpent128': 'SERPENT_CBC_128',
    'serpent192': 'SERPENT_CBC_192',
    'serpent256': 'SERPENT_CBC_256',
    'twofish': 'TWOFISH_CBC_128',
    'twofish128': 'TWOFISH_CBC_128',
    'twofish192': 'TWOFISH_CBC_192',
    'twofish256': 'TWOFISH_CBC_256',
}

STRONGSWAN_INTEG = {
    'md5': 'HMAC_MD5_96',
    'md5_128': 'HMAC_MD5_128',
    'sha': 'HMAC_SHA1_96',
    'sha1': 'HMAC_SHA1_96',
    'sha1_160': 'HMAC_SHA1_160',
    'sha256': 'HMAC_SHA2_256_128',
    'sha2_256': 'HMAC_SHA2_256_128',
    'sha256_96': 'HMAC_SHA2_256_96',
    'sha2_256_96': 'HMAC_SHA2_256_96',
    'sha384': 'HMAC_SHA2_384_192',
    'sha2_384': 'HMAC_SHA2_384_192',
    'sha512': 'HMAC_SHA2_512_256',
    'sha2_512': 'HMAC_SHA2_512_256',
    'aesxcbc': 'AES_XCBC_96',
    'aescmac': 'AES_CMAC_96',
    'camelliaxcbc': 'CAMELLIA_XCBC_96',
}

STRONGSWAN_PRF = {
    'prfmd5': 'PRF_HMAC_MD5',
    'prfsha1': 'PRF_HMAC_SHA1',
    'prfsha256': 'PRF_HMAC_SHA2_256',
    'prfsha384': 'PRF_HMAC_SHA2_384',
    'prfsha512': 'PRF_HMAC_SHA2_512',
    'prfaesxcbc': 'PRF_AES128_XCBC',
    'prfaescmac': 'PRF_AES128_CMAC',
    'prfcamelliaxcbc': 'PRF_CAMELLIA128_XCBC',
}

STRONGSWAN_KE = {
    'modp768': 'MODP_768',
    'modp1024': 'MODP_1024',
    'modp1536': 'MODP_1536',
    'modp2048': 'MODP_2048',
    'modp3072': 'MODP_3072',
    'modp4096': 'MODP_4096',
    'modp6144': 'MODP_6144',
    'modp8192': 'MODP_8192',
    'modp1024s160': 'MODP_1024_160',
    'modp2048s224': 'MODP_2048_224',
    'modp2048s256': 'MODP_2048_256',
    'ecp192': 'ECP_192',
    'ecp224': 'ECP_224',
    'ecp256': 'ECP_256',
    'ecp384': 'ECP_384',
    'ecp521': 'ECP_521',
    'ecp224bp': 'ECP_224_BP',
    'ecp256bp': 'ECP_256_BP',
    'ecp384bp': 'ECP_384_BP',
    'ecp512bp': 'ECP_512_BP',
    'curve25519': 'CURVE_25519',
    'x25519': 'CURVE_25519',
    'curve448': 'CURVE_448',
    'x448': 'CURVE_448',
    'mlkem512': 'ML_KEM_512',
    'mlkem768': 'ML_KEM_768',
    'mlkem1024': 'ML_KEM_1024',
    # In ESP/AH proposals KE_NONE makes PFS optional; IKE proposals drop it.
    'none': 'KE_NONE',
    'modpnone': 'KE_NONE',
    'modpnull': 'MODP_NULL',
}

# Post-quantum KE methods of strongSwan 5.x (ntru and newhope plugins), removed in 6.0.
STRONGSWAN5_KE = {
    'ntru112': 'NTRU_112',
    'ntru128': 'NTRU_128',
    'ntru192': 'NTRU_192',
    'ntru256': 'NTRU_256',
    'newhope128': 'NEWHOPE_128',
}

STRONGSWAN_ESN = {'esn': 'EXT_SEQ', 'noesn': 'NO_EXT_SEQ'}

# PRF derived from the integrity algorithm when an IKE proposal names none (strongSwan's integ_prf_map;
# HMAC_SHA2_256_96 has no PRF, so such a proposal is invalid).
PRF_FROM_INTEG = {
    'HMAC_MD5_96': 'PRF_HMAC_MD5',
    'HMAC_MD5_128': 'PRF_HMAC_MD5',
    'HMAC_SHA1_96': 'PRF_HMAC_SHA1',
    'HMAC_SHA1_160': 'PRF_HMAC_SHA1',
    'HMAC_SHA2_256_128': 'PRF_HMAC_SHA2_256',
    'HMAC_SHA2_384_192': 'PRF_HMAC_SHA2_384',
    'HMAC_SHA2_512_256': 'PRF_HMAC_SHA2_512',
    'AES_XCBC_96': 'PRF_AES128_XCBC',
    'AES_CMAC_96': 'PRF_AES128_CMAC',
    'CAMELLIA_XCBC_96': 'PRF_CAMELLIA128_XCBC',
}

# Integrity algorithm derived from a PRF (Libreswan names one hash for both).
INTEG_FROM_PRF = {
    'PRF_HMAC_MD5': 'HMAC_MD5_96',
    'PRF_HMAC_SHA1': 'HMAC_SHA1_96',
    'PRF_HMAC_SHA2_256': 'HMAC_SHA2_256_128',
    'PRF_HMAC_SHA2_384': 'HMAC_SHA2_384_192',
    'PRF_HMAC_SHA2_512': 'HMAC_SHA2_512_256',
    'PRF_AES128_XCBC': 'AES_XCBC_96',
    'PRF_AES128_CMAC': 'AES_CMAC_96',
}


def strongswan_keyword(word, major=None):
    """Return (transform type, names) for one strongSwan keyword, or (None, None) if unknown.

    names is a list; it is empty for `none` (no KE method). major is strongSwan's major
    version; the NTRU and NewHope keywords are known only when it is given and below 6.
    """
    word = word.lower()
    if major is not None and major < 6 and word in STRONGSWAN5_KE:
        return KE, [STRONGSWAN5_KE[word]]
    match = _SWAN_CIPHER.match(word)
    if match:
        family, bits, ctr, aead, icv, gmac = match.groups()
        bits = bits or '128'
        base = 'AES' if family == 'aes' else 'CAMELLIA'
        if gmac:
            if family != 'aes':
                return None, None
            return ENCR, ['NULL_AES_GMAC_%s' % bits]
        if ctr:
            return ENCR, ['%s_CTR_%s' % (base, bits)]
        if aead:
            if family != 'aes' and (aead == 'gcm' or icv is None):
                return None, None
            return ENCR, ['%s_%s_%d_%s' % (base, aead.upper(), _ICV_OCTETS[icv], bits)]
        return ENCR, ['%s_CBC_%s' % (base, bits)]
    for kind, table in ((ENCR, STRONGSWAN_ENCR), (INTEG, STRONGSWAN_INTEG), (PRF, STRONGSWAN_PRF),
                        (KE, STRONGSWAN_KE), (ESN, STRONGSWAN_ESN)):
        if word in table:
            name = table[word]
            return kind, [name] if name else []
    return None, None


# ---------------------------------------------------------------------------
# Libreswan names (lib/libswan/ike_alg_*.c aliases).
# ---------------------------------------------------------------------------

_LSW_KEYED = re.compile(
    r'^(aes|aes_cbc|aes_ctr|aesctr|aes_gcm(?:_[abc]|_8|_12|_16)?|aes_ccm(?:_[abc]|_8|_12|_16)?|'
    r'camellia|camellia_cbc|camellia_ctr)_?(128|192|256)?$')
_LSW_BASE = {
    'aes': 'AES_CBC', 'aes_cbc': 'AES_CBC', 'aes_ctr': 'AES_CTR', 'aesctr': 'AES_CTR',
    'aes_gcm': 'AES_GCM_16', 'aes_gcm_c': 'AES_GCM_16', 'aes_gcm_16': 'AES_GCM_16',
    'aes_gcm_b': 'AES_GCM_12', 'aes_gcm_12': 'AES_GCM_12',
    'aes_gcm_a': 'AES_GCM_8', 'aes_gcm_8': 'AES_GCM_8',
    'aes_ccm': 'AES_CCM_16', 'aes_ccm_c': 'AES_CCM_16', 'aes_ccm_16': 'AES_CCM_16',
    'aes_ccm_b': 'AES_CCM_12', 'aes_ccm_12': 'AES_CCM_12',
    'aes_ccm_a': 'AES_CCM_8', 'aes_ccm_8': 'AES_CCM_8',
    'camellia': 'CAMELLIA_CBC', 'camellia_cbc': 'CAMELLIA_CBC', 'camellia_ctr': 'CAMELLIA_CTR',
}
# Without a key length pluto proposes the cipher with both key sizes: high to low for IKE,
# low to high for ESP (programs/pluto/ikev2_proposals.c).
LIBRESWAN_DEFAULT_KEY_BITS = {'ike': ('256', '128'), 'esp': ('128', '256')}

LIBRESWAN_ENCR = {
    '3des': '3DES_CBC',
    '3des_cbc': '3DES_CBC',
    'chacha20_poly1305': 'CHACHA20_POLY1305',
    'chacha20poly1305': 'CHACHA20_POLY1305',
    'null': 'NULL',
    'null_auth_aes_gmac': 'NULL_AES_GMAC_128',
}

# One hash name gives both a PRF and an integrity algorithm.
LIBRESWAN_HASH = {
    'md5': 'PRF_HMAC_MD5',
    'sha': 'PRF_HMAC_SHA1',
    'sha1': 'PRF_HMAC_SHA1',
    'sha2': 'PRF_HMAC_SHA2_256',
    'sha256': 'PRF_HMAC_SHA2_256',
    'sha2_256': 'PRF_HMAC_SHA2_256',
    'sha384': 'PRF_HMAC_SHA2_384',
    'sha2_384': 'PRF_HMAC_SHA2_384',
    'sha512': 'PRF_HMAC_SHA2_512',
    'sha2_512': 'PRF_HMAC_SHA2_512',
    'aes_xcbc': 'PRF_AES128_XCBC',
    'aes_cmac': 'PRF_AES128_CMAC',
}

LIBRESWAN_KE = {
    'none': None, 'dh0': None,
    'modp1024': 'MODP_1024', 'dh2': 'MODP_1024',
    'modp1536': 'MODP_1536', 'dh5': 'MODP_1536',
    'modp2048': 'MODP_2048', 'dh14': 'MODP_2048',
    'modp3072': 'MODP_3072', 'dh15': 'MODP_3072',
    'modp4096': 'MODP_4096', 'dh16': 'MODP_4096',
    'modp6144': 'MODP_6144', 'dh17': 'MODP_6144',
    'modp8192': 'MODP_8192', 'dh18': 'MODP_8192',
    'ecp_256': 'ECP_256', 'ecp256': 'ECP_256', 'dh19': 'ECP_256',
    'ecp_384': 'ECP_384', 'ecp384': 'ECP_384', 'dh20': 'ECP_384',
    'ecp_521': 'ECP_521', 'ecp521': 'ECP_521', 'dh21': 'ECP_521',
    'dh22': 'MODP_1024_160', 'dh23': 'MODP_2048_224', 'dh24': 'MODP_2048_256',
    'curve25519': 'CURVE_25519', 'dh31': 'CURVE_25519',
    'mlkem768': 'ML_KEM_768', 'ml_kem_768': 'ML_KEM_768',
    'modp768': 'MODP_768', 'dh1': 'MODP_768',
}

# Groups pluto knows by name but refuses ("is not supported"), checked with algparse of Libreswan 4.10.
# MODP_1024 (dh2) depends on the build (USE_DH2), so it is not refused here.
LIBRESWAN_UNSUPPORTED_KE = frozenset(('MODP_768', 'MODP_1024_160', 'MODP_2048_224', 'MODP_2048_256'))


def libreswan_cipher(word, kind='ike', key_bits=None):
    """Return the list of ENCR names for a Libreswan cipher name, or None if unknown.

    key_bits: a key length written as a separate token (``aes-256``), or None.
    """
    word = word.lower()
    if word in LIBRESWAN_ENCR:
        return [LIBRESWAN_ENCR[word]] if key_bits is None else None
    match = _LSW_KEYED.match(word)
    if not match or (match.group(2) and key_bits):
        return None
    base = _LSW_BASE[match.group(1)]
    size = match.group(2) or key_bits
    if size and size not in ('128', '192', '256'):
        return None
    bits = [size] if size else list(LIBRESWAN_DEFAULT_KEY_BITS.get(kind, LIBRESWAN_DEFAULT_KEY_BITS['ike']))
    return ['%s_%s' % (base, bits_) for bits_ in bits]


def libreswan_hash(word):
    """Return the PRF name for a Libreswan hash name ('none' and its alias 'null' -> ''), or None if unknown."""
    word = word.lower()
    if word in ('none', 'null'):
        return ''
    return LIBRESWAN_HASH.get(word)


def libreswan_ke(word):
    """Return the KE name for a Libreswan group name ('none' -> ''), or None if unknown."""
    word = word.lower()
    if word not in LIBRESWAN_KE:
        return None
    return LIBRESWAN_KE[word] or ''


def is_aead(encr_name):
    """Return True for combined-mode (AEAD) ciphers, which need no integrity algorithm."""
    return encr_name.startswith(AEAD_PREFIXES)


# ---------------------------------------------------------------------------
# Which strongSwan plugins provide an algorithm (used to filter default proposals).
# ---------------------------------------------------------------------------

# Crypto libraries that provide (nearly) every algorithm on their own.
_FULL_LIBRARIES = ('openssl', 'wolfssl', 'botan')


def _has_aes(plugins):
    return bool(plugins & {'aes', 'gcrypt'}) or bool(plugins & set(_FULL_LIBRARIES))


def algorithm_supported(name, plugins):
    """Return True when the loaded strongSwan plugins (a set of names) provide algorithm `name`.

    The rules are the provider plugins of strongSwan 5.9 (an approximation: a
    library plugin such as openssl is taken to provide all its usual algorithms).
    """
    full = bool(plugins & set(_FULL_LIBRARIES))
    if name in ('NO_EXT_SEQ', 'EXT_SEQ'):
        return True
    if name.startswith('AES_CBC_'):
        return _has_aes(plugins)
    if name.startswith('AES_CTR_'):
        return full or ('ctr' in plugins and _has_aes(plugins))
    if name.startswith('AES_GCM_') or name.startswith('NULL_AES_GMAC'):
        return full or ('gcm' in plugins and _has_aes(plugins))
    if name.startswith('AES_CCM_'):
        return full or ('ccm' in plugins and _has_aes(plugins))
    if name.startswith('CAMELLIA_CBC_'):
        return 'openssl' in plugins or 'gcrypt' in plugins or 'botan' in plugins
    if name.startswith('CAMELLIA_CTR_'):
        return 'openssl' in plugins or ('ctr' in plugins and 'gcrypt' in plugins)
    if name.startswith('CAMELLIA_CCM_'):
        return 'ccm' in plugins and ('openssl' in plugins or 'gcrypt' in plugins)
    if name == 'CHACHA20_POLY1305':
        return 'chapoly' in plugins or full
    if name in ('3DES_CBC', 'DES_CBC'):
        return 'des' in plugins or full or 'gcrypt' in plugins
    if 'SHA2' in name:
        return full or ('hmac' in plugins and 'sha2' in plugins)
    if 'SHA1' in name:
        return full or ('hmac' in plugins and 'sha1' in plugins)
    if 'MD5' in name:
        return full or ('hmac' in plugins and 'md5' in plugins)
    if 'XCBC' in name:
        return 'xcbc' in plugins and _has_aes(plugins)
    if 'CMAC' in name:
        return 'cmac' in plugins and _has_aes(plugins)
    if name.startswith('MODP_'):
        return full or 'gmp' in plugins or 'gcrypt' in plugins
    if name.startswith('ECP_'):
        return full
    if name == 'CURVE_25519':
        return 'curve25519' in plugins or full
    if name == 'CURVE_448':
        return 'openssl' in plugins or 'botan' in plugins
    if name.startswith('ML_KEM_'):
        return 'ml' in plugins or 'openssl' in plugins
    if name.startswith('NTRU_'):
        return 'ntru' in plugins
    if name == 'NEWHOPE_128':
        return 'newhope' in plugins
    return full


# ---------------------------------------------------------------------------
# Daemon defaults.
# ---------------------------------------------------------------------------

_SIZES = ('128', '192', '256')

STRONGSWAN_IKE_PRF = ['PRF_HMAC_SHA2_256', 'PRF_HMAC_SHA2_384', 'PRF_HMAC_SHA2_512',
                      'PRF_AES128_XCBC', 'PRF_AES128_CMAC', 'PRF_HMAC_SHA1']
# Orders as charon 5.9.8 with the openssl plugin logs them (plugin registration order).
STRONGSWAN_IKE_KE = ['CURVE_25519', 'CURVE_448', 'ECP_256', 'ECP_384', 'ECP_521', 'ECP_256_BP', 'ECP_384_BP',
                     'ECP_512_BP', 'MODP_3072', 'MODP_4096', 'MODP_6144', 'MODP_8192', 'MODP_2048']

STRONGSWAN_IKE_CLASSIC = {
    ENCR: (['AES_CBC_%s' % s for s in _SIZES] + ['AES_CTR_%s' % s for s in _SIZES]
           + ['CAMELLIA_CBC_%s' % s for s in _SIZES] + ['CAMELLIA_CTR_%s' % s for s in _SIZES]
           + ['3DES_CBC']),
    INTEG: ['HMAC_SHA2_256_128', 'HMAC_SHA2_384_192', 'HMAC_SHA2_512_256',
            'AES_XCBC_96', 'AES_CMAC_96', 'HMAC_SHA1_96'],
    PRF: STRONGSWAN_IKE_PRF,
    KE: STRONGSWAN_IKE_KE,
}

STRONGSWAN_IKE_AEAD = {
    ENCR: (['AES_GCM_16_%s' % s for s in _SIZES] + ['AES_CCM_16_%s' % s for s in _SIZES]
           + ['CAMELLIA_CCM_16_%s' % s for s in _SIZES] + ['CHACHA20_POLY1305']
           + ['AES_GCM_12_%s' % s for s in _SIZES] + ['AES_GCM_8_%s' % s for s in _SIZES]
           + ['AES_CCM_12_%s' % s for s in _SIZES] + ['AES_CCM_8_%s' % s for s in _SIZES]
           + ['CAMELLIA_CCM_12_%s' % s for s in _SIZES] + ['CAMELLIA_CCM_8_%s' % s for s in _SIZES]),
    INTEG: [],
    PRF: STRONGSWAN_IKE_PRF,
    KE: STRONGSWAN_IKE_KE,
}

STRONGSWAN_ESP_AEAD = {
    ENCR: ['AES_GCM_16_%s' % s for s in _SIZES],
    INTEG: [],
    KE: [],
    ESN: ['NO_EXT_SEQ'],
}

STRONGSWAN_ESP_CLASSIC = {
    ENCR: ['AES_CBC_%s' % s for s in _SIZES],
    INTEG: ['HMAC_SHA2_256_128', 'HMAC_SHA2_384_192', 'HMAC_SHA2_512_256', 'HMAC_SHA1_96', 'AES_XCBC_96'],
    KE: [],
    ESN: ['NO_EXT_SEQ'],
}

STRONGSWAN_AH = {
    INTEG: ['HMAC_SHA2_256_128', 'HMAC_SHA2_384_192', 'HMAC_SHA2_512_256', 'HMAC_SHA1_96', 'AES_XCBC_96'],
    KE: [],
    ESN: ['NO_EXT_SEQ'],
}

_LSW_PRF = ['PRF_HMAC_SHA2_512', 'PRF_HMAC_SHA2_256']
_LSW_INTEG = ['HMAC_SHA2_512_256', 'HMAC_SHA2_256_128']
LIBRESWAN4_IKE_KE = ['MODP_2048', 'MODP_3072', 'MODP_4096', 'MODP_8192', 'ECP_256', 'ECP_384', 'ECP_521',
                     'CURVE_25519']
LIBRESWAN5_IKE_KE = ['ECP_256', 'ECP_384', 'ECP_521', 'CURVE_25519', 'MODP_4096', 'MODP_3072', 'MODP_2048',
                     'MODP_8192']


def libreswan_default_ciphers(major):
    """Return the default cipher list of Libreswan `major` (4 or 5), AEAD ones first."""
    ciphers = ['AES_GCM_16_256', 'AES_GCM_16_128']
    if major >= 5:
        ciphers.append('CHACHA20_POLY1305')
    return ciphers + ['AES_CBC_256', 'AES_CBC_128']
