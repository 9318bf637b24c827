# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Proposal strings of strongSwan and Libreswan, normalized, and the daemons' default proposals.

A normalized proposal is a dict of transform lists named as strongSwan's IKEv2
transforms: IKE proposals have ``encr``, ``integ``, ``prf``, ``ke``; ESP proposals
``encr``, ``integ``, ``ke``, ``esn``; AH proposals ``integ``, ``ke``, ``esn``. In ESP/AH
proposals ``KE_NONE`` in ``ke`` means PFS is optional (strongSwan's ``none`` keyword).
strongSwan 6 additional key exchanges (``ke1_`` .. ``ke7_``) appear as ``ke1`` .. ``ke7``.

The expand functions return ``(proposal_set, errors)``: proposal_set is the model's
``{'written', 'strict', 'effective'}`` and errors is a list of messages (the caller
adds file and line). Unknown keywords never raise.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import copy
import re

from ansible_collections.ipsec.doctor.plugins.module_utils._model import new_proposal_set
from ansible_collections.ipsec.doctor.plugins.module_utils._parse.algorithms import (
    ENCR, ESN, INTEG, KE, PRF,
    INTEG_FROM_PRF, PRF_FROM_INTEG,
    LIBRESWAN4_IKE_KE, LIBRESWAN5_IKE_KE, LIBRESWAN_UNSUPPORTED_KE,
    STRONGSWAN_AH, STRONGSWAN_ESP_AEAD, STRONGSWAN_ESP_CLASSIC,
    STRONGSWAN_IKE_AEAD, STRONGSWAN_IKE_CLASSIC,
    _LSW_INTEG, _LSW_PRF,
    algorithm_supported, is_aead, libreswan_cipher, libreswan_default_ciphers,
    libreswan_hash, libreswan_ke, strongswan_keyword,
)

KINDS = ('ike', 'esp', 'ah')
_KEYS = {
    'ike': (ENCR, INTEG, PRF, KE),
    'esp': (ENCR, INTEG, KE, ESN),
    'ah': (INTEG, KE, ESN),
}
_ADDITIONAL_KE = re.compile(r'^ke([1-7])_(.+)$')

DEFAULT_STRONGSWAN_VERSION = '5.9'
DEFAULT_LIBRESWAN_VERSION = '4'


def _empty(kind):
    return dict((key, []) for key in _KEYS[kind])


def _add(proposal, key, names):
    values = proposal.setdefault(key, [])
    for name in names:
        if name not in values:
            values.append(name)


def _major(version, fallback):
    """Return the major version number of a version string like '5.9.8'."""
    match = re.match(r'\s*(\d+)', str(version or fallback))
    return int(match.group(1)) if match else int(fallback)


def proposal_algorithms(proposal):
    """Return every algorithm name of one normalized proposal, in key order, without duplicates."""
    names = []
    for key in sorted(proposal):
        for name in proposal[key]:
            if name not in names:
                names.append(name)
    return names


def ke_methods(proposals):
    """Return the KE methods named anywhere in a list of proposals (the PFS groups for ESP).

    KE_NONE (strongSwan's ``none`` in an ESP proposal: PFS optional) is not a group.
    """
    groups = []
    for proposal in proposals:
        for name in proposal.get(KE, []):
            if name != 'KE_NONE' and name not in groups:
                groups.append(name)
    return groups


# ---------------------------------------------------------------------------
# Defaults
# ---------------------------------------------------------------------------

def _filter_by_plugins(proposals, kind, plugins):
    """Drop algorithms the plugins do not provide; drop proposals that lose a mandatory transform."""
    if plugins is None:
        return proposals
    loaded = set(plugins)
    kept = []
    for proposal in proposals:
        filtered = dict((key, [name for name in names if algorithm_supported(name, loaded)])
                        for key, names in proposal.items())
        if kind != 'ah' and not filtered[ENCR]:
            continue
        if kind == 'ike' and (not filtered[PRF] or not filtered[KE]):
            continue
        classic = kind == 'ah' or not all(is_aead(name) for name in filtered.get(ENCR, []))
        if classic and proposal[INTEG] and not filtered[INTEG]:
            continue
        kept.append(filtered)
    return kept


def default_proposals(family, kind, version=None, plugins=None, explicit_default=False, stroke=False):
    """Return the proposals a daemon offers when none are configured.

    family: 'strongswan' or 'libreswan'; kind: 'ike', 'esp' or 'ah'.
    version: the daemon version string (strongSwan 5.9/6.x, Libreswan 4.x/5.x).
    strongSwan's ESP order: AEAD first when unset in swanctl.conf; the ``default``
    keyword puts classic first before 6.0 (explicit_default); the legacy stroke
    backend (ipsec.conf) always puts classic first (stroke).
    plugins: strongSwan's loaded plugin names; None means no filtering (standard set). They filter the
    IKE defaults only: strongSwan's ESP and AH defaults are fixed lists (the kernel does ESP).
    explicit_default: strongSwan's ``default`` keyword, which orders ESP classic first.
    """
    if family == 'strongswan':
        if kind == 'ike':
            # Only IKE defaults depend on the plugins; ESP/AH defaults are fixed lists for the kernel.
            return _filter_by_plugins(copy.deepcopy([STRONGSWAN_IKE_CLASSIC, STRONGSWAN_IKE_AEAD]), kind, plugins)
        if kind == 'esp':
            if stroke or (explicit_default and _major(version, DEFAULT_STRONGSWAN_VERSION) < 6):
                return copy.deepcopy([STRONGSWAN_ESP_CLASSIC, STRONGSWAN_ESP_AEAD])
            return copy.deepcopy([STRONGSWAN_ESP_AEAD, STRONGSWAN_ESP_CLASSIC])
        return copy.deepcopy([STRONGSWAN_AH])
    if family == 'libreswan':
        major = _major(version, DEFAULT_LIBRESWAN_VERSION)
        proposals = []
        for cipher in libreswan_default_ciphers(major):
            aead = is_aead(cipher)
            if kind == 'ike':
                proposals.append({
                    ENCR: [cipher],
                    INTEG: [] if aead else list(_LSW_INTEG),
                    PRF: list(_LSW_PRF),
                    KE: list(LIBRESWAN5_IKE_KE if major >= 5 else LIBRESWAN4_IKE_KE),
                })
            elif kind == 'esp':
                proposals.append({ENCR: [cipher], INTEG: [] if aead else list(_LSW_INTEG),
                                  KE: [], ESN: ['NO_EXT_SEQ']})
        if kind == 'ah':
            proposals.append({INTEG: list(_LSW_INTEG), KE: [], ESN: ['NO_EXT_SEQ']})
        return proposals
    return []


# ---------------------------------------------------------------------------
# strongSwan
# ---------------------------------------------------------------------------

def _strongswan_one(text, kind, version=None):
    """Parse one dash-joined strongSwan proposal; return (proposal or None, errors)."""
    proposal = _empty(kind)
    errors = []
    major = _major(version, DEFAULT_STRONGSWAN_VERSION)
    for word in text.split('-'):
        word = word.strip()
        if not word:
            errors.append("empty algorithm keyword in %s proposal '%s'" % (kind, text))
            continue
        extra = _ADDITIONAL_KE.match(word.lower())
        if extra and version is not None and major < 6:
            errors.append("additional key exchange '%s' in %s proposal '%s' needs strongSwan 6.0 or later"
                          % (word, kind, text))
            continue
        if extra:
            transform, names = strongswan_keyword(extra.group(2), major)
            if transform != KE:
                errors.append("unknown key exchange method '%s' in %s proposal '%s'" % (word, kind, text))
                continue
            _add(proposal, 'ke%s' % extra.group(1), names)
            continue
        transform, names = strongswan_keyword(word, major)
        if transform is None:
            errors.append("unknown algorithm keyword '%s' in %s proposal '%s'" % (word, kind, text))
            continue
        if kind == 'ah' and transform == ENCR:
            # AH keeps AES-GMAC as an integrity algorithm and drops any other cipher.
            _add(proposal, INTEG, [name.replace('NULL_AES_GMAC_', 'AES_') + '_GMAC'
                                   for name in names if name.startswith('NULL_AES_GMAC_')])
            continue
        if transform == ESN and kind == 'ike':
            _add(proposal, ESN, names)  # charon keeps ESN transforms written in IKE proposals
            continue
        if transform not in proposal:
            if transform == PRF:
                continue  # strongSwan removes PRFs from ESP/AH proposals
            errors.append("algorithm '%s' is not allowed in %s proposals ('%s')" % (word, kind, text))
            continue
        _add(proposal, transform, names)
    if errors:
        return None, errors
    return _check_strongswan(proposal, kind, text)


def _check_strongswan(proposal, kind, text):
    """Apply strongSwan's completion rules (PRF from integrity, NO_EXT_SEQ) and mandatory-transform checks."""
    encr = proposal.get(ENCR, [])
    aead = [name for name in encr if is_aead(name)]
    if aead and len(aead) != len(encr):
        return None, ["AEAD and classic encryption algorithms can't be mixed in %s proposal '%s'" % (kind, text)]
    if kind == 'ike':
        proposal[KE] = [name for name in proposal[KE] if name != 'KE_NONE']
        if not proposal[PRF]:
            _add(proposal, PRF, [PRF_FROM_INTEG[name] for name in proposal[INTEG] if name in PRF_FROM_INTEG])
        if not encr:
            return None, ["an encryption algorithm is mandatory in IKE proposals ('%s')" % text]
        if not proposal[PRF]:
            return None, ["a PRF algorithm is mandatory in IKE proposals ('%s')" % text]
        if not proposal[KE]:
            return None, ["a DH group is mandatory in IKE proposals ('%s')" % text]
    if kind == 'esp' and not encr:
        return None, ["an encryption algorithm is mandatory in ESP proposals ('%s')" % text]
    if aead:
        proposal[INTEG] = []
    elif kind == 'ike' and not proposal[INTEG]:
        return None, ["an integrity algorithm is mandatory in IKE proposals with classic encryption ('%s')" % text]
    elif kind == 'ah' and not proposal[INTEG]:
        return None, ["an integrity algorithm is mandatory in AH proposals ('%s')" % text]
    if kind in ('esp', 'ah') and not proposal[ESN]:
        proposal[ESN] = ['NO_EXT_SEQ']
    return proposal, []


def _list_items(text, kind, errors):
    """Yield the items of a comma-separated proposal list in order; an empty item is an error in errors."""
    for item in str(text).split(','):
        item = item.strip()
        if item:
            yield item
        else:
            errors.append("empty %s proposal in '%s'" % (kind, text))


def parse_strongswan(text, kind, version=None, plugins=None):
    """Parse a comma-separated strongSwan proposal list; return (proposals, errors).

    The ``default`` keyword inserts the daemon's default proposals at its place.
    """
    if kind not in KINDS:
        raise ValueError('kind must be one of %s' % ', '.join(KINDS))
    proposals = []
    errors = []
    for item in _list_items(text, kind, errors):
        if item.lower() == 'default':
            proposals.extend(default_proposals('strongswan', kind, version, plugins, explicit_default=True))
            continue
        proposal, item_errors = _strongswan_one(item, kind, version)
        errors.extend(item_errors)
        if proposal is not None:
            proposals.append(proposal)
    return proposals, errors


def expand_strongswan(written, kind, version=None, plugins=None, legacy=False):
    """Return (proposal_set, errors) for a strongSwan proposal setting as written.

    written: the value as in the file, or None when unset (the defaults apply).
    legacy: ipsec.conf (stroke) semantics; a trailing ``!`` makes the list strict,
    otherwise stroke appends the full default proposals after the written ones.
    swanctl lists are always strict (``default`` must be written to get defaults).
    """
    if written is None or not str(written).strip():
        effective = default_proposals('strongswan', kind, version, plugins, stroke=legacy)
        return new_proposal_set(written, False, effective), []
    text = str(written).strip()
    strict = True
    if legacy:
        strict = text.endswith('!')
        text = text.rstrip('!').strip()
    effective, errors = parse_strongswan(text, kind, version, plugins)
    if legacy and not strict:
        for proposal in default_proposals('strongswan', kind, version, plugins, stroke=True):
            if proposal not in effective:
                effective.append(proposal)
    return new_proposal_set(written, strict, effective), errors


# ---------------------------------------------------------------------------
# Libreswan
# ---------------------------------------------------------------------------

def _split_alternatives(token):
    return [part.strip() for part in token.split('+')]


def _libreswan_one(text, kind, major, pfs=True, problems=None):
    """Parse one Libreswan proposal; return (proposal or None, errors).

    Forms, as pluto's v2 proposal parser reads them: IKE ``ENCR[-PRF][-KE]`` or
    ``ENCR-INTEG-PRF[-KE]`` (the second only when the first hash is not a PRF, e.g.
    ``none``); ESP ``ENCR[-INTEG][-KE]``; a KE may also follow ``;``; ``+`` joins
    alternatives; a key length may follow the cipher as its own token (``aes-256``).
    """
    problems = [] if problems is None else problems
    main, _sep, ke_part = text.partition(';')
    tokens = [token.strip() for token in main.split('-')]
    if ke_part:
        tokens.append(ke_part.strip())
    if any(not token for token in tokens):
        return None, ["empty algorithm in %s proposal '%s'" % (kind, text)]
    proposal = _empty(kind)
    if kind != 'ah':
        words = _split_alternatives(tokens.pop(0))
        key_bits = None
        if tokens and tokens[0].isdigit() and len(words) == 1:
            key_bits = tokens.pop(0)
        for word in words:
            names = libreswan_cipher(word, kind, key_bits)
            if names is None:
                return None, ["unknown encryption algorithm '%s' in %s proposal '%s'"
                              % (word + ('-' + key_bits if key_bits else ''), kind, text)]
            _add(proposal, ENCR, names)
    hashes, ke, problem = _libreswan_hashes_and_ke(tokens, kind, text, last_is_ke=bool(ke_part))
    if problem:
        return None, [problem]
    aead = bool(proposal.get(ENCR)) and all(is_aead(name) for name in proposal[ENCR])
    if aead != any(is_aead(name) for name in proposal.get(ENCR, [])):
        return None, ["AEAD and non-AEAD %s encryption algorithm cannot be combined ('%s')" % (kind.upper(), text)]
    if kind == 'esp' and ke and not pfs:
        problems.append("ignoring ESP DH algorithm %s in '%s' as PFS policy is disabled" % ('+'.join(ke), text))
        ke = []
    if kind == 'ike':
        if len(hashes) == 2:
            integ_words, prfs = hashes
        elif hashes == [[]]:
            integ_words, prfs = [], list(_LSW_PRF)
        else:
            integ_words, prfs = None, (hashes[0] if hashes else list(_LSW_PRF))
        _add(proposal, PRF, prfs)
        if integ_words is not None:
            _add(proposal, INTEG, [INTEG_FROM_PRF[name] for name in integ_words if name in INTEG_FROM_PRF])
        elif not aead:
            _add(proposal, INTEG, [INTEG_FROM_PRF[name] for name in prfs if name in INTEG_FROM_PRF])
        _add(proposal, KE, ke if ke is not None else (LIBRESWAN5_IKE_KE if major >= 5 else LIBRESWAN4_IKE_KE))
    else:
        if hashes:
            _add(proposal, INTEG, [INTEG_FROM_PRF[name] for name in hashes[0] if name in INTEG_FROM_PRF])
        elif not aead:
            _add(proposal, INTEG, _LSW_INTEG)
        _add(proposal, KE, ke or [])
        _add(proposal, ESN, ['NO_EXT_SEQ'])
    if aead and proposal[INTEG]:
        return None, ["AEAD encryption in %s proposal '%s' must have 'none' as the integrity algorithm"
                      % (kind.upper(), text)]
    if kind != 'ike' and not aead and hashes[:1] == [[]]:
        return None, ["non-AEAD %s proposal '%s' cannot have 'none' as the integrity algorithm"
                      % (kind.upper(), text)]
    return proposal, problems


def _libreswan_hashes_and_ke(tokens, kind, text, last_is_ke=False):
    """Split the tokens after the cipher into hash lists and a KE list; return (hashes, ke, problem).

    last_is_ke: the last token followed a ';', where pluto reads a KE only ('aes;none' has no PFS group,
    not the integrity 'none').
    """
    hashes = []
    ke = None
    max_hashes = 2 if kind == 'ike' else 1
    for position, token in enumerate(tokens):
        words = _split_alternatives(token)
        as_hash = [libreswan_hash(word) for word in words]
        as_ke = [libreswan_ke(word) for word in words]
        is_last = position == len(tokens) - 1
        if kind == 'ike' and hashes == [[]] and not all(name for name in as_hash):
            # after the integrity 'none' pluto reads a PRF, nothing else
            return None, None, "IKE proposal '%s' has no PRF after the integrity 'none'" % text
        unsupported = [word for word, name in zip(words, as_ke) if name in LIBRESWAN_UNSUPPORTED_KE]
        if is_last and unsupported and all(name is not None for name in as_ke):
            return None, None, "%s DH algorithm '%s' is not supported (proposal '%s')" % (
                kind.upper(), unsupported[0], text)
        if ke is None and len(hashes) < max_hashes and all(name is not None for name in as_hash) \
                and not (last_is_ke and is_last):
            if kind == 'ike' and len(hashes) == 1 and hashes[0]:
                # pluto read the first hash as the PRF, so nothing but a KE may follow.
                return None, None, "%s proposal '%s' contains unexpected '%s'" % (kind.upper(), text, token)
            hashes.append([name for name in as_hash if name])
        elif is_last and all(name is not None for name in as_ke):
            ke = [name for name in as_ke if name]
        else:
            unknown = [word for word, h, k in zip(words, as_hash, as_ke) if h is None and k is None] or words
            return None, None, "unknown algorithm '%s' in %s proposal '%s'" % ('+'.join(unknown), kind, text)
    return hashes, ke, None


def parse_libreswan(text, kind, version=None, pfs=True):
    """Parse a comma-separated Libreswan proposal list; return (proposals, errors).

    Missing parts are completed as pluto does: IKE without a PRF gets SHA2_512 and
    SHA2_256, without a KE the version's default groups; one hash names both the PRF
    and the integrity algorithm (none for AEAD); a cipher without a key length is
    proposed with 256 and 128 bits.
    """
    if kind not in KINDS:
        raise ValueError('kind must be one of %s' % ', '.join(KINDS))
    major = _major(version, DEFAULT_LIBRESWAN_VERSION)
    proposals = []
    errors = []
    for item in _list_items(text, kind, errors):
        proposal, item_errors = _libreswan_one(item, kind, major, pfs)
        errors.extend(item_errors)
        if proposal is not None:
            proposals.append(proposal)
    return proposals, errors


def expand_libreswan(written, kind, version=None, esn=None, pfs=True):
    """Return (proposal_set, errors) for a Libreswan ike=/esp= value as written (None: defaults).

    Libreswan proposes exactly what is written, so a written list is strict.
    esn: the ESN transforms to put in ESP/AH proposals (from ``esn=``), default NO_EXT_SEQ.
    pfs: Libreswan's ``pfs=`` (default yes); with pfs=no pluto ignores an ESP DH group.
    """
    if written is None or not str(written).strip():
        effective = default_proposals('libreswan', kind, version)
        strict = False
        errors = []
    else:
        effective, errors = parse_libreswan(str(written).strip(), kind, version, pfs)
        strict = True
    if esn is not None and kind != 'ike':
        for proposal in effective:
            proposal[ESN] = list(esn)
    return new_proposal_set(written, strict, effective), errors
