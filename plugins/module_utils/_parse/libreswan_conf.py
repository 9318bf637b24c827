# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Libreswan ipsec.conf (with /etc/ipsec.d/*.conf) to the normalized connection model.

Grammar: sections start at column 0 (``config setup``, ``conn <name>``, ``include <glob>``);
parameters are indented ``key=value`` pairs. Values with spaces are "double quoted";
lists are written ``{a, b}``; there is no line continuation; ``#`` starts a comment.

Precedence, as Libreswan's confread applies it:
  * every ``conn %default`` section (wherever it is, several allowed, a later one replacing
    an earlier value) gives the defaults of all connections; a connection's own value wins;
  * ``also=<conn>`` adds that section's keys and the first definition of a key wins. Libreswan
    5 inserts it in place and refuses a conflicting later value (an error); Libreswan 4 reads
    the conn's own keys first and the also= sections after them, breadth first (measured with
    4.10's readwriteconf), so there the conn's own value wins and duplicates are warnings;
  * Fedora/RHEL include /etc/crypto-policies/back-ends/libreswan.config, a generated
    ``conn %default`` with ike=, esp= and authby=, so the crypto policy sets the defaults.

Sides: the parser records left/right as written and maps them to local/remote. Libreswan
picks the local side by matching host addresses; without addresses left is local. Give
``local_addresses`` (or call ``orient``) to decide as the daemon does.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import copy
import re

from ansible_collections.ipsec.doctor.plugins.module_utils._model import (
    auth_class,
    identity_type,
    new_auth_round,
    new_child,
    new_connection,
    normalize_identity,
    origin,
    parse_bool,
    parse_duration,
    split_list,
    split_origin,
)
from ansible_collections.ipsec.doctor.plugins.module_utils._parse.algorithms import is_aead
from ansible_collections.ipsec.doctor.plugins.module_utils._parse.errors import add_error
from ansible_collections.ipsec.doctor.plugins.module_utils._parse.proposals import expand_libreswan, ke_methods
from ansible_collections.ipsec.doctor.plugins.module_utils._parse.includes import follow_include
from ansible_collections.ipsec.doctor.plugins.module_utils._parse.source import (
    FileSystemReader,
    read_source,
    resolve_include,
)

DEFAULT_PATH = '/etc/ipsec.conf'
DEFAULT_VERSION = '4.10'
FORMAT = 'libreswan-ipsec.conf'

# Keywords that exist once per end, written leftX= / rightX= (the bare "left"/"right" is the host).
END_KEYWORDS = frozenset([
    '', 'id', 'cert', 'ckaid', 'ca', 'subnet', 'subnets', 'sourceip', 'nexthop', 'protoport',
    'rsasigkey', 'rsasigkey2', 'ecdsakey', 'pubkey', 'auth', 'autheap', 'sendcert', 'updown',
    'addresspool', 'modecfgserver', 'modecfgclient', 'xauthserver', 'xauthclient', 'username',
    'xauthusername', 'groundhog', 'vti', 'interface-ip', 'ikeport', 'cat', 'subnetwithin',
    'sourceip6', 'iface',
])

CONN_KEYWORDS = frozenset([
    'also', 'type', 'authby', 'auto', 'keyexchange', 'ikev2', 'ike', 'esp', 'ah', 'phase2',
    'phase2alg', 'pfs', 'ikelifetime', 'salifetime', 'lifetime', 'keylife', 'ipsec-lifetime',
    'rekey', 'rekeymargin', 'rekeyfuzz', 'reauth', 'keyingtries', 'dpddelay', 'dpdtimeout',
    'dpdaction', 'encapsulation', 'forceencaps', 'fragmentation', 'ike_frag', 'mobike', 'narrowing',
    'sareftrack', 'connaddrfamily', 'hostaddrfamily', 'clientaddrfamily', 'aggressive', 'aggrmode',
    'modecfgpull', 'modecfgdns', 'modecfgdns1', 'modecfgdns2', 'modecfgdomains', 'modecfgdomain',
    'modecfgbanner', 'cisco-unity', 'remote-peer-type', 'remote_peer_type', 'nm-configured',
    'nm_configured', 'xauthby', 'xauthfail', 'ikepad', 'nat-keepalive', 'nat-ikev1-method',
    'initial-contact', 'send-vendorid', 'sha2-truncbug', 'sha2_truncbug', 'ms-dh-downgrade',
    'require-id-on-certificate', 'dns-match-id', 'ipsec-interface', 'mark', 'mark-in', 'mark-out',
    'vti-interface', 'vti-routing', 'vti-shared', 'nic-offload', 'esn', 'decap-dscp', 'encap-dscp',
    'nopmtudisc', 'tfc', 'replay-window', 'overlapip', 'priority', 'reqid', 'metric', 'mtu', 'ppk',
    'ppk-ids', 'intermediate', 'sec-label', 'policy-label', 'compress', 'ipsec-max-bytes',
    'ipsec-max-packets', 'retransmit-timeout', 'retransmit-interval', 'failureshunt',
    'negotiationshunt', 'pam-authorize', 'session-resumption', 'redirect-to', 'accept-redirect',
    'accept-redirect-to', 'send-redirect', 'send-no-esp-tfc', 'fake-strongswan', 'debug',
    'enable-tcp', 'tcp-remoteport', 'connalias', 'nflog-group', 'ignore-peer-dns', 'labeled-ipsec',
    'sendca', 'iptfs', 'iptfs-fragmentation', 'iptfs-packet-size', 'iptfs-max-queue-size',
    'iptfs-reorder-window', 'iptfs-init-delay', 'iptfs-drop-time', 'pfsgroup', 'ikev1-natt',
    'xauthusername', 'ipsec-max-lifetime', 'ike-max-lifetime', 'share-lease', 'auth',
    'send-esp-tfc-padding-not-supported', 'reject-simultaneous-ike-auth', 'dpdaction', 'uniqueids',
    'ikev1', 'ikev2-allow-narrowing', 'vendorid', 'cert', 'nflog', 'keyingtries', 'alsoflip', 'x-comment',
    # readwriteconf 4.10 loads a bare protoport= (libipsecconf-02) and does not print it back
    'protoport',
])

# The authby= words an IKEv1 conn may use (readwriteconf 4.10; 'rsa' is rsasig).
IKEV1_AUTHBY = frozenset(('rsasig', 'rsa', 'secret', 'never'))

# conn keywords that readwriteconf 4.10 refuses in config setup (addconn-01).
SETUP_REFUSED = ('retransmit-interval',)

# Keywords deprecated in Libreswan 5.x (still read by 4.x; the Fedora crypto policy writes ikev2=insist).
OBSOLETE_KEYWORDS = frozenset([
    'ikev2', 'forceencaps', 'ike_frag', 'pfsgroup', 'aggrmode', 'dpdaction', 'connaddrfamily',
    'sha2_truncbug', 'remote_peer_type', 'nm_configured',
])

_KEY = re.compile(r'^[A-Za-z0-9][A-Za-z0-9_-]*$')
_IPV4 = re.compile(r'^\d{1,3}(?:\.\d{1,3}){3}$')
_SHORT_IPV4 = re.compile(r'^\d+\.\d+(?:\.\d+)?$')
_HEX = re.compile(r'^(?:0[xX])?[0-9a-fA-F]+$')


class _ConfSyntaxError(ValueError):
    """A line that is not valid ipsec.conf syntax."""


def _version_tuple(version):
    """Return (major, minor) of a version string; an unknown minor counts as recent."""
    numbers = re.findall(r'\d+', str(version or DEFAULT_VERSION))
    major = int(numbers[0]) if numbers else 4
    minor = int(numbers[1]) if len(numbers) > 1 else 99
    return major, minor


def _split_fields(text):
    """Split an indented parameter line into key=value pairs; return [(key, value)].

    Values may be "quoted" (may hold spaces and '#') or {braced lists}; '#' outside
    quotes starts a comment. Raises _ConfSyntaxError with the reason.
    """
    pairs = []
    index = 0
    length = len(text)
    while index < length:
        while index < length and text[index].isspace():
            index += 1
        if index >= length or text[index] == '#':
            break
        start = index
        while index < length and text[index] not in '=#' and not text[index].isspace():
            index += 1
        key = text[start:index]
        while index < length and text[index] in ' \t':
            index += 1
        if index >= length or text[index] != '=':
            raise _ConfSyntaxError("expected key=value, found '%s'" % key[:40])
        if not _KEY.match(key):
            raise _ConfSyntaxError("invalid keyword '%s'" % key[:40])
        index += 1
        while index < length and text[index] in ' \t':
            index += 1
        if index < length and text[index] == '"':
            end = text.find('"', index + 1)
            if end < 0:
                raise _ConfSyntaxError("unterminated quoted value for '%s'" % key)
            value = text[index + 1:end]
            index = end + 1
        elif index < length and text[index] == '{':
            end = text.find('}', index + 1)
            if end < 0:
                raise _ConfSyntaxError("unterminated {list} for '%s'" % key)
            value = text[index:end + 1]
            index = end + 1
        else:
            start = index
            while index < length and not text[index].isspace() and text[index] != '#':
                if text[index] == '"':
                    raise _ConfSyntaxError("stray quote in value of '%s'" % key)
                index += 1
            value = text[start:index]
        if index < length and not text[index].isspace() and text[index] != '#':
            raise _ConfSyntaxError("unexpected text after the value of '%s'" % key)
        pairs.append((key, value))
    return pairs


def _split_list(value):
    """Return the items of a value written as {a, b}, "a b" or a,b."""
    text = value.strip()
    if text.startswith('{') and text.endswith('}'):
        text = text[1:-1]
    return split_list(text)


def _split_end_key(key):
    """Return (end, keyword) for leftX/rightX keys, else (None, key)."""
    for end in ('left', 'right'):
        if key.startswith(end):
            rest = key[len(end):]
            if rest in END_KEYWORDS:
                return end, rest
    return None, key


class _Reader:
    """Reads ipsec.conf and its includes into sections: [{kind, name, file, line, items}]."""

    def __init__(self, reader, errors, files):
        self.reader = reader
        self.errors = errors
        self.files = files
        self.sections = []

    def error(self, file, line, message, severity='error'):
        """Record an error entry with its place."""
        add_error(self.errors, file, line, message, severity)

    def read(self, path, stack):
        """Read one file into sections; includes are read in place."""
        text = read_source(self.reader, path, self.files, self.error)
        if text is None:
            return
        section = None
        for number, raw in enumerate(text.replace('\0', ' ').splitlines(), 1):
            stripped = raw.strip()
            if not stripped or stripped.startswith('#'):
                continue
            if not raw[:1].isspace():
                section = self._header(path, number, stripped, stack, section)
                continue
            if stripped.split(None, 1)[0] == 'include':
                # pluto 4.10 refuses the file ("syntax error [include]"); read it anyway to show the rest.
                self.error(path, number, 'include must start at column 0')
                self._header(path, number, stripped, stack, section)
                continue
            if section is None:
                self.error(path, number, 'parameter outside of a section (indent only lines inside conn or config setup)')
                continue
            try:
                pairs = _split_fields(stripped)
            except _ConfSyntaxError as exc:
                self.error(path, number, str(exc))
                continue
            if len(pairs) > 1:
                # pluto's parser takes one key=value per line ("syntax error [<second key>]").
                self.error(path, number, "one key=value per line: '%s' follows '%s'" % (pairs[1][0], pairs[0][0]))
            for key, value in pairs[:1]:
                section['items'].append((key, value, path, number))

    def _header(self, path, number, text, stack, current):
        """Handle a column-0 line; return the section that indented lines now belong to."""
        words = text.split('#', 1)[0].split()
        keyword = words[0] if words else ''
        if keyword == 'include':
            if len(words) != 2:
                self.error(path, number, 'include takes exactly one path')
                return None
            self._include(path, number, words[1].strip('"'), stack)
            return None
        if keyword == 'conn':
            if len(words) != 2:
                self.error(path, number, 'conn needs exactly one name')
                return None
            section = {'kind': 'conn', 'name': words[1], 'file': path, 'line': number, 'items': []}
            self.sections.append(section)
            return section
        if keyword == 'config':
            if words[1:] != ['setup']:
                self.error(path, number, "unknown section 'config %s'" % ' '.join(words[1:])[:40])
                return None
            section = {'kind': 'setup', 'name': 'setup', 'file': path, 'line': number, 'items': []}
            self.sections.append(section)
            return section
        if keyword == 'version':
            return None
        # Keep reading into the current section: one stray line should not hide the rest.
        self.error(path, number, "unexpected text at column 0 (sections are 'conn', 'config setup' or 'include')")
        return current

    def _include(self, path, number, pattern, stack):
        """Read the files an include names, guarding against cycles and deep nesting."""
        target = resolve_include(pattern, path)
        chain = stack + [path]
        found = follow_include(
            self.reader, target, chain,
            read=lambda match: self.read(match, chain),
            refuse=lambda message: self.error(path, number, message),
            cycle_message=lambda match: 'include cycle: %s is already being read' % match)
        if not found:
            self.error(path, number, 'included file not found: %s' % target)


def _check_keywords(sections, errors, version):
    """Report unknown (and, for 5.x, deprecated) conn keywords once, where they are written."""
    for section in sections:
        if section['kind'] != 'conn':
            continue
        for key, _value, file, line in section['items']:
            end, _keyword = _split_end_key(key)
            if end is not None or key.startswith(('x-', 'x_')):
                continue
            if key not in CONN_KEYWORDS:
                # readwriteconf 4.10 refuses the file (ikev2-68-sa-clones-auto-route: clones=3)
                add_error(errors, file, line, "unknown keyword '%s' (Libreswan refuses to load an unknown keyword)"
                          % key)
            elif key in OBSOLETE_KEYWORDS and version >= (5, 0):
                add_error(errors, file, line, "keyword '%s' is deprecated in Libreswan 5" % key, 'warning')


def _merge_defaults(sections, errors):
    """Return {key: (value, file, line)} of all conn %default sections; a later value replaces."""
    merged = {}
    for section in sections:
        if section['kind'] != 'conn' or section['name'] != '%default':
            continue
        for key, value, file, line in section['items']:
            if key == 'also':
                add_error(errors, file, line, 'also= is not valid in conn %default')
                continue
            merged[key] = (value, file, line)
    return merged


def _resolve_conn(section, conns, defaults, errors, version):
    """Return {key: (value, file, line)} for one conn: its own keys, its also= sections, then %default.

    The first definition of a key wins. Libreswan 5 inserts an also= section in place (a
    later conflicting value is an error that makes pluto refuse the conn). Libreswan 4
    (measured with 4.10's readwriteconf) reads the conn's own keys first and then the also=
    sections breadth first, logging every duplicate; so there the conn's own value wins.
    """
    values = {}
    defined_in = {}
    visited = set([section['name']])
    in_place = version >= (5, 0)

    def also_targets(value, file, line):
        targets = []
        for name in _split_list(value):
            target = conns.get(name)
            if target is None:
                add_error(errors, file, line, "cannot find conn '%s' needed by conn '%s'" % (name, section['name']))
            elif name not in visited:
                visited.add(name)
                targets.append(target)
        return targets

    def add(current, key, value, file, line):
        if key not in values:
            values[key] = (value, file, line)
            defined_in[key] = current['name']
            return
        first = values[key]
        same_section = defined_in[key] == current['name']
        if in_place and first[0] == value and not same_section:
            return
        # A key twice in one section fails the conn in 4.10 even with the same value.
        fatal = same_section or (in_place and first[0] != value)
        add_error(errors, file, line,
                  "duplicate key '%s' in conn %s while processing def %s (first set at %s%s); the first value "
                  'is used' % (key, section['name'], current['name'], origin(first[1], first[2]),
                               ', Libreswan refuses the conn' if fatal else ''),
                  'error' if fatal else 'warning')

    def apply_in_place(current):
        for key, value, file, line in current['items']:
            if key == 'also':
                for target in also_targets(value, file, line):
                    apply_in_place(target)
            else:
                add(current, key, value, file, line)

    def apply_breadth_first():
        queue = [section]
        while queue:
            current = queue.pop(0)
            for key, value, file, line in current['items']:
                if key == 'also':
                    queue.extend(also_targets(value, file, line))
                else:
                    add(current, key, value, file, line)

    if in_place:
        apply_in_place(section)
    else:
        apply_breadth_first()
    for key, entry in defaults.items():
        values.setdefault(key, entry)
    return values


def _end_auth(written):
    """Return the auth class of an authby=/leftauth= value (several words: the first that maps)."""
    for word in _split_list(written):
        auth = auth_class(word)
        if auth is not None:
            return auth
    return None


class _ConnBuilder:
    """Maps one resolved conn (keyword -> (value, file, line)) into the connection model."""

    def __init__(self, name, section, values, setup, version, errors):
        self.name = name
        self.values = values
        self.setup = setup
        self.version = version
        self.errors = errors
        self.ends = {'left': {}, 'right': {}}
        self.conn_values = {}
        for key, entry in values.items():
            end, keyword = _split_end_key(key)
            if end is not None:
                self.ends[end][keyword] = entry
            else:
                self.conn_values[key] = entry
        self.conn = new_connection(name, 'libreswan', FORMAT, section['file'], section['line'])

    def warn(self, entry, message, severity='warning'):
        """Record an error entry (a warning by default) at the place a value was written."""
        add_error(self.errors, entry[1], entry[2], '%s in conn %s' % (message, self.name), severity)

    def get(self, key):
        """Return the written value of a connection-wide keyword, or None."""
        entry = self.conn_values.get(key)
        return entry[0] if entry else None

    def put(self, key, value, entry):
        """Set a connection key, with its origin when it was written."""
        _put(self.conn, key, value, entry)

    def duration(self, key, default):
        """Return (seconds, entry) for a duration keyword, or (default, None) when unset or invalid."""
        entry = self.conn_values.get(key)
        if entry is None:
            return default, None
        seconds = parse_duration(entry[0])
        if seconds is None:
            # readwriteconf 4.10 drops such a value (10seconds, 0xA) and the conn loads with the default
            self.warn(entry, "invalid duration %s='%s' is ignored by Libreswan (the default applies)"
                      % (key, entry[0]))
            return default, None
        return seconds, entry

    def build(self, local_end):
        """Return the connection model with local_end (left or right) as the local side."""
        remote_end = 'right' if local_end == 'left' else 'left'
        conn = self.conn
        conn['orientation'] = local_end
        conn['ends'] = dict((end, dict((key or 'host', entry[0]) for key, entry in keys.items()))
                            for end, keys in self.ends.items())
        self._ike_version()
        self._ends(local_end, remote_end)
        self._proposals_and_times()
        self._children(local_end, remote_end)
        return conn

    def _ike_version(self):
        """keyexchange= wins over the deprecated ikev2=; the default depends on the version."""
        major = self.version[0]
        version = 2 if major >= 4 else 1
        entry = None
        keyexchange = self.conn_values.get('keyexchange')
        ikev2 = self.conn_values.get('ikev2')
        if keyexchange is not None and keyexchange[0].lower() in ('ikev1', 'ikev2'):
            version, entry = int(keyexchange[0][-1]), keyexchange
            if major < 5:
                self.warn(keyexchange, "keyexchange=%s needs Libreswan 5 (4.x accepts only 'ike' and refuses "
                                       'the file; use ikev2=)' % keyexchange[0], 'error')
        elif ikev2 is not None:
            word = ikev2[0].lower()
            if word in ('insist', 'yes', 'always'):
                version, entry = 2, ikev2
            elif word in ('no', 'never'):
                version, entry = 1, ikev2
            elif word in ('permit', 'propose'):
                version, entry = (2 if major >= 4 else 1), ikev2
            else:
                self.warn(ikev2, "invalid value ikev2='%s'" % ikev2[0], 'error')
        elif keyexchange is not None and keyexchange[0].lower() != 'ike':
            self.warn(keyexchange, "invalid value keyexchange='%s'" % keyexchange[0], 'error')
        self.put('ike_version', version, entry)

    def _ends(self, local_end, remote_end):
        """Addresses, ports, auth rounds, virtual IPs and pools of both sides."""
        conn = self.conn
        authby = self.conn_values.get('authby')
        if authby is not None:
            self._check_authby(authby)
        for side, end in (('local', local_end), ('remote', remote_end)):
            keys = self.ends[end]
            host = keys.get('')
            ckaid = keys.get('ckaid')
            if ckaid is not None and not _HEX.match(ckaid[0]):
                self.warn(ckaid, "invalid %sckaid='%s' (Libreswan 4.10 refuses a CKAID that is not hex)"
                          % (end, ckaid[0]), 'error')
            if host is not None and host[0]:
                self.put('%s_addrs' % side, [host[0]], host)
            port_entry = keys.get('ikeport')
            port = self.setup.get('ikeport', 500) if side == 'local' else 500
            if port_entry is not None:
                try:
                    port = int(port_entry[0])
                    conn['src']['%s_port' % side] = origin(port_entry[1], port_entry[2])
                except ValueError:
                    self.warn(port_entry, "invalid port %sikeport='%s'" % (end, port_entry[0]), 'error')
            conn['%s_port' % side] = port
            conn['%s_auth' % side] = self._auth_rounds(side, keys, host, authby)
        # Virtual IPs: what the local end asks for; pools: what the local end hands to the remote.
        local = self.ends[local_end]
        remote = self.ends[remote_end]
        if local.get('sourceip') is not None:
            self.put('vips', _split_list(local['sourceip'][0]), local['sourceip'])
        elif local.get('modecfgclient') is not None and parse_bool(local['modecfgclient'][0]):
            self.put('vips', ['%config'], local['modecfgclient'])
        if remote.get('addresspool') is not None:
            self.put('pools', _split_list(remote['addresspool'][0]), remote['addresspool'])

    def _check_authby(self, authby):
        """Report the authby= values Libreswan 4.10 refuses (libipsecconf-06-ikev2-hash-algo, ikev2-gssapi-01)."""
        for word in _split_list(authby[0].lower()):
            if word == 'gssapi':
                self.warn(authby, 'authby=gssapi is not supported by Libreswan 4.10', 'error')
            elif word == 'ecdsa-sha1':
                self.warn(authby, 'authby=ecdsa-sha1 is refused by Libreswan (ECDSA needs SHA2)', 'error')
            elif self.conn['ike_version'] == 1 and self.version < (5, 0) and word not in IKEV1_AUTHBY:
                # readwriteconf 4.10 refuses it, also when authby= comes from conn %default (ikev2-asymmetric-01)
                self.warn(authby, 'an IKEv1 connection must use authby= of rsasig, secret or never (not %s)'
                          % word, 'error')
                break

    def _auth_rounds(self, side, keys, host, authby):
        """Return the auth rounds of one side: authby=/leftauth=, ID, certificate, XAUTH."""
        conn = self.conn
        first = new_auth_round(1)
        prefix = '%s_auth.0.' % side
        auth_entry = keys.get('auth') or authby
        if auth_entry is not None:
            first['auth'] = _end_auth(auth_entry[0])
            first['method'] = auth_entry[0].strip().lower()
            conn['src'][prefix + 'auth'] = conn['src'][prefix + 'method'] = origin(auth_entry[1], auth_entry[2])
        else:
            first['auth'] = 'pubkey'
            first['method'] = 'rsasig'  # Libreswan's default authby
        id_entry = keys.get('id')
        if id_entry is not None and id_entry[0]:
            first['id'] = normalize_identity(id_entry[0])
            first['id_type'] = 'fromcert' if id_entry[0] == '%fromcert' else identity_type(id_entry[0])
            if first['id_type'] == 'dn':
                first['id'] = first['id'].replace(',,', '\\,')  # pluto reads Libreswan's ',,' as an escaped ','
            conn['src'][prefix + 'id'] = conn['src'][prefix + 'id_type'] = origin(id_entry[1], id_entry[2])
        elif host is not None and _looks_like_ip(host[0]):
            first['id'] = host[0]  # Libreswan's default ID is the end's IP address
            first['id_type'] = identity_type(host[0])
        elif side == 'remote':
            first['id'], first['id_type'] = '%any', 'any'
        cert = keys.get('cert')
        if cert is not None and cert[0]:
            first['certs'] = [cert[0]]  # an NSS nickname, not a path
            conn['src'][prefix + 'certs'] = origin(cert[1], cert[2])
        ca = keys.get('ca')
        if ca is not None and ca[0] and ca[0] not in ('%same', '%any'):
            first['ca'] = ca[0]
            conn['src'][prefix + 'ca'] = origin(ca[1], ca[2])
        rounds = [first]
        xauth = keys.get('xauthclient')
        if xauth is not None and parse_bool(xauth[0]):
            second = new_auth_round(2, 'xauth')
            second['method'] = 'xauth'
            user = keys.get('username') or keys.get('xauthusername')
            if user is not None:
                second['id'] = user[0]
                second['id_type'] = identity_type(user[0])
            rounds.append(second)
            conn['src']['%s_auth.1.auth' % side] = origin(xauth[1], xauth[2])
        return rounds

    def _proposals_and_times(self):
        """IKE proposals, lifetimes, DPD, encapsulation, fragmentation, MOBIKE and auto."""
        conn = self.conn
        version = '%d.%d' % self.version
        ike = self.conn_values.get('ike')
        proposals, problems = expand_libreswan(ike[0] if ike else None, 'ike', version)
        self.put('ike_proposals', proposals, ike)
        for problem in problems:
            self.warn(ike, problem, 'error')
        if ike and conn['ike_version'] == 1 and proposals['effective'] and all(
                is_aead(name) for proposal in proposals['effective'] for name in proposal['encr']):
            # algparse -v1 refuses it (fips-05-ikev1-gcm: ike=aes_gcm-sha1); a mixed list is not flagged
            self.warn(ike, "IKEv1 has no AEAD IKE encryption, no proposal is left (ike=%s)" % ike[0], 'error')
        default_ike = 8 * 3600 if self.version >= (4, 2) else 3600
        ike_life, ike_entry = self.duration('ikelifetime', default_ike)
        margin, _margin_entry = self.duration('rekeymargin', 540)
        rekey = self.conn_values.get('rekey')
        rekey_enabled = parse_bool(rekey[0]) is not False if rekey else True
        self.put('rekey_time', max(ike_life - margin, 0) if rekey_enabled else 0, ike_entry or rekey)
        self.put('over_time', min(margin, ike_life), self.conn_values.get('rekeymargin'))
        reauth = self.conn_values.get('reauth')
        self.put('reauth_time', ike_life if reauth and parse_bool(reauth[0]) else 0, reauth)
        dpd_delay, dpd_entry = self.duration('dpddelay', 0)
        self.put('dpd_delay', dpd_delay, dpd_entry)
        dpd_timeout, timeout_entry = self.duration('dpdtimeout', None)
        self.put('dpd_timeout', dpd_timeout, timeout_entry)
        encap = self.conn_values.get('encapsulation') or self.conn_values.get('forceencaps')
        self.put('encap', bool(encap and encap[0].lower() == 'yes'), encap)
        fragmentation = self.conn_values.get('fragmentation')
        self.put('fragmentation', fragmentation[0].lower() if fragmentation else 'yes', fragmentation)
        mobike = self.conn_values.get('mobike')
        self.put('mobike', bool(mobike and parse_bool(mobike[0])), mobike)
        auto = self.conn_values.get('auto')
        word = auto[0].lower() if auto else 'ignore'
        self.put('auto', 'route' if word == 'ondemand' else word, auto)
        if self.setup.get('uniqueids') is not None:
            self.conn['unique'] = 'replace' if self.setup['uniqueids'] else 'no'
        else:
            self.conn['unique'] = 'replace'

    def _children(self, local_end, remote_end):
        """One child, or one per subnet pair when leftsubnets=/rightsubnets= list several."""
        conn = self.conn
        local_ts, local_entry = self._traffic_selectors(self.ends[local_end])
        remote_ts, remote_entry = self._traffic_selectors(self.ends[remote_end])
        multiple = len(local_ts) > 1 or len(remote_ts) > 1
        pairs = [(a, b) for a in local_ts for b in remote_ts]
        for index, (mine, theirs) in enumerate(pairs):
            if multiple:
                name = '%s/%dx%d' % (self.name, local_ts.index(mine) + 1, remote_ts.index(theirs) + 1)
            else:
                name = self.name
            child = new_child(name, conn['file'], conn['line'])
            _put(child, 'local_ts', [mine], local_entry)
            _put(child, 'remote_ts', [theirs], remote_entry)
            self._child_settings(child)
            conn['children'].append(child)

    def _traffic_selectors(self, keys):
        """Return (selectors, entry) of one end: its subnets, else dynamic (its own address)."""
        entry = keys.get('subnets') or keys.get('subnet')
        selectors = [_full_dotted_quad(value) for value in _split_list(entry[0])] \
            if entry is not None and entry[0] else ['dynamic']
        protoport = keys.get('protoport')
        if protoport is not None and protoport[0]:
            selectors = ['%s[%s]' % (selector, protoport[0]) for selector in selectors]
        return selectors, entry

    def _child_settings(self, child):
        """ESP/AH proposals, PFS, lifetimes and actions shared by every child of the conn."""
        conn_type = self.conn_values.get('type')
        if conn_type is not None:
            mode = conn_type[0].lower()
            _put(child, 'mode', {'passthrough': 'pass'}.get(mode, mode), conn_type)
        esp = self.conn_values.get('esp') or self.conn_values.get('phase2alg')
        kind = 'ah' if (self.get('phase2') or '').lower() == 'ah' else 'esp'
        if kind == 'ah':
            esp = self.conn_values.get('ah') or esp
        esn = self._esn()
        proposals, problems = expand_libreswan(esp[0] if esp else None, kind, '%d.%d' % self.version, esn)
        _put(child, 'esp_proposals', proposals, esp)
        for problem in problems:
            self.warn(esp, problem, 'error')
        child['pfs_groups'] = ke_methods(proposals['effective'])
        pfs = self.conn_values.get('pfs')
        _put(child, 'pfs', parse_bool(pfs[0]) is not False if pfs else True, pfs)
        life_key = next((key for key in ('salifetime', 'lifetime', 'keylife', 'ipsec-lifetime')
                         if key in self.conn_values), 'salifetime')
        life, life_entry = self.duration(life_key, 8 * 3600)
        margin, _margin_entry = self.duration('rekeymargin', 540)
        rekey = self.conn_values.get('rekey')
        rekey_enabled = parse_bool(rekey[0]) is not False if rekey else True
        _put(child, 'life_time', life, life_entry)
        child['rekey_time'] = max(life - margin, 0) if rekey_enabled else 0
        auto = self.conn['auto']
        child['start_action'] = {'start': 'start', 'route': 'trap'}.get(auto, 'none')
        dpd_action = self.conn_values.get('dpdaction')
        _put(child, 'dpd_action', dpd_action[0].lower() if dpd_action else 'clear', dpd_action)

    def _esn(self):
        """Return the ESN transforms of esn=, or None for the default."""
        esn = self.conn_values.get('esn')
        if esn is None:
            return None
        word = esn[0].lower()
        if word in ('yes', 'true'):
            return ['EXT_SEQ']
        if word in ('either', 'both'):
            return ['EXT_SEQ', 'NO_EXT_SEQ']
        return ['NO_EXT_SEQ']


def _put(obj, key, value, entry):
    """Set obj[key] on a connection or child, with its origin when entry (value, file, line) was written."""
    obj[key] = value
    if entry is not None:
        obj['src'][key] = origin(entry[1], entry[2])


def _full_dotted_quad(selector):
    """Return an IPv4 subnet with fewer than four parts as pluto reads it (inet_aton: 0.0.0/0 is 0.0.0.0/0).

    The last part fills the remaining octets; anything else is returned unchanged.
    """
    address, slash, bits = selector.partition('/')
    match = _SHORT_IPV4.match(address)
    if not match:
        return selector
    parts = [int(part) for part in address.split('.')]
    last_octets = 5 - len(parts)
    if any(part > 255 for part in parts[:-1]) or parts[-1] >= 256 ** last_octets:
        return selector
    tail = [(parts[-1] >> (8 * shift)) & 255 for shift in reversed(range(last_octets))]
    return '.'.join(str(part) for part in parts[:-1] + tail) + slash + bits


def _looks_like_ip(text):
    """Return True for an IPv4 or IPv6 address (Libreswan then uses it as the default ID)."""
    return bool(text) and (bool(_IPV4.match(text)) or (':' in text and not text.startswith('%')))


def _setup_values(sections, errors):
    """Return (config_setup dict as written with 'src', parsed settings the conns need)."""
    written = {'src': {}}
    parsed = {}
    for section in sections:
        if section['kind'] != 'setup':
            continue
        for key, value, file, line in section['items']:
            written[key] = value
            written['src'][key] = origin(file, line)
    if 'ikeport' in written:
        try:
            parsed['ikeport'] = int(written['ikeport'])
        except ValueError:
            file, line = split_origin(written['src']['ikeport'])
            add_error(errors, file, line, "invalid value ikeport='%s' in config setup" % written['ikeport'])
    for key in SETUP_REFUSED:
        if key in written:
            file, line = split_origin(written['src'][key])
            add_error(errors, file, line, "'%s' is a conn keyword; Libreswan 4.10 refuses it in config setup" % key)
    if 'uniqueids' in written:
        parsed['uniqueids'] = parse_bool(written['uniqueids']) is not False
    return written, parsed


def _choose_local_end(conn_ends, local_addresses):
    """Return 'left' or 'right': the end whose host is one of local_addresses, as pluto decides."""
    if not local_addresses:
        return 'left'
    addresses = set(str(address).split('/', 1)[0] for address in local_addresses)
    left = conn_ends['left'].get('')
    right = conn_ends['right'].get('')
    if left is not None and left[0] in addresses:
        return 'left'
    if right is not None and right[0] in addresses:
        return 'right'
    if left is not None and left[0].startswith('%defaultroute'):
        return 'left'
    if right is not None and right[0].startswith('%defaultroute'):
        return 'right'
    return 'left'


def parse_libreswan_conf(path=DEFAULT_PATH, reader=None, context=None, local_addresses=None):
    """Parse Libreswan's ipsec.conf with its includes.

    context: {'version': '4.10'} selects version-dependent defaults (IKE version, lifetimes,
    default proposals). local_addresses: the host's addresses; when given, each connection's
    local end is the one whose left=/right= matches (else left, or the %defaultroute end).

    Returns {'connections': [model], 'config_setup': {key: value as written, 'src': {...}},
    'errors': [{file, line, message, severity}], 'files': [paths read],
    'cert_refs': [{'nickname', 'side' (left/right), 'connection', 'src'}]}.
    """
    context = context or {}
    version = _version_tuple(context.get('version'))
    errors = []
    files = []
    source = _Reader(reader or FileSystemReader(), errors, files)
    source.read(path, [])
    sections = source.sections
    config_setup, setup = _setup_values(sections, errors)
    conns = {}
    for section in sections:
        if section['kind'] != 'conn' or section['name'] == '%default':
            continue
        if section['name'] in conns:
            first = conns[section['name']]
            add_error(errors, section['file'], section['line'], "duplicate conn '%s' (first defined at %s)"
                      % (section['name'], origin(first['file'], first['line'])))
            continue
        conns[section['name']] = section
    _check_keywords(sections, errors, version)
    defaults = _merge_defaults(sections, errors)
    connections = []
    cert_refs = []
    for name, section in conns.items():
        values = _resolve_conn(section, conns, defaults, errors, version)
        builder = _ConnBuilder(name, section, values, setup, version, errors)
        local_end = _choose_local_end(builder.ends, local_addresses)
        connections.append(builder.build(local_end))
        for end in ('left', 'right'):
            entry = builder.ends[end].get('cert')
            if entry is not None and entry[0]:
                cert_refs.append({'nickname': entry[0], 'side': end, 'connection': name,
                                  'src': origin(entry[1], entry[2])})
    return {
        'connections': connections,
        'config_setup': config_setup,
        'errors': errors,
        'files': files,
        'cert_refs': cert_refs,
    }


_SWAPPED_SRC = re.compile(r'^(local|remote)(_.*)$')


def orient(conn, local_addresses):
    """Return the connection with local/remote chosen by the host's addresses, as Libreswan does.

    The end (left or right) whose host address is one of local_addresses becomes local.
    Returns conn itself when its orientation already matches, else a swapped copy.
    """
    local_end = _choose_local_end(
        dict((end, dict(('' if key == 'host' else key, (value, None, None)) for key, value in keys.items()))
             for end, keys in conn.get('ends', {'left': {}, 'right': {}}).items()),
        local_addresses)
    if conn.get('orientation', 'left') == local_end:
        return conn
    swapped = copy.deepcopy(conn)
    for key in ('addrs', 'port', 'auth'):
        swapped['local_%s' % key], swapped['remote_%s' % key] = conn['remote_%s' % key], conn['local_%s' % key]
    for child, original in zip(swapped['children'], conn['children']):
        child['local_ts'], child['remote_ts'] = list(original['remote_ts']), list(original['local_ts'])
        child['src'] = dict((_swap_src_key(key), value) for key, value in original['src'].items())
    swapped['src'] = dict((_swap_src_key(key), value) for key, value in conn['src'].items()
                          if key not in ('vips', 'pools'))
    ends = conn.get('ends', {})
    local = ends.get(local_end, {})
    remote = ends.get('left' if local_end == 'right' else 'right', {})
    if local.get('sourceip'):
        swapped['vips'] = _split_list(local['sourceip'])
    elif parse_bool(local.get('modecfgclient')):
        swapped['vips'] = ['%config']
    else:
        swapped['vips'] = []
    swapped['pools'] = _split_list(remote['addresspool']) if remote.get('addresspool') else []
    swapped['orientation'] = local_end
    return swapped


def _swap_src_key(key):
    """Return a src key with local/remote exchanged ('local_addrs' -> 'remote_addrs')."""
    match = _SWAPPED_SRC.match(key)
    if not match:
        return key
    return ('remote' if match.group(1) == 'local' else 'local') + match.group(2)
