# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""swanctl.conf: connections, secrets, credentials, pools and authorities, mapped into the model.

Semantics follow swanctl.conf(5) of strongSwan 5.9: defaults are filled in (a key
with no ``src`` entry holds the default), valid options outside the model are checked
but not returned, relative credential paths resolve against
the swanctl directory of the parsed file (``x509``, ``x509ca``, ``private``, ...),
and an unknown option is an error because swanctl discards such a connection.
Secrets are digested on the spot; the secret text never enters the result.
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
from ansible_collections.ipsec.doctor.plugins.module_utils._parse.errors import add_error
from ansible_collections.ipsec.doctor.plugins.module_utils._parse.proposals import expand_strongswan, ke_methods
from ansible_collections.ipsec.doctor.plugins.module_utils._parse.psk import digest_written_psk
from ansible_collections.ipsec.doctor.plugins.module_utils._parse.settings import (
    SRC,
    is_section,
    iter_keys,
    iter_sections,
    parse_settings,
)
from ansible_collections.ipsec.doctor.plugins.module_utils._parse.source import FileSystemReader

DEFAULT_PATH = '/etc/swanctl/swanctl.conf'

IKE_REKEY_DEFAULT = 4 * 3600
CHILD_REKEY_DEFAULT = 3600

CONNECTION_OPTIONS = frozenset((
    'version', 'local_addrs', 'remote_addrs', 'local_port', 'remote_port', 'proposals', 'vips', 'aggressive',
    'pull', 'dscp', 'encap', 'mobike', 'dpd_delay', 'dpd_timeout', 'fragmentation', 'childless', 'send_certreq',
    'send_cert', 'ppk_id', 'ppk_required', 'keyingtries', 'unique', 'reauth_time', 'rekey_time', 'over_time',
    'rand_time', 'pools', 'if_id_in', 'if_id_out', 'mediation', 'mediated_by', 'mediation_peer', 'ocsp',
    'close_action',
))
AUTH_OPTIONS = frozenset((
    'round', 'auth', 'id', 'eap_id', 'aaa_id', 'xauth_id', 'certs', 'cacerts', 'ca_id', 'pubkeys', 'groups',
    'cert_policy', 'revocation',
))
CHILD_OPTIONS = frozenset((
    'ah_proposals', 'esp_proposals', 'sha256_96', 'local_ts', 'remote_ts', 'rekey_time', 'life_time',
    'rand_time', 'rekey_bytes', 'life_bytes', 'rand_bytes', 'rekey_packets', 'life_packets', 'rand_packets',
    'updown', 'hostaccess', 'mode', 'policies', 'policies_fwd_out', 'dpd_action', 'ipcomp', 'inactivity',
    'reqid', 'priority', 'interface', 'mark_in', 'mark_in_sa', 'mark_out', 'set_mark_in', 'set_mark_out',
    'label', 'label_mode', 'tfc_padding', 'replay_window', 'hw_offload', 'copy_df', 'copy_ecn', 'copy_dscp',
    'start_action', 'close_action', 'if_id_in', 'if_id_out', 'per_cpu_sas',
))

# secrets.<type><suffix>: longest prefixes first, since 'rsa' must not catch nothing else.
SECRET_TYPES = (
    ('pkcs12', 'key', 'pkcs12'), ('pkcs8', 'key', 'pkcs8'), ('private', 'key', 'private'),
    ('ecdsa', 'key', 'ecdsa'), ('rsa', 'key', 'rsa'), ('xauth', 'shared', 'XAUTH'), ('ntlm', 'shared', 'NTLM'),
    ('token', 'token', None), ('ike', 'shared', 'PSK'), ('eap', 'shared', 'EAP'), ('ppk', 'shared', 'PPK'),
)

_AUTH_SECTION = re.compile(r'^(local|remote)(.*)$')
_DURATION_KEYS = ('rekey_time', 'reauth_time', 'over_time', 'dpd_delay', 'dpd_timeout')


def _set_keys(section):
    """Yield the keys of a section that have a value; ``key =`` leaves a setting unset in strongSwan."""
    for key, entry in iter_keys(section):
        if entry['value'] != '':
            yield key, entry


class _SwanctlMapper:
    """Maps the settings tree of swanctl.conf into the model, collecting errors."""

    def __init__(self, swanctl_dir, psk_key, context):
        self.swanctl_dir = swanctl_dir
        self.psk_key = psk_key
        context = context or {}
        self.version = context.get('version')
        self.plugins = context.get('plugins')
        self.errors = []
        self.key_refs = []
        self.cert_refs = []
        self.ah_proposals = {}

    def error(self, src, message, severity='error'):
        """Record an error at the place given by a 'file:line' string."""
        file, line = split_origin(src)
        add_error(self.errors, file, line, message, severity)

    def credential_path(self, subdir, name):
        """Resolve a credential file name the way swanctl does: relative to <swanctl dir>/<subdir>."""
        if os.path.isabs(name):
            return os.path.normpath(name)
        return os.path.normpath(os.path.join(self.swanctl_dir, subdir, name))

    def _set_proposals(self, obj, model_key, kind, value, src):
        """Set obj[model_key] to the proposal set of a written list; its problems are errors at src."""
        proposals, problems = expand_strongswan(value, kind, self.version, self.plugins)
        set_value(obj, model_key, proposals, *split_origin(src))
        for problem in problems:
            self.error(src, problem)

    def _set_duration(self, obj, key, value, src):
        """Set obj[key] to the seconds of a written duration, or record why it is invalid."""
        seconds = parse_duration(value)
        if seconds is None:
            self.error(src, "invalid duration '%s' for %s" % (value, key))
            return
        set_value(obj, key, seconds, *split_origin(src))

    # -- connections ---------------------------------------------------------

    def connection(self, name, node):
        """Return the model of connections.<name>."""
        file, line = split_origin(node[SRC])
        conn = new_connection(name, 'strongswan', 'swanctl', file, line)
        conn.update({
            'ike_version': 0,
            'local_addrs': ['%any'],
            'remote_addrs': ['%any'],
            'rekey_time': IKE_REKEY_DEFAULT,
            'reauth_time': 0,
            'dpd_delay': 0,
            'dpd_timeout': 0,
            'encap': False,
            'fragmentation': 'yes',
            'mobike': True,
            'unique': 'no',
        })
        for key, entry in _set_keys(node):
            self._connection_key(conn, key, entry)
        if conn['ike_proposals']['written'] is None:
            conn['ike_proposals'] = expand_strongswan(None, 'ike', self.version, self.plugins)[0]
        if 'over_time' not in conn['src']:
            conn['over_time'] = max(conn['rekey_time'] or 0, conn['reauth_time'] or 0) // 10
        auth_sections = []
        for sub_name, sub in iter_sections(node):
            match = _AUTH_SECTION.match(sub_name)
            if sub_name == 'children':
                for child_name, child_node in iter_sections(sub):
                    conn['children'].append(self.child(child_name, child_node, conn))
                for key, entry in iter_keys(sub):
                    self.error(entry['src'], "unexpected key '%s' in children of connection '%s'" % (key, name))
            elif match:
                auth_sections.append((match.group(1), sub_name, sub))
            else:
                self.error(sub[SRC], "unknown section '%s' in connection '%s'" % (sub_name, name))
        for side in ('local', 'remote'):
            self._auth_rounds(conn, side, [(n, s) for kind, n, s in auth_sections if kind == side])
        conn['auto'] = conn['children'][0]['start_action'] if conn['children'] else 'none'
        return conn

    def _connection_key(self, conn, key, entry):
        value, src = entry['value'], entry['src']
        file, line = split_origin(src)
        if key not in CONNECTION_OPTIONS:
            self.error(src, "unknown option '%s' in connection '%s' (swanctl discards the connection)"
                       % (key, conn['name']))
            return
        if key == 'version':
            if not value.strip().isdigit():
                self.error(src, "invalid value for version: '%s' (swanctl discards connection '%s')"
                           % (value, conn['name']))
                return
            set_value(conn, 'ike_version', int(value.strip()), file, line)
            if conn['ike_version'] not in (0, 1, 2):
                # vici takes any number; such a connection loads but never negotiates
                self.error(src, "IKE version %s of connection '%s' is not 0, 1 or 2: it loads but never "
                           "negotiates" % (value.strip(), conn['name']))
        elif key in ('local_addrs', 'remote_addrs', 'pools', 'vips'):
            set_value(conn, key, split_list(value), file, line)
        elif key in ('local_port', 'remote_port'):
            try:
                set_value(conn, key, int(value.strip(), 0), file, line)
            except ValueError:
                self.error(src, "invalid port '%s' for %s" % (value, key))
        elif key == 'proposals':
            self._set_proposals(conn, 'ike_proposals', 'ike', value, src)
        elif key in ('encap', 'mobike'):
            flag = parse_bool(value)
            if flag is None:
                self.error(src, "invalid value '%s' for %s (expected yes or no)" % (value, key))
                return
            set_value(conn, key, flag, file, line)
        elif key in _DURATION_KEYS:
            self._set_duration(conn, key, value, src)
        elif key in ('fragmentation', 'unique'):
            set_value(conn, key, value.strip().lower(), file, line)

    def _auth_rounds(self, conn, side, sections):
        # vici sorts the rounds by their 'round' value (0 when unset), keeping file order among equals.
        rounds = []
        for position, (sub_name, sub) in enumerate(sections):
            entry = sub.get('round')
            order = 0
            if isinstance(entry, dict) and not is_section(entry) and entry['value'] != '':
                try:
                    order = int(entry['value'].strip())
                except ValueError:
                    self.error(entry['src'], "invalid round '%s' in %s" % (entry['value'], sub_name))
            rounds.append((order, position, sub_name, sub))
        rounds.sort(key=lambda item: (item[0], item[1]))
        if not rounds:
            # A side without a section of its own still has one (unspecified) round.
            rounds.append((0, 0, side, {SRC: origin(conn['file'], conn['line'])}))
        for index, (_order, _position, sub_name, sub) in enumerate(rounds):
            conn['%s_auth' % side].append(new_auth_round(index + 1))
            if side == 'remote':
                conn['remote_auth'][index]['id'] = '%any'
                conn['remote_auth'][index]['id_type'] = 'any'
            # Without 'auth' the round is unspecified: charon builds public key authentication
            # for the local side and accepts any method from the remote side.
            conn['%s_auth' % side][index]['method'] = None
            conn['%s_auth' % side][index]['auth'] = 'pubkey' if side == 'local' else None
            for key, entry in _set_keys(sub):
                self._auth_key(conn, side, index, sub_name, key, entry)
            for nested, nested_node in iter_sections(sub):
                if not (nested.startswith('cert') or nested.startswith('cacert')):
                    self.error(nested_node[SRC], "unknown section '%s' in %s of connection '%s'"
                               % (nested, sub_name, conn['name']))

    def _auth_key(self, conn, side, index, sub_name, key, entry):
        value, src = entry['value'], entry['src']
        file, line = split_origin(src)
        if key not in AUTH_OPTIONS:
            self.error(src, "unknown option '%s' in %s of connection '%s' (swanctl discards the connection)"
                       % (key, sub_name, conn['name']))
            return
        if key == 'auth':
            method_class = auth_class(value)
            if method_class is None:
                self.error(src, "unknown authentication method '%s' in %s of connection '%s'"
                           % (value, sub_name, conn['name']))
            set_auth_value(conn, side, index, 'auth', method_class, file, line)
            set_auth_value(conn, side, index, 'method', value.strip().lower(), file, line)
        elif key == 'id':
            set_auth_value(conn, side, index, 'id', strongswan_identity(value), file, line)
            set_auth_value(conn, side, index, 'id_type', identity_type(value), file, line)
        elif key in ('certs', 'cacerts'):
            subdir, kind = ('x509', 'x509') if key == 'certs' else ('x509ca', 'x509ca')
            paths = [self.credential_path(subdir, name) for name in split_list(value)]
            set_auth_value(conn, side, index, key, paths, file, line)
            for path in paths:
                self.cert_refs.append({'path': path, 'kind': kind, 'src': src})

    def child(self, name, node, conn):
        """Return the model of connections.<conn>.children.<name>."""
        file, line = split_origin(node[SRC])
        child = new_child(name, file, line)
        child.update({
            'mode': 'tunnel',
            'local_ts': ['dynamic'],
            'remote_ts': ['dynamic'],
            'rekey_time': CHILD_REKEY_DEFAULT,
            'start_action': 'none',
            'dpd_action': 'clear',
            'close_action': 'none',
        })
        for key, entry in _set_keys(node):
            self._child_key(child, key, entry, conn)
        ah = self.ah_proposals.pop(id(child), None)
        if ah is not None and child['esp_proposals']['written'] is None:
            # AH only: the child's proposals are the AH ones (no ESP default is added).
            self._set_proposals(child, 'esp_proposals', 'ah', ah[0], ah[1])
            set_value(child, 'protocol', 'ah', *split_origin(ah[1]))
        elif ah is not None:
            self.error(ah[1], "child '%s' has both esp_proposals and ah_proposals; only ESP is modelled"
                       % name, severity='warning')
        if child['esp_proposals']['written'] is None:
            child['esp_proposals'] = expand_strongswan(None, 'esp', self.version, self.plugins)[0]
        child['pfs_groups'] = ke_methods(child['esp_proposals']['effective'])
        # vici: a missing rekey_time is life_time / 1.1 (else 1h); a missing life_time is rekey_time + 10%.
        if 'rekey_time' not in child['src'] and 'life_time' in child['src']:
            child['rekey_time'] = int(child['life_time'] / 1.1)
        if 'life_time' not in child['src']:
            child['life_time'] = int(round((child['rekey_time'] or 0) * 1.1))
        for sub_name, sub in iter_sections(node):
            self.error(sub[SRC], "unknown section '%s' in child '%s' of connection '%s'"
                       % (sub_name, name, conn['name']))
        return child

    def _child_key(self, child, key, entry, conn):
        value, src = entry['value'], entry['src']
        file, line = split_origin(src)
        if key not in CHILD_OPTIONS:
            self.error(src, "unknown option '%s' in child '%s' of connection '%s' (swanctl discards the "
                       "connection)" % (key, child['name'], conn['name']))
            return
        if key == 'esp_proposals':
            self._set_proposals(child, 'esp_proposals', 'esp', value, src)
        elif key == 'ah_proposals':
            self.ah_proposals[id(child)] = (value, src)
        elif key in ('local_ts', 'remote_ts'):
            set_value(child, key, [item.strip() for item in value.split(',') if item.strip()], file, line)
        elif key in ('rekey_time', 'life_time'):
            self._set_duration(child, key, value, src)
        elif key in ('mode', 'start_action', 'dpd_action', 'close_action'):
            set_value(child, key, value.strip().lower(), file, line)

    # -- secrets and other sections -------------------------------------------

    def secret(self, name, node, secrets):
        """Append secrets.<name> to secrets (shared secrets as digests) or to the key references."""
        lowered = name.lower()
        for prefix, category, kind in SECRET_TYPES:
            if lowered.startswith(prefix):
                break
        else:
            self.error(node[SRC], "unknown secret type '%s'" % name)
            return
        if category == 'token':
            return
        if category == 'key':
            entry = node.get('file')
            if isinstance(entry, dict) and not is_section(entry):
                self.key_refs.append({'type': kind, 'path': self.credential_path(kind, entry['value'].strip()),
                                      'src': entry['src']})
            return
        ids = []
        digest = None
        secret_entry = None
        for key, entry in _set_keys(node):
            if key.startswith('id'):
                ids.append(strongswan_identity(entry['value']))
            elif key == 'secret':
                secret_entry = entry
            else:
                self.error(entry['src'], "unknown option '%s' in secret '%s'" % (key, name))
        if secret_entry is None:
            self.error(node[SRC], "secret '%s' has no 'secret' value" % name)
        else:
            digest, problem = digest_written_psk(secret_entry['value'], self.psk_key)
            if problem:
                self.error(secret_entry['src'], "unusable secret in '%s': %s" % (name, problem))
        file, line = split_origin(node[SRC])
        secrets.append({'type': kind, 'name': name, 'ids': ids, 'digest': digest, 'src': node[SRC],
                        'file': file, 'line': line})


def _pools(section):
    pools = []
    if not is_section(section):
        return pools
    for name, node in iter_sections(section):
        values = dict((key, entry['value']) for key, entry in _set_keys(node))
        pools.append({'name': name, 'addrs': split_list(values.get('addrs')),
                      'dns': split_list(values.get('dns')), 'src': node[SRC]})
    return pools


def _authorities(section, mapper):
    authorities = []
    if not is_section(section):
        return authorities
    for name, node in iter_sections(section):
        values = dict((key, entry['value']) for key, entry in _set_keys(node))
        cacert = values.get('cacert')
        path = mapper.credential_path('x509ca', cacert.strip()) if cacert else None
        if path:
            mapper.cert_refs.append({'path': path, 'kind': 'x509ca', 'src': node['cacert']['src']})
        authorities.append({'name': name, 'cacert': path, 'crl_uris': split_list(values.get('crl_uris')),
                            'ocsp_uris': split_list(values.get('ocsp_uris')), 'src': node[SRC]})
    return authorities


def parse_swanctl(path=DEFAULT_PATH, reader=None, psk_key=None, context=None):
    """Parse swanctl.conf (with its includes) into the model.

    context: {'version': '5.9.8', 'plugins': [loaded plugin names]} for the default
    proposals; None means strongSwan 5.9 with the standard plugins (no filtering).
    psk_key: the per-run key for PSK digests; without it digests are None.
    Returns {'connections', 'secrets', 'key_refs', 'cert_refs', 'pools', 'authorities',
    'errors', 'files'}.
    """
    parsed = parse_settings(path, reader or FileSystemReader())
    tree = parsed['tree']
    mapper = _SwanctlMapper(os.path.dirname(path) or '.', psk_key, context)
    connections = []
    secrets = []
    known = ('connections', 'secrets', 'pools', 'authorities')
    section = tree.get('connections')
    if is_section(section):
        for name, node in iter_sections(section):
            connections.append(mapper.connection(name, node))
        for key, entry in iter_keys(section):
            mapper.error(entry['src'], "unexpected key '%s' in connections" % key)
    section = tree.get('secrets')
    if is_section(section):
        for name, node in iter_sections(section):
            mapper.secret(name, node, secrets)
    for name, node in iter_sections(tree):
        if name not in known:
            mapper.error(node[SRC], "unknown top-level section '%s'" % name, severity='warning')
    return {
        'connections': connections,
        'secrets': secrets,
        'key_refs': mapper.key_refs,
        'cert_refs': mapper.cert_refs,
        'pools': _pools(tree.get('pools')),
        'authorities': _authorities(tree.get('authorities'), mapper),
        'errors': parsed['errors'] + mapper.errors,
        'files': parsed['files'],
    }
