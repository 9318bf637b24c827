# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""strongSwan's legacy ipsec.conf (starter/stroke), mapped into the model.

Grammar (ipsec.conf(5) of strongSwan 5.9): ``config setup``, ``conn <name>`` and
``ca <name>`` start at column 0; parameters are indented ``key=value`` lines; ``#``
starts a comment; ``include <glob>`` is replaced by the files it names (relative
to the including file). Precedence, lowest first: ``conn %default``, then the
sections named by ``also=`` in order (recursively), then the section itself, no
matter where ``also=`` stands. An empty value unsets a parameter. ``auto=ignore``
connections are not loaded and are left out; so are conns without ``auto=`` that
other conns name in ``also=`` (templates). Any other conn without ``auto=`` is kept
with ``auto: ignore`` and a warning, since starter does not load it.

Sides: ``left`` is taken as the local side (the "leftfirst" convention). When the
caller passes the host's addresses in ``context['local_addresses']`` and only the
right address is one of them, the sides are swapped, as starter would do.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import re

from ansible_collections.ipsec.doctor.plugins.module_utils._model import (
    auth_class,
    identity_type,
    new_auth_round,
    new_child,
    new_connection,
    origin,
    parse_bool,
    parse_duration,
    set_auth_value,
    set_value,
    split_list,
    split_origin,
    strongswan_identity,
)
from ansible_collections.ipsec.doctor.plugins.module_utils._parse.errors import MAX_ERRORS, add_error
from ansible_collections.ipsec.doctor.plugins.module_utils._parse.includes import follow_include
from ansible_collections.ipsec.doctor.plugins.module_utils._parse.proposals import expand_strongswan, ke_methods
from ansible_collections.ipsec.doctor.plugins.module_utils._parse.source import (
    FileSystemReader,
    cannot_read,
    resolve_include,
)

DEFAULT_PATH = '/etc/ipsec.conf'

IKELIFETIME_DEFAULT = 3 * 3600
LIFETIME_DEFAULT = 3600
MARGINTIME_DEFAULT = 9 * 60
DPDDELAY_DEFAULT = 30
DPDTIMEOUT_DEFAULT = 150

MAX_ALSO_CHAIN = 100
_SETTING = re.compile(r'^[ \t]+((?:@#)?[^"#= \t]+)[ \t]*=(.*)$')
_VALUE_WORD = re.compile(r'(?:@#)?[^"#= \t]+')
_ESCAPES = {'n': '\n', 'r': '\r', 't': '\t'}

# Keywords of strongSwan 5.9 starter (keywords.txt); side keywords without left/right.
CONN_KEYWORDS = frozenset((
    'also', 'ah', 'aaa_identity', 'aggressive', 'authby', 'auto', 'closeaction', 'compress', 'dpdaction',
    'dpddelay', 'dpdtimeout', 'eap_identity', 'esp', 'forceencaps', 'fragmentation', 'ike', 'ikedscp',
    'ikelifetime', 'inactivity', 'installpolicy', 'keyexchange', 'keyingtries', 'keylife', 'lifetime',
    'lifebytes', 'lifepackets', 'marginbytes', 'marginpackets', 'margintime', 'rekeymargin', 'mark',
    'mark_in', 'mark_out', 'mediated_by', 'mediation', 'me_peerid', 'mobike', 'modeconfig', 'reauth', 'rekey',
    'rekeyfuzz', 'replay_window', 'reqid', 'sha256_96', 'tfc', 'type', 'xauth', 'xauth_identity', 'hw_offload',
    'copy_df', 'copy_ecn', 'copy_dscp', 'if_id_in', 'if_id_out', 'pfs', 'pfsgroup', 'auth', 'ikelifetime',
    'priority', 'leftfirewall', 'rightfirewall',
))
SIDE_KEYWORDS = frozenset((
    '', 'subnet', 'sourceip', 'dns', 'firewall', 'hostaccess', 'protoport', 'id', 'id2', 'cert', 'cert2', 'ca',
    'ca2', 'groups', 'groups2', 'auth', 'auth2', 'rsasigkey', 'sigkey', 'ikeport', 'nexthop', 'updown',
    'allowany', 'sendcert', 'certpolicy', 'cert_policy',
))
CONFIG_SETUP_KEYWORDS = frozenset((
    'charondebug', 'uniqueids', 'cachecrls', 'strictcrlpolicy', 'charonstart', 'plutostart', 'plutodebug',
    'nat_traversal', 'keep_alive', 'crlcheckinterval',
))
CA_KEYWORDS = frozenset(('also', 'auto', 'cacert', 'crluri', 'crluri1', 'crluri2', 'ocspuri', 'ocspuri1',
                         'ocspuri2', 'certuribase', 'ldaphost'))

_AUTHBY = {
    'secret': ('psk', None), 'psk': ('psk', None),
    'pubkey': ('pubkey', None), 'rsasig': ('pubkey', None), 'rsa': ('pubkey', None),
    'ecdsasig': ('pubkey', None), 'ecdsa': ('pubkey', None),
    'xauthpsk': ('psk', 'xauth'), 'xauthrsasig': ('pubkey', 'xauth'),
    'never': (None, None),
}
_UNIQUEIDS = {'yes': 'replace', 'replace': 'replace', 'no': 'no', 'never': 'never', 'keep': 'keep'}
_START_ACTION = {'start': 'start', 'route': 'trap', 'add': 'none', 'ignore': 'none'}
_DPD_ACTION = {'none': 'clear', 'clear': 'clear', 'hold': 'trap', 'restart': 'start'}


class _Section:
    """One ipsec.conf section as written: its settings with origins and its also= references."""

    def __init__(self, kind, name, file, line):
        self.kind = kind
        self.name = name
        self.file = file
        self.line = line
        self.settings = {}
        self.also = []


class IpsecConfReader:
    """Reads ipsec.conf and its includes into sections; collects errors and files read."""

    def __init__(self, reader):
        self.reader = reader
        self.sections = []
        self.errors = []
        self.files = []
        self.current = None

    def error(self, file, line, message, severity='error'):
        """Record an error at file:line; past MAX_ERRORS only one final note is kept."""
        add_error(self.errors, file, line, message, severity, limit=MAX_ERRORS)

    def read(self, path, stack=()):
        """Read `path` (and its includes, in place) into sections; stack: the files including it."""
        try:
            text = self.reader.read(path)
        except (OSError, IOError) as exc:
            self.error(path, 0, cannot_read(exc), 'warning')
            return
        if path not in self.files:
            self.files.append(path)
        stack = list(stack) + [path]
        for number, raw in enumerate(text.split('\n'), 1):
            self._line(raw.rstrip('\r'), path, number, stack)

    def _include(self, pattern, file, line, stack):
        if len(pattern) >= 2 and pattern[0] == pattern[-1] == '"':
            pattern = pattern[1:-1]
        full = os.path.normpath(resolve_include(pattern, file))
        found = follow_include(
            self.reader, full, stack,
            read=lambda path: self.read(path, stack),
            refuse=lambda message: self.error(file, line, message),
            cycle_message=lambda path: 'include cycle: %s' % ' -> '.join(list(stack) + [path]),
            written=pattern)
        if not found:
            self.error(file, line, 'included file not found: %s' % full, 'warning')

    def _line(self, raw, file, number, stack):
        stripped = raw.strip()
        if not stripped or stripped.startswith('#'):
            return
        content = _strip_comment(stripped)
        words = content.split()
        if words and words[0] == 'include' and '=' not in content:
            if len(words) != 2:
                self.error(file, number, 'include needs exactly one file name')
                return
            self._include(words[1], file, number, stack)
            return
        if raw[0] not in ' \t':
            if len(words) == 2 and words[0] in ('conn', 'ca'):
                self.current = _Section(words[0], words[1], file, number)
                self.sections.append(self.current)
            elif words == ['config', 'setup']:
                self.current = _Section('config', 'setup', file, number)
                self.sections.append(self.current)
            else:
                self.error(file, number, "expected 'conn <name>', 'ca <name>' or 'config setup' at column 0 "
                           "(parameters must be indented)")
                self.current = None
            return
        if self.current is None:
            self.error(file, number, 'parameter outside of a section')
            return
        match = _SETTING.match(raw)
        if not match:
            self.error(file, number, "expected 'key=value' in %s '%s'" % (self.current.kind, self.current.name))
            return
        key = match.group(1)
        value, problem = _setting_value(match.group(2))
        if problem:
            self.error(file, number, "%s for '%s'" % (problem, key))
            return
        src = origin(file, number)
        if key == 'also':
            self.current.also.extend((name, src) for name in value.split())
        else:
            self.current.settings[key] = (value, src)


def _setting_value(text):
    """Return (value, problem) for the text after '=': words and quoted strings joined by one space.

    As in starter's lexer, ``#`` starts a comment (except in ``@#`` key ids and quotes)
    and an unquoted ``=`` is a syntax error.
    """
    words = []
    pos = 0
    while pos < len(text):
        char = text[pos]
        if char in ' \t\r':
            pos += 1
        elif char == '#':
            break
        elif char == '=':
            return None, "unquoted '=' in the value (quote it)"
        elif char == '"':
            pos += 1
            parts = []
            while pos < len(text) and text[pos] != '"':
                if text[pos] == '\\' and pos + 1 < len(text):
                    parts.append(_ESCAPES.get(text[pos + 1], text[pos + 1]))
                    pos += 2
                else:
                    parts.append(text[pos])
                    pos += 1
            if pos >= len(text):
                return None, 'unterminated quoted value'
            pos += 1
            words.append(''.join(parts))
        else:
            match = _VALUE_WORD.match(text, pos)
            words.append(match.group(0))
            pos = match.end()
    return ' '.join(words), None


def _strip_comment(text):
    """Drop a '#' comment that is not inside double quotes."""
    quoted = False
    for index, char in enumerate(text):
        if char == '"':
            quoted = not quoted
        elif char == '#' and not quoted:
            return text[:index].rstrip()
    return text


class _Resolver:
    """Applies %default and also= precedence to the sections of one kind."""

    def __init__(self, sections, kind, errors):
        self.kind = kind
        self.errors = errors
        self.by_name = {}
        self.defaults = []
        for section in sections:
            if section.kind != kind:
                continue
            if section.name == '%default':
                self.defaults.append(section)
            elif section.name in self.by_name:
                add_error(self.errors, section.file, section.line,
                          "%s '%s' defined again; the sections are merged" % (kind, section.name), 'warning')
                previous = self.by_name[section.name]
                previous.settings.update(section.settings)
                previous.also.extend(section.also)
            else:
                self.by_name[section.name] = section

    def names(self):
        """Return the section names in definition order."""
        return list(self.by_name)

    def _own(self, section, stack):
        merged = {}
        for name, src in section.also:
            target = self.by_name.get(name)
            file, line = split_origin(src)
            if target is None:
                add_error(self.errors, file, line, "also=%s: no %s section of that name" % (name, self.kind))
                continue
            if name in stack:
                add_error(self.errors, file, line, 'also= cycle: %s' % ' -> '.join(list(stack) + [name]))
                continue
            if len(stack) > MAX_ALSO_CHAIN:
                add_error(self.errors, file, line, 'also= chained deeper than %d levels at %s' % (MAX_ALSO_CHAIN, name))
                continue
            merged.update(self._own(target, stack + [name]))
        merged.update(section.settings)
        return merged

    def resolve(self, name):
        """Return {key: (value, src)} for section `name`, with unset (empty) values removed."""
        merged = {}
        for default in self.defaults:
            merged.update(self._own(default, ['%default']))
        merged.update(self._own(self.by_name[name], [name]))
        return dict((key, item) for key, item in merged.items() if item[0] != '')


class _ConnMapper:
    """Maps resolved conn settings into the model."""

    def __init__(self, ipsec_d, context, unique, errors, cert_refs):
        context = context or {}
        self.version = context.get('version')
        self.plugins = context.get('plugins')
        self.local_addresses = set(context.get('local_addresses') or [])
        self.ipsec_d = ipsec_d
        self.unique = unique
        self.errors = errors
        self.cert_refs = cert_refs

    def error(self, src, message, severity='error'):
        file, line = split_origin(src)
        add_error(self.errors, file, line, message, severity)

    def _sides(self, settings):
        """Return ('left', 'right') or ('right', 'left'): which written side is local."""
        left = split_list(settings.get('left', ('', ''))[0])
        right = split_list(settings.get('right', ('', ''))[0])
        if self.local_addresses and not self.local_addresses.intersection(left) \
                and self.local_addresses.intersection(right):
            return 'right', 'left'
        return 'left', 'right'

    def map(self, name, section, settings):
        """Return the model of conn `name` from its resolved settings {key: (value, src)}."""
        conn = new_connection(name, 'strongswan', 'strongswan-ipsec.conf', section.file, section.line)
        child = new_child(name, section.file, section.line)
        conn['children'].append(child)
        local, remote = self._sides(settings)

        def get(key):
            return settings.get(key, (None, None))

        for key, (value, src) in settings.items():
            base = key[4:] if key.startswith('left') else key[5:] if key.startswith('right') else None
            if base is not None and base in SIDE_KEYWORDS:
                continue
            if key not in CONN_KEYWORDS:
                self.error(src, "unknown keyword '%s' in conn '%s'" % (key, name), 'warning')
            elif key in ('pfs', 'pfsgroup', 'auth'):
                self.error(src, "obsolete keyword '%s' in conn '%s' is ignored by strongSwan" % (key, name),
                           'warning')

        self._addresses(conn, child, local, remote, get)
        self._auth(conn, local, remote, get)
        self._proposals(conn, child, get)
        self._lifetimes(conn, child, get)
        self._flags(conn, child, get)
        conn['unique'] = self.unique
        return conn

    def _addresses(self, conn, child, local, remote, get):
        for side, prefix in (('local', local), ('remote', remote)):
            value, src = get(prefix)
            if value is not None:
                set_value(conn, '%s_addrs' % side, split_list(value), *split_origin(src))
            else:
                conn['%s_addrs' % side] = ['%any']
            value, src = get(prefix + 'subnet')
            if value is not None:
                set_value(child, '%s_ts' % side, split_list(value), *split_origin(src))
            else:
                child['%s_ts' % side] = ['dynamic']
            value, src = get(prefix + 'protoport')
            if value is not None and value.strip():
                # stroke narrows every selector of the side to it, as swanctl's 10.1.0.0/16[tcp/ssh]
                child['%s_ts' % side] = ['%s[%s]' % (ts, value.strip()) for ts in child['%s_ts' % side]]
                child['src'].setdefault('%s_ts' % side, src)
            value, src = get(prefix + 'ikeport')
            if value is not None:
                try:
                    set_value(conn, '%s_port' % side, int(value), *split_origin(src))
                except ValueError:
                    self.error(src, "invalid port '%s' for %sikeport" % (value, prefix))
        value, src = get(local + 'sourceip')
        if value is not None:
            set_value(conn, 'vips', split_list(value), *split_origin(src))
        value, src = get(remote + 'sourceip')
        if value is not None:
            set_value(conn, 'pools', split_list(value), *split_origin(src))

    def _auth(self, conn, local, remote, get):
        authby, authby_src = get('authby')
        first, second = 'pubkey', None
        if authby is not None:
            word = authby.strip().lower()
            if word not in _AUTHBY:
                self.error(authby_src, "unknown authby '%s' in conn '%s'" % (authby, conn['name']))
            first, second = _AUTHBY.get(word, (None, None))
        for side, prefix in (('local', local), ('remote', remote)):
            rounds = conn['%s_auth' % side]
            rounds.append(new_auth_round(1, first))
            rounds[0]['method'] = authby or 'pubkey'
            if authby_src:
                conn['src']['%s_auth.0.auth' % side] = authby_src
            if second:
                rounds.append(new_auth_round(2, second))
                rounds[1]['method'] = second
            for index, suffix in ((0, ''), (1, '2')):
                value, src = get('%sauth%s' % (prefix, suffix))
                if value is None:
                    continue
                while len(rounds) <= index:
                    rounds.append(new_auth_round(len(rounds) + 1))
                method_class = auth_class(value)
                # 'any' is stroke's explicit "no constraint" (auth None: any method accepted)
                if method_class is None and value.strip().lower() != 'any':
                    self.error(src, "unknown %sauth%s '%s' in conn '%s'" % (prefix, suffix, value, conn['name']))
                set_auth_value(conn, side, index, 'auth', method_class, *split_origin(src))
                set_auth_value(conn, side, index, 'method', value.strip().lower(), *split_origin(src))
            for index, suffix in ((0, ''), (1, '2')):
                if index >= len(rounds):
                    break
                value, src = get('%sid%s' % (prefix, suffix))
                if value is not None:
                    set_auth_value(conn, side, index, 'id', strongswan_identity(value), *split_origin(src))
                    set_auth_value(conn, side, index, 'id_type', identity_type(value), *split_origin(src))
                elif index == 1:
                    # A second round without id2: charon keeps the side's id locally and accepts any remotely.
                    value, src = get(prefix + 'id')
                    if side == 'remote':
                        rounds[1]['id'], rounds[1]['id_type'] = '%any', 'any'
                    elif value is not None:
                        set_auth_value(conn, side, 1, 'id', strongswan_identity(value), *split_origin(src))
                        set_auth_value(conn, side, 1, 'id_type', identity_type(value), *split_origin(src))
                elif get(prefix + 'cert')[0] is None:
                    # Without an id or a certificate the identity is the side's address (%any for %any).
                    addrs = conn['%s_addrs' % side]
                    address = addrs[0] if addrs else '%any'
                    kind = identity_type(address)
                    if kind in ('ipv4', 'ipv6') or side == 'remote' or address == '%any':
                        rounds[0]['id'] = address if kind in ('ipv4', 'ipv6') else '%any'
                        rounds[0]['id_type'] = kind if kind in ('ipv4', 'ipv6') else 'any'
                value, src = get('%scert%s' % (prefix, suffix))
                if value is not None:
                    paths = [self.cert_path('certs', name) for name in split_list(value)]
                    set_auth_value(conn, side, index, 'certs', paths, *split_origin(src))
                    for path in paths:
                        self.cert_refs.append({'path': path, 'kind': 'x509', 'src': src})

    def cert_path(self, subdir, name):
        """Resolve a certificate file name against <ipsec.d>/<subdir> unless it is absolute."""
        if os.path.isabs(name):
            return os.path.normpath(name)
        return os.path.normpath(os.path.join(self.ipsec_d, subdir, name))

    def _proposals(self, conn, child, get):
        value, src = get('ike')
        self._set_proposals(conn, 'ike_proposals', 'ike', value, src)
        value, src = get('esp')
        ah_value, ah_src = get('ah')
        if ah_value is not None and value is None:
            proposals = self._set_proposals(child, 'esp_proposals', 'ah', ah_value, ah_src)
        else:
            proposals = self._set_proposals(child, 'esp_proposals', 'esp', value, src)
        child['pfs_groups'] = ke_methods(proposals['effective'])

    def _set_proposals(self, obj, model_key, kind, value, src):
        """Set obj[model_key] to the proposal set of a setting (stroke semantics); its problems are errors at src."""
        proposals, problems = expand_strongswan(value, kind, self.version, self.plugins, legacy=True)
        obj[model_key] = proposals
        if src:
            obj['src'][model_key] = src
        for problem in problems:
            self.error(src, problem)
        return proposals

    def _duration(self, get, key, default):
        value, src = get(key)
        if value is None:
            return default, None
        seconds = parse_duration(value)
        if seconds is None:
            self.error(src, "invalid duration '%s' for %s" % (value, key))
            return default, None
        return seconds, src

    def _lifetimes(self, conn, child, get):
        ikelifetime, ike_src = self._duration(get, 'ikelifetime', IKELIFETIME_DEFAULT)
        margin, margin_src = self._duration(get, 'margintime', MARGINTIME_DEFAULT)
        if margin_src is None:
            margin, margin_src = self._duration(get, 'rekeymargin', MARGINTIME_DEFAULT)
        lifetime, life_src = self._duration(get, 'lifetime', LIFETIME_DEFAULT)
        if life_src is None:
            lifetime, life_src = self._duration(get, 'keylife', LIFETIME_DEFAULT)
        rekey, rekey_src = get('rekey')
        reauth = parse_bool(get('reauth')[0])
        if parse_bool(rekey) is False:
            # starter sends no lifetimes at all with rekey=no: nothing is rekeyed and nothing expires.
            conn['rekey_time'] = conn['reauth_time'] = conn['over_time'] = 0
            child['rekey_time'] = child['life_time'] = 0
            for obj, keys in ((conn, ('rekey_time', 'reauth_time', 'over_time')), (child, ('rekey_time', 'life_time'))):
                for key in keys:
                    obj['src'][key] = rekey_src
            return
        # stroke: the IKE SA is rekeyed (or reauthenticated, the default) margintime before ikelifetime.
        ike_time = max(ikelifetime - margin, 0)
        if reauth is False:
            conn['rekey_time'], conn['reauth_time'] = ike_time, 0
        else:
            conn['rekey_time'], conn['reauth_time'] = 0, ike_time
        conn['over_time'] = margin
        for key in ('rekey_time', 'reauth_time'):
            if ike_src:
                conn['src'][key] = ike_src
        if margin_src:
            conn['src']['over_time'] = margin_src
        child['life_time'] = lifetime
        child['rekey_time'] = max(lifetime - margin, 0)
        if life_src:
            child['src']['life_time'] = life_src
            child['src']['rekey_time'] = life_src

    def _flags(self, conn, child, get):
        value, src = get('keyexchange')
        versions = {'ike': 0, 'ikev1': 1, 'ikev2': 2}
        if value is not None:
            if value.strip().lower() not in versions:
                self.error(src, "invalid keyexchange '%s' in conn '%s'" % (value, conn['name']))
            else:
                set_value(conn, 'ike_version', versions[value.strip().lower()], *split_origin(src))
        dpdaction, dpd_src = get('dpdaction')
        action = (dpdaction or 'none').strip().lower()
        delay, delay_src = self._duration(get, 'dpddelay', DPDDELAY_DEFAULT)
        conn['dpd_delay'] = delay if action != 'none' else 0
        if delay_src or dpd_src:
            conn['src']['dpd_delay'] = delay_src or dpd_src
        timeout, timeout_src = self._duration(get, 'dpdtimeout', DPDTIMEOUT_DEFAULT)
        conn['dpd_timeout'] = timeout
        if timeout_src:
            conn['src']['dpd_timeout'] = timeout_src
        child['dpd_action'] = _DPD_ACTION.get(action, action)
        if dpd_src:
            child['src']['dpd_action'] = dpd_src
        for key, field, default in (('forceencaps', 'encap', False), ('mobike', 'mobike', True)):
            value, src = get(key)
            flag = parse_bool(value) if value is not None else default
            if flag is None:
                self.error(src, "invalid value '%s' for %s (expected yes or no)" % (value, key))
                flag = default
            conn[field] = flag
            if src:
                conn['src'][field] = src
        value, src = get('fragmentation')
        conn['fragmentation'] = (value or 'yes').strip().lower()
        if src:
            conn['src']['fragmentation'] = src
        value, src = get('auto')
        conn['auto'] = (value or 'ignore').strip().lower()
        child['start_action'] = _START_ACTION.get(conn['auto'], 'none')
        if src:
            conn['src']['auto'] = src
            child['src']['start_action'] = src
        value, src = get('type')
        child['mode'] = (value or 'tunnel').strip().lower()
        if src:
            child['src']['mode'] = src
        value, src = get('closeaction')
        action = (value or 'none').strip().lower()
        child['close_action'] = {'restart': 'start', 'hold': 'trap', 'clear': 'none'}.get(action, action)
        if src:
            child['src']['close_action'] = src


def parse_ipsec_conf(path=DEFAULT_PATH, reader=None, context=None):
    """Parse strongSwan's ipsec.conf (with includes, %default and also=) into the model.

    context: {'version', 'plugins', 'local_addresses'}; all optional.
    Returns {'connections', 'ca_sections', 'config_setup', 'cert_refs', 'errors', 'files'}.
    """
    conf = IpsecConfReader(reader or FileSystemReader())
    conf.read(path)
    errors = conf.errors
    config_setup = {}
    for section in conf.sections:
        if section.kind == 'config':
            for key, (value, src) in section.settings.items():
                if key not in CONFIG_SETUP_KEYWORDS:
                    file, line = split_origin(src)
                    add_error(errors, file, line, "unknown keyword '%s' in config setup" % key, 'warning')
                config_setup[key] = {'value': value, 'src': src}
    unique = _UNIQUEIDS.get((config_setup.get('uniqueids') or {}).get('value', 'yes').strip().lower(), 'replace')
    cert_refs = []
    ipsec_d = os.path.join(os.path.dirname(path) or '.', 'ipsec.d')
    mapper = _ConnMapper(ipsec_d, context, unique, errors, cert_refs)
    connections = []
    conns = _Resolver(conf.sections, 'conn', errors)
    templates = set(also for section in conns.by_name.values() for also, _src in section.also)
    for name in conns.names():
        settings = conns.resolve(name)
        auto = settings.get('auto')
        if auto is not None and auto[0].strip().lower() == 'ignore':
            continue
        if auto is None:
            if name in templates:
                continue
            section = conns.by_name[name]
            add_error(errors, section.file, section.line,
                      "conn '%s' has no auto= (default ignore): starter does not load it" % name, 'warning')
        connections.append(mapper.map(name, conns.by_name[name], settings))
    ca_sections = []
    cas = _Resolver(conf.sections, 'ca', errors)
    for name in cas.names():
        settings = cas.resolve(name)
        for key, (value, src) in settings.items():
            if key not in CA_KEYWORDS:
                file, line = split_origin(src)
                add_error(errors, file, line, "unknown keyword '%s' in ca '%s'" % (key, name), 'warning')
        cacert = settings.get('cacert')
        path_value = None
        if cacert:
            path_value = mapper.cert_path('cacerts', cacert[0])
            cert_refs.append({'path': path_value, 'kind': 'x509ca', 'src': cacert[1]})
        section = cas.by_name[name]
        ca_sections.append({'name': name, 'cacert': path_value,
                            'auto': settings.get('auto', ('ignore', None))[0],
                            'src': origin(section.file, section.line)})
    return {
        'connections': connections,
        'ca_sections': ca_sections,
        'config_setup': config_setup,
        'cert_refs': cert_refs,
        'errors': errors,
        'files': conf.files,
    }
