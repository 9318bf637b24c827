# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""ipsec-tools racoon.conf to the normalized connection model (racoon speaks IKEv1 only).

Grammar: statements end with ``;``, blocks are ``{ ... }``, ``#`` starts a comment and
strings are "double quoted". The parts a diagnosis needs:
  ``path pre_shared_key "<file>";``, ``path certificate "<dir>";``, ``path include "<dir>";``
  ``include "<file or glob>";`` (relative to ``path include``)
  ``remote (<address> [<port>] | anonymous) [inherit <remote>] { exchange_mode; my_identifier; peers_identifier;
  certificate_type; nat_traversal; dpd_delay; lifetime; proposal { encryption_algorithm;
  hash_algorithm; authentication_method; dh_group; lifetime } ... }``
  ``sainfo (address <A/prefix> <proto> | anonymous) (address <B/prefix> <proto> | anonymous)
  { pfs_group; lifetime; encryption_algorithm; authentication_algorithm; compression_algorithm }``

Each ``remote`` becomes a connection; racoon picks a ``sainfo`` by the traffic selectors
alone, so every sainfo is a child of every remote (unless ``remoteid``/``ph1id`` tie them).
Algorithms get the strongSwan transform names of the proposals module, so IKEv1 racoon
proposals compare with the other daemons: aes 128 + sha1 + dh_group 2 becomes
AES_CBC_128 / HMAC_SHA1_96 / PRF_HMAC_SHA1 / MODP_1024.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import copy
import os
import re

from ansible_collections.ipsec.doctor.plugins.module_utils._model import (
    identity_type,
    new_auth_round,
    new_child,
    new_connection,
    new_proposal_set,
    origin,
    set_value,
)
from ansible_collections.ipsec.doctor.plugins.module_utils._parse.algorithms import strongswan_keyword
from ansible_collections.ipsec.doctor.plugins.module_utils._parse.errors import add_error
from ansible_collections.ipsec.doctor.plugins.module_utils._parse.includes import follow_include
from ansible_collections.ipsec.doctor.plugins.module_utils._parse.source import FileSystemReader, read_source

DEFAULT_PATH = '/etc/racoon/racoon.conf'
DEFAULT_INCLUDE_DIR = '/etc/racoon'
FORMAT = 'racoon'

DH_GROUPS = {
    '1': 'modp768', '2': 'modp1024', '5': 'modp1536', '14': 'modp2048', '15': 'modp3072',
    '16': 'modp4096', '17': 'modp6144', '18': 'modp8192',
}
_DH_NAMES = {'modp768': 'modp768', 'modp1024': 'modp1024', 'modp1536': 'modp1536', 'modp2048': 'modp2048',
             'modp3072': 'modp3072', 'modp4096': 'modp4096', 'modp6144': 'modp6144', 'modp8192': 'modp8192'}
HASHES = ('md5', 'sha1', 'sha256', 'sha384', 'sha512')
ESP_AUTH = {'hmac_md5': 'md5', 'hmac_sha1': 'sha1', 'hmac_sha256': 'sha256', 'hmac_sha2_256': 'sha256',
            'hmac_sha384': 'sha384', 'hmac_sha2_384': 'sha384', 'hmac_sha512': 'sha512',
            'hmac_sha2_512': 'sha512', 'non_auth': None}
ID_TYPES = {'fqdn': 'fqdn', 'user_fqdn': 'rfc822', 'asn1dn': 'dn', 'keyid': 'keyid'}
AUTH_METHODS = {
    'pre_shared_key': ('psk', None), 'rsasig': ('pubkey', None),
    'xauth_psk_client': ('psk', 'xauth'), 'xauth_psk_server': ('psk', 'xauth'),
    'xauth_rsa_client': ('pubkey', 'xauth'), 'xauth_rsa_server': ('pubkey', 'xauth'),
    'hybrid_rsa_client': (None, 'xauth'), 'hybrid_rsa_server': ('pubkey', 'xauth'),
    'gssapi_krb': (None, None),
}
_TIME_UNITS = {'sec': 1, 'secs': 1, 'second': 1, 'seconds': 1, 'min': 60, 'mins': 60, 'minute': 60,
               'minutes': 60, 'hour': 3600, 'hours': 3600}
_TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"|[{};,]|[^\s{};,"#]+|"|#[^\n]*|\n')


class RacoonSyntaxError(ValueError):
    """racoon.conf text that cannot be read; carries the line."""

    def __init__(self, line, message):
        ValueError.__init__(self, message)
        self.line = line


def _tokenize(text):
    """Return [(token, line)]; comments are dropped, strings keep their quotes."""
    tokens = []
    line = 1
    for match in _TOKEN.finditer(text):
        token = match.group(0)
        if token == '\n':
            line += 1
            continue
        if token.startswith('#'):
            continue
        if token == '"':
            raise RacoonSyntaxError(line, 'unterminated string')
        tokens.append((token, line))
    return tokens


def _parse_block(tokens, index, depth):
    """Parse statements until '}' or the end; return (statements, next index).

    A statement is {'words': [...], 'line': n, 'block': [statements] or None}.
    """
    statements = []
    words = []
    start_line = None
    while index < len(tokens):
        token, line = tokens[index]
        if start_line is None:
            start_line = line
        if token == ';':
            if words:
                statements.append({'words': words, 'line': start_line, 'block': None})
            words, start_line = [], None
            index += 1
        elif token == '{':
            if depth > 20:
                raise RacoonSyntaxError(line, 'blocks nested too deeply')
            block, index = _parse_block(tokens, index + 1, depth + 1)
            statements.append({'words': words, 'line': start_line, 'block': block})
            words, start_line = [], None
            if index < len(tokens) and tokens[index][0] == ';':
                index += 1
        elif token == '}':
            if depth == 0:
                raise RacoonSyntaxError(line, "unexpected '}'")
            if words:
                raise RacoonSyntaxError(start_line, "missing ';' after '%s'" % words[0])
            return statements, index + 1
        else:
            words.append(token)
            index += 1
    if depth > 0:
        raise RacoonSyntaxError(tokens[-1][1] if tokens else 1, "missing '}' at end of file")
    if words:
        raise RacoonSyntaxError(start_line, "missing ';' after '%s'" % words[0])
    return statements, index


def _unquote(word):
    if len(word) >= 2 and word[0] == '"' and word[-1] == '"':
        return word[1:-1]
    return word


def _values(words):
    """The values of a statement without its keyword and the commas between list items."""
    return [_unquote(word) for word in words[1:] if word != ',']


def _lifetime_seconds(words):
    """Return seconds for 'lifetime time <n> <unit>' (None when it is not a time lifetime)."""
    values = _values(words)
    if len(values) >= 2 and values[0] == 'time':
        try:
            number = int(values[1])
        except ValueError:
            return None
        unit = values[2].lower() if len(values) > 2 else 'sec'
        return number * _TIME_UNITS.get(unit, 1) if unit in _TIME_UNITS else None
    return None


class _RacoonParser:
    """Reads racoon.conf with includes and maps it into connections."""

    def __init__(self, reader):
        self.reader = reader
        self.errors = []
        self.files = []
        self.include_dir = DEFAULT_INCLUDE_DIR
        self.paths = {}
        self.remotes = []
        self.sainfos = []
        self.listen = []

    def error(self, file, line, message, severity='error'):
        """Record an error entry with its place."""
        add_error(self.errors, file, line, message, severity)

    def read(self, path, stack):
        """Read one file: tokenize, parse blocks, collect the top-level statements."""
        text = read_source(self.reader, path, self.files, self.error)
        if text is None:
            return
        try:
            statements, _index = _parse_block(_tokenize(text.replace('\0', ' ')), 0, 0)
        except RacoonSyntaxError as exc:
            self.error(path, exc.line, str(exc))
            return
        for statement in statements:
            self._top_level(path, statement, stack)

    def _top_level(self, path, statement, stack):
        """Handle one top-level statement (path, include, remote, sainfo, listen, ...)."""
        words = statement['words']
        keyword = words[0] if words else ''
        line = statement['line']
        if keyword in ('path', 'include'):
            expected = 3 if keyword == 'path' else 2
            if len(words) != expected or statement['block'] is not None:
                self.error(path, line, "malformed '%s' statement (missing ';'?)" % keyword)
                if statement['block'] is not None and len(words) > expected:
                    # "path x "y" remote z { ... }": the ';' is missing, the block still counts.
                    self._top_level(path, dict(statement, words=words[expected:]), stack)
                return
            if keyword == 'include':
                self._include(path, line, _unquote(words[1]), stack)
                return
            value = _unquote(words[2])
            self.paths[words[1]] = (value, origin(path, line))
            if words[1] == 'include':
                self.include_dir = value
        elif keyword == 'remote' and statement['block'] is not None:
            self.remotes.append((path, statement))
        elif keyword == 'sainfo' and statement['block'] is not None:
            self.sainfos.append((path, statement))
        elif keyword == 'listen' and statement['block'] is not None:
            for item in statement['block']:
                if item['words'][:1] == ['isakmp'] and len(item['words']) >= 2:
                    self.listen.append(_unquote(item['words'][1]).strip('[]'))
        elif keyword in ('log', 'padding', 'timer', 'mode_cfg', 'privsep', 'gss_id_enc', 'ldapcfg', 'radiuscfg',
                         'complex_bundle', 'listen'):
            return
        else:
            self.error(path, line, "unknown statement '%s'" % keyword[:40], 'warning')

    def _include(self, path, line, pattern, stack):
        """Read the files an include names (relative to path include), guarding against cycles."""
        target = pattern if os.path.isabs(pattern) else os.path.join(self.include_dir, pattern)
        chain = stack + [path]
        found = follow_include(
            self.reader, target, chain,
            read=lambda match: self.read(match, chain),
            refuse=lambda message: self.error(path, line, message),
            cycle_message=lambda match: 'include cycle: %s is already being read' % match)
        if not found:
            self.error(path, line, 'included file not found: %s' % target)

    # --- mapping -----------------------------------------------------------------------------------

    def connections(self):
        """Return one connection per remote, with the sainfos as children."""
        children = [self._child(path, statement) for path, statement in self.sainfos]
        connections = []
        for path, statement in self.remotes:
            conn, ph1id = self._remote(path, statement)
            for child, remote_id in children:
                if child is None:
                    continue
                if remote_id is not None and ph1id is not None and remote_id != ph1id:
                    continue
                conn['children'].append(copy.deepcopy(child))
            connections.append(conn)
        return connections

    def _remote(self, path, statement):
        """Return (connection, ph1id) for a remote block."""
        words = [_unquote(word) for word in statement['words'][1:]]
        line = statement['line']
        address = words[0] if words else 'anonymous'
        conn = new_connection('remote %s' % address, 'racoon', FORMAT, path, line)
        conn['ike_version'] = 1
        set_value(conn, 'remote_addrs', ['%any' if address == 'anonymous' else address.strip('[]')], path, line)
        conn['local_addrs'] = list(self.listen) or ['%any']
        if len(words) > 1 and words[1].strip('[]').isdigit():
            set_value(conn, 'remote_port', int(words[1].strip('[]')), path, line)
        conn['auto'] = 'route'
        conn['fragmentation'] = 'no'
        conn['dpd_delay'] = 0
        local = new_auth_round(1)
        remote = new_auth_round(1)
        local['method'] = remote['method'] = None
        proposals = []
        written = []
        ph1id = None
        methods = []
        for item_path, item in self._remote_items(path, statement, words):
            keyword = item['words'][0] if item['words'] else ''
            at = origin(item_path, item['line'])
            values = _values(item['words'])
            if keyword == 'proposal' and item['block'] is not None:
                proposal, text, method, lifetime = self._ike_proposal(item_path, item)
                if proposal is not None:
                    proposals.append(proposal)
                    written.append(text)
                if method:
                    methods.append((method, at))
                if lifetime is not None and conn['rekey_time'] is None:
                    set_value(conn, 'rekey_time', lifetime, item_path, item['line'])
            elif keyword in ('my_identifier', 'peers_identifier') and values:
                target, side = (local, 'local') if keyword == 'my_identifier' else (remote, 'remote')
                if len(values) >= 2:
                    target['id'] = values[1]
                    target['id_type'] = ID_TYPES.get(values[0]) or identity_type(values[1])
                    conn['src']['%s_auth.0.id_type' % side] = at
                else:
                    target['id_type'] = 'ipv4' if values[0] == 'address' else ID_TYPES.get(values[0])
                conn['src']['%s_auth.0.id' % side] = at
            elif keyword == 'certificate_type' and len(values) >= 2:
                local['certs'] = [self._cert_path(values[1])]
                conn['src']['local_auth.0.certs'] = at
            elif keyword == 'peers_certfile' and values:
                remote['certs'] = [self._cert_path(values[-1])]
                conn['src']['remote_auth.0.certs'] = at
            elif keyword == 'ca_type' and len(values) >= 2:
                local['cacerts'] = [self._cert_path(values[1])]
            elif keyword == 'nat_traversal' and values:
                set_value(conn, 'encap', values[0] == 'force', item_path, item['line'])
            elif keyword == 'ike_frag' and values:
                fragmentation = {'on': 'yes', 'off': 'no'}.get(values[0], values[0])
                set_value(conn, 'fragmentation', fragmentation, item_path, item['line'])
            elif keyword == 'dpd_delay' and values and values[0].isdigit():
                set_value(conn, 'dpd_delay', int(values[0]), item_path, item['line'])
            elif keyword == 'passive' and values:
                set_value(conn, 'auto', 'add' if values[0] == 'on' else 'route', item_path, item['line'])
            elif keyword == 'mode_cfg' and values == ['on']:
                set_value(conn, 'vips', ['%config'], item_path, item['line'])
            elif keyword == 'lifetime':
                seconds = _lifetime_seconds(item['words'])
                if seconds is not None:
                    set_value(conn, 'rekey_time', seconds, item_path, item['line'])
            elif keyword == 'ph1id' and values:
                ph1id = values[0]
        if remote['id'] is None and remote['id_type'] is None:
            remote['id'], remote['id_type'] = '%any', 'any'  # without peers_identifier any peer ID is accepted
        if methods:
            method, at = methods[0]
            first, second = AUTH_METHODS.get(method, (None, None))
            local['auth'] = remote['auth'] = first
            local['method'] = remote['method'] = method
            for key in ('local_auth.0.auth', 'remote_auth.0.auth', 'local_auth.0.method', 'remote_auth.0.method'):
                conn['src'][key] = at
            extra = []
            if second:
                extra = [new_auth_round(2, second)]
                extra[0]['method'] = method
            conn['local_auth'] = [local] + extra
        else:
            conn['local_auth'] = [local]
        conn['remote_auth'] = [remote]
        conn['ike_proposals'] = new_proposal_set(','.join(written) or None, True, proposals)
        if written:
            conn['src']['ike_proposals'] = origin(path, statement['line'])
        else:
            self.error(path, statement['line'], 'remote %s has no valid proposal block' % address)
        return conn, ph1id

    def _remote_items(self, path, statement, words, seen=None):
        """Return [(file, statement)] of a remote block, after the ones it inherits.

        ``remote B inherit A { ... }`` starts from A's settings; B's own statements come
        later and so win, and B's proposals replace A's when B has any.
        """
        own = [(path, item) for item in statement['block']]
        if 'inherit' not in words or words.index('inherit') + 1 >= len(words):
            return own
        parent_name = words[words.index('inherit') + 1]
        seen = (seen or set()) | set([id(statement)])
        parent = None
        for parent_path, candidate in self.remotes:
            candidate_words = [_unquote(word) for word in candidate['words'][1:]]
            if candidate_words[:1] == [parent_name] and id(candidate) not in seen:
                parent = (parent_path, candidate, candidate_words)
                break
        if parent is None:
            self.error(path, statement['line'], "remote inherits unknown remote '%s'" % parent_name[:60])
            return own
        inherited = self._remote_items(parent[0], parent[1], parent[2], seen)
        if any(item['words'][:1] == ['proposal'] for _path, item in own):
            inherited = [(item_path, item) for item_path, item in inherited if item['words'][:1] != ['proposal']]
        return inherited + own

    def _cert_path(self, name):
        """Resolve a certificate file name under path certificate."""
        if os.path.isabs(name):
            return name
        directory = self.paths.get('certificate', ('/etc/racoon/certs', None))[0]
        return os.path.join(directory, name)

    def _ike_proposal(self, path, item):
        """Return (proposal, written text, authentication method, lifetime) of a phase 1 proposal block."""
        encr = integ = ke = None
        method = None
        lifetime = None
        for entry in item['block']:
            keyword = entry['words'][0] if entry['words'] else ''
            values = [value.lower() for value in _values(entry['words'])]
            line = entry['line']
            if keyword == 'encryption_algorithm' and values:
                encr = self._cipher(path, line, values)
            elif keyword == 'hash_algorithm' and values:
                if values[0] in HASHES:
                    integ = values[0]
                else:
                    self.error(path, line, "unknown hash_algorithm '%s'" % values[0][:40])
            elif keyword == 'dh_group' and values:
                ke = DH_GROUPS.get(values[0]) or _DH_NAMES.get(values[0])
                if ke is None:
                    self.error(path, line, "unknown dh_group '%s'" % values[0][:40])
            elif keyword == 'authentication_method' and values:
                method = values[0]
                if method not in AUTH_METHODS:
                    self.error(path, line, "unknown authentication_method '%s'" % method[:40])
            elif keyword == 'lifetime':
                lifetime = _lifetime_seconds(entry['words'])
        missing = [name for name, value in (('encryption_algorithm', encr), ('hash_algorithm', integ),
                                            ('dh_group', ke)) if value is None]
        if missing:
            self.error(path, item['line'], 'proposal without a valid %s' % ', '.join(missing))
            return None, None, method, lifetime
        proposal = {
            'encr': strongswan_keyword(encr)[1],
            'integ': strongswan_keyword(integ)[1],
            'prf': strongswan_keyword('prf' + integ)[1],
            'ke': strongswan_keyword(ke)[1],
        }
        return proposal, '%s-%s-%s' % (encr, integ, ke), method, lifetime

    def _cipher(self, path, line, values):
        """Return the strongSwan keyword for 'aes 128' style values, or None (with an error)."""
        name = values[0]
        bits = values[1] if len(values) > 1 and values[1].isdigit() else None
        if name in ('aes', 'camellia'):
            word = '%s%s' % (name, bits or '128')
        elif name == 'blowfish':
            word = 'blowfish%s' % (bits or '128')
        elif name in ('3des', 'des', 'cast128'):
            word = name
        else:
            word = None
        if word is None or strongswan_keyword(word)[0] is None:
            self.error(path, line, "unknown encryption_algorithm '%s'" % name[:40])
            return None
        return word

    def _child(self, path, statement):
        """Return (child, remoteid) for a sainfo block, or (None, None) when it cannot be read."""
        words = [_unquote(word) for word in statement['words'][1:]]
        line = statement['line']
        selectors = []
        index = 0
        while index < len(words) and len(selectors) < 2:
            word = words[index]
            if word == 'anonymous':
                selectors.append('dynamic')
                index += 1
            elif word in ('address', 'subnet') and index + 1 < len(words):
                selector = words[index + 1]
                proto = words[index + 2] if index + 2 < len(words) else 'any'
                if proto not in ('any', 'from', 'group', 'anonymous', 'address', 'subnet'):
                    selector = '%s[%s]' % (selector, proto)
                    index += 3
                else:
                    index += 3 if proto == 'any' else 2
                selectors.append(selector)
            else:
                break
        if len(selectors) == 1 and selectors[0] == 'dynamic':
            selectors.append('dynamic')
        if len(selectors) != 2:
            self.error(path, line, 'sainfo needs a local and a remote selector (address A/prefix proto or anonymous)')
            return None, None
        child = new_child('sainfo %s %s' % tuple(selectors), path, line)
        child['local_ts'] = [selectors[0]]
        child['remote_ts'] = [selectors[1]]
        child['src']['local_ts'] = child['src']['remote_ts'] = origin(path, line)
        child['start_action'] = 'trap'
        encr = []
        integ = []
        groups = []
        written = []
        remote_id = None
        for entry in statement['block']:
            keyword = entry['words'][0] if entry['words'] else ''
            values = [value.lower() for value in _values(entry['words'])]
            at = origin(path, entry['line'])
            if keyword in ('encryption_algorithm', 'authentication_algorithm', 'pfs_group'):
                written.append(' '.join(entry['words']).replace(' ,', ','))
            if keyword == 'encryption_algorithm':
                encr.extend(self._esp_ciphers(path, entry['line'], values))
                child['src']['esp_proposals'] = at
            elif keyword == 'authentication_algorithm':
                for value in values:
                    if value not in ESP_AUTH:
                        self.error(path, entry['line'], "unknown authentication_algorithm '%s'" % value[:40])
                    elif ESP_AUTH[value]:
                        integ.extend(strongswan_keyword(ESP_AUTH[value])[1])
            elif keyword == 'pfs_group' and values:
                group = DH_GROUPS.get(values[0]) or _DH_NAMES.get(values[0])
                if group is None:
                    self.error(path, entry['line'], "unknown pfs_group '%s'" % values[0][:40])
                else:
                    groups = strongswan_keyword(group)[1]
                    child['src']['pfs_groups'] = at
            elif keyword == 'lifetime':
                seconds = _lifetime_seconds(entry['words'])
                if seconds is not None:
                    set_value(child, 'life_time', seconds, path, entry['line'])
            elif keyword == 'remoteid' and values:
                remote_id = values[0]
        if encr:
            proposal = {'encr': encr, 'integ': integ, 'ke': list(groups), 'esn': ['NO_EXT_SEQ']}
            child['esp_proposals'] = new_proposal_set('; '.join(written), True, [proposal])
        else:
            self.error(path, line, 'sainfo without encryption_algorithm')
        child['pfs_groups'] = list(groups)
        return child, remote_id

    def _esp_ciphers(self, path, line, values):
        """ESP lists: 'aes 256, 3des' arrive as ['aes', '256', '3des']."""
        names = []
        index = 0
        while index < len(values):
            name = values[index]
            bits = values[index + 1] if index + 1 < len(values) and values[index + 1].isdigit() else None
            index += 2 if bits else 1
            if name == 'null_enc':
                names.append('NULL')
                continue
            word = self._cipher(path, line, [name] + ([bits] if bits else []))
            if word is not None:
                names.extend(strongswan_keyword(word)[1])
        return names


def parse_racoon_conf(path=DEFAULT_PATH, reader=None, context=None):
    """Parse racoon.conf with its includes.

    context is accepted for symmetry with the other parsers (racoon has one behaviour).
    Returns {'connections': [model, daemon 'racoon', ike_version 1], 'psk_file': path or None,
    'cert_dir': path or None, 'errors': [{file, line, message, severity}], 'files': [paths read]}.
    """
    parser = _RacoonParser(reader or FileSystemReader())
    parser.read(path, [])
    connections = parser.connections()
    psk = parser.paths.get('pre_shared_key')
    certs = parser.paths.get('certificate')
    return {
        'connections': connections,
        'psk_file': psk[0] if psk else None,
        'cert_dir': certs[0] if certs else None,
        'errors': parser.errors,
        'files': parser.files,
    }
