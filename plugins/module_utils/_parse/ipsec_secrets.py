# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""ipsec.secrets (strongSwan's legacy file and Libreswan's) and racoon's psk.txt to digested entries.

Grammar, for both daemons: ``[selector ...] : TYPE secret`` and ``include <glob>``.
Selectors are identities (%any, @fqdn, IP addresses, "quoted DNs"). A secret is
"double quoted", 'single quoted', 0x<hex>, 0s<base64>, 0t<text> (Libreswan) or a bare
token. Libreswan records may continue on lines that start with whitespace; strongSwan
reads one record per line. Libreswan ignores RSA (and other key) records since 4.0,
which this parser reports as a warning.

Secrets leave this module only as keyed digests (psk.digest_written_psk); no message
ever quotes the text of a record, since that text may hold the secret.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os

from ansible_collections.ipsec.doctor.plugins.module_utils._model import normalize_identity, strongswan_identity
from ansible_collections.ipsec.doctor.plugins.module_utils._parse.errors import add_error
from ansible_collections.ipsec.doctor.plugins.module_utils._parse.includes import follow_include
from ansible_collections.ipsec.doctor.plugins.module_utils._parse.psk import digest_written_psk
from ansible_collections.ipsec.doctor.plugins.module_utils._parse.source import (
    FileSystemReader,
    read_source,
    resolve_include,
)

STRONGSWAN = 'strongswan'
LIBRESWAN = 'libreswan'
RACOON = 'racoon'
FLAVOURS = (STRONGSWAN, LIBRESWAN, RACOON)

# Records whose value is a shared secret (digested) and records that point at a key (path kept).
SECRET_TYPES = ('PSK', 'EAP', 'XAUTH', 'NTLM', 'PIN', 'PPK', 'PPKS')
KEY_TYPES = ('RSA', 'ECDSA', 'BLISS', 'PKCS8', 'P12', 'PKCS12', 'ED25519', 'ED448')
STRONGSWAN_TYPES = ('PSK', 'EAP', 'XAUTH', 'NTLM', 'PIN', 'PPK', 'RSA', 'ECDSA', 'BLISS', 'PKCS8', 'P12')
LIBRESWAN_TYPES = ('PSK', 'XAUTH', 'PPKS')

# Where strongSwan's stroke looks for key files given by a relative path.
STRONGSWAN_PRIVATE_DIR = '/etc/ipsec.d/private'


class SecretsSyntaxError(ValueError):
    """A record that cannot be read; the message never contains the record's text."""


def _tokenize(text):
    """Split a record into raw tokens; quotes are kept on the token, '#' starts a comment.

    Raises SecretsSyntaxError on an unterminated quote.
    """
    tokens = []
    index = 0
    length = len(text)
    while index < length:
        char = text[index]
        if char.isspace():
            index += 1
            continue
        if char == '#':
            break
        if char in ('"', "'"):
            end = text.find(char, index + 1)
            if end < 0:
                raise SecretsSyntaxError('unterminated quoted string')
            tokens.append(text[index:end + 1])
            index = end + 1
            continue
        start = index
        while index < length and not text[index].isspace():
            if text[index] in ('"', "'"):
                end = text.find(text[index], index + 1)
                if end < 0:
                    raise SecretsSyntaxError('unterminated quoted string')
                index = end + 1
                continue
            index += 1
        tokens.append(text[start:index])
    return tokens


def _unquote(token):
    if len(token) >= 2 and token[0] == token[-1] and token[0] in ('"', "'"):
        return token[1:-1]
    return token


def _split_selector_and_type(tokens):
    """Return (selectors, TYPE, rest) for a record's tokens; raise SecretsSyntaxError when malformed."""
    for index, token in enumerate(tokens):
        if token == ':':
            if index + 1 >= len(tokens):
                raise SecretsSyntaxError("missing secret type after ':'")
            return tokens[:index], tokens[index + 1], tokens[index + 2:]
        if token.startswith(':') and token[1:].isalnum():
            return tokens[:index], token[1:], tokens[index + 1:]
        if (token.endswith(':') and not token.endswith('::') and not token.startswith(('"', "'"))
                and index + 1 < len(tokens) and tokens[index + 1].upper() in STRONGSWAN_TYPES + LIBRESWAN_TYPES):
            return tokens[:index] + [token[:-1]], tokens[index + 1], tokens[index + 2:]
    raise SecretsSyntaxError("missing ':' separator")


def _secret_form(token, flavour):
    """Return the written form digest_written_psk understands, or raise SecretsSyntaxError.

    Libreswan reads 0t<text> as text and rejects an unquoted secret without a 0x/0s/0t prefix.
    """
    if flavour != LIBRESWAN or token[:1] in ('"', "'"):
        return token
    prefix = token[:2].lower()
    if prefix == '0t':
        return '"%s"' % token[2:]
    if prefix in ('0x', '0s'):
        return token
    raise SecretsSyntaxError('unquoted secret without a 0x, 0s or 0t prefix')


class _SecretsParser:
    """Walks one secrets file and its includes; collects entries, key references and errors."""

    def __init__(self, reader, psk_key, flavour, private_dir):
        self.reader = reader
        self.psk_key = psk_key
        self.flavour = flavour
        self.private_dir = private_dir
        self.result = {'entries': [], 'key_refs': [], 'errors': [], 'files': []}

    def error(self, file, line, message, severity='error'):
        """Record an error entry with its place; never with the text of the record."""
        add_error(self.result['errors'], file, line, message, severity)

    def parse_file(self, path, stack):
        """Read one file and parse its records; an unreadable file is a stated gap."""
        text = read_source(self.reader, path, self.result['files'], self.error)
        if text is None:
            return
        for line_number, record in self._records(text):
            self._parse_record(path, line_number, record, stack + [path])

    def _records(self, text):
        """Yield (first line number, text) per record; Libreswan joins indented continuation lines."""
        current = None
        for number, line in enumerate(text.replace('\0', ' ').splitlines(), 1):
            if not line.strip() or line.lstrip().startswith('#'):
                continue
            if self.flavour == LIBRESWAN and line[:1].isspace() and current is not None:
                current[1].append(line)
                continue
            if current is not None:
                yield current[0], '\n'.join(current[1])
            current = [number, [line]]
        if current is not None:
            yield current[0], '\n'.join(current[1])

    def _parse_record(self, file, line, record, stack):
        """Parse one record: an include, a secret or a key reference."""
        if self.flavour == RACOON:
            self._racoon_record(file, line, record)
            return
        try:
            tokens = _tokenize(record)
        except SecretsSyntaxError as exc:
            self.error(file, line, str(exc))
            return
        if not tokens:
            return
        if tokens[0] == 'include':
            self._include(file, line, tokens[1:], stack)
            return
        try:
            selectors, kind, rest = _split_selector_and_type(tokens)
        except SecretsSyntaxError as exc:
            self.error(file, line, str(exc))
            return
        kind = kind.upper()
        if kind == 'PKCS12':
            kind = 'P12'
        # IDs as the daemons compare them (an FQDN's leading '@' removed), like the connection model's.
        identity = strongswan_identity if self.flavour == STRONGSWAN else normalize_identity
        ids = [identity(_unquote(token)) for token in selectors]
        src = '%s:%d' % (file, line)
        if self.flavour == LIBRESWAN and kind not in LIBRESWAN_TYPES:
            if kind in KEY_TYPES:
                self.error(file, line, 'Libreswan ignores %s records since 4.0 (keys live in the NSS database)'
                           % kind, severity='warning')
            else:
                self.error(file, line, 'unknown secret type (Libreswan knows %s)' % ', '.join(LIBRESWAN_TYPES))
            return
        if kind in KEY_TYPES:
            self._key_ref(file, line, src, kind, ids, rest)
        elif kind in SECRET_TYPES:
            self._secret(file, line, src, kind, ids, rest)
        else:
            self.error(file, line, 'unknown secret type (expected one of %s)' % ', '.join(STRONGSWAN_TYPES))

    def _racoon_record(self, file, line, record):
        """racoon psk.txt: "<identifier> <key>"; the key is the rest of the line, 0x<hex> or literal text."""
        parts = record.strip().split(None, 1)
        if len(parts) != 2:
            self.error(file, line, 'expected an identifier and a key')
            return
        identifier, key = parts[0], parts[1].strip()
        written = key if key[:2].lower() == '0x' else '"%s"' % key
        digest, problem = digest_written_psk(written, self.psk_key)
        if problem:
            self.error(file, line, 'PSK secret is malformed: %s' % problem)
            return
        self.result['entries'].append({
            'type': 'PSK', 'ids': [identifier], 'digest': digest, 'src': '%s:%d' % (file, line),
            'file': file, 'line': line,
        })

    def _include(self, file, line, args, stack):
        """Parse the files an include names, guarding against cycles and deep nesting."""
        if len(args) != 1:
            self.error(file, line, 'include takes exactly one path')
            return
        pattern = resolve_include(_unquote(args[0]), file)
        found = follow_include(
            self.reader, pattern, stack,
            read=lambda path: self.parse_file(path, stack),
            refuse=lambda message: self.error(file, line, message),
            cycle_message=lambda path: 'include cycle: %s is already being read (%s)' % (path, ' -> '.join(stack)))
        if not found:
            self.error(file, line, 'included file not found: %s' % pattern)

    def _secret(self, file, line, src, kind, ids, rest):
        """Digest a shared secret (PSK, EAP, XAUTH, NTLM, PPK); keep only the digest."""
        if kind == 'PPKS':
            # Libreswan: ": PPKS "ppk-id" key" - the first value is the PPK's public identifier.
            rest = rest[1:]
        if not rest:
            self.error(file, line, 'missing secret after %s' % kind)
            return
        if kind == 'PIN':
            # ": PIN %smartcard<slot>:<keyid> <pin>": a token PIN is never digested or compared.
            self.result['entries'].append({
                'type': kind, 'ids': ids, 'digest': None, 'src': src, 'file': file, 'line': line,
            })
            return
        try:
            written = _secret_form(rest[0], self.flavour)
        except SecretsSyntaxError as exc:
            self.error(file, line, '%s secret is malformed: %s' % (kind, exc))
            return
        digest, problem = digest_written_psk(written, self.psk_key)
        if problem:
            self.error(file, line, '%s secret is malformed: %s' % (kind, problem))
            return
        if len(rest) > 1:
            self.error(file, line, 'unexpected text after the %s secret (quote secrets that hold spaces)' % kind)
            return
        self.result['entries'].append({
            'type': kind, 'ids': ids, 'digest': digest, 'src': src, 'file': file, 'line': line,
        })

    def _key_ref(self, file, line, src, kind, ids, rest):
        """Record the key file a key record names; a passphrase after it is dropped."""
        if not rest:
            self.error(file, line, 'missing key file after %s' % kind)
            return
        # Anything after the path is a passphrase (or %prompt): never kept.
        key_path = _unquote(rest[0])
        if not os.path.isabs(key_path):
            key_path = os.path.join(self.private_dir, key_path)
        self.result['key_refs'].append({'type': kind, 'ids': ids, 'path': os.path.normpath(key_path), 'src': src})


def parse_secrets(path, reader=None, psk_key=None, flavour=STRONGSWAN, private_dir=STRONGSWAN_PRIVATE_DIR):
    """Parse an ipsec.secrets file (and its includes).

    path: the file to start from; reader: a source reader (FileSystemReader by default);
    psk_key: the per-run key for PSK digests (no key, no digest); flavour: 'strongswan',
    'libreswan' or 'racoon' (racoon's psk.txt: one "<identifier> <key>" per line, no includes);
    private_dir: where strongSwan resolves relative key paths.

    Returns {'entries': [{type, ids, digest, src, file, line}], 'key_refs': [{type, ids, path, src}],
    'errors': [{file, line, message, severity}], 'files': [paths read]}.
    """
    if flavour not in FLAVOURS:
        raise ValueError('flavour must be one of %s' % ', '.join(FLAVOURS))
    parser = _SecretsParser(reader or FileSystemReader(), psk_key, flavour, private_dir)
    parser.parse_file(path, [])
    return parser.result
