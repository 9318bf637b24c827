# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""strongSwan's testing/tests: parse_swanctl and parse_ipsec_conf against charon 5.9.8.

Each file is parsed here and loaded by a real charon in a sandbox (see sandbox.py);
the connections charon reports are compared with the parsed ones field by field.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import re

from ansible_collections.ipsec.doctor.plugins.module_utils._parse.source import FileSystemReader
from ansible_collections.ipsec.doctor.plugins.module_utils._parse.strongswan_ipsec_conf import parse_ipsec_conf
from ansible_collections.ipsec.doctor.plugins.module_utils._parse.swanctl import parse_swanctl

from agreement import MISSING_REFERENCE, ORACLE_FAILED, REFUSED
from sandbox import PLACEHOLDER_DN

_MISSING = re.compile(r"No such file or directory|opening .* failed|loading .* failed: No such file")


def find_files(root, name):
    """Every file called name under root, sorted."""
    found = []
    for folder, _dirs, files in os.walk(root):
        if name in files:
            found.append(os.path.join(folder, name))
    return sorted(found)


def _errors(parsed):
    return [error for error in parsed['errors'] if error.get('severity', 'error') == 'error']


def _auth_ids(rounds):
    return [auth.get('id') for auth in rounds]


def _daemon_rounds(conn, side, absent):
    ids = []
    index = 1
    while '%s-%d' % (side, index) in conn:
        ids.append(conn['%s-%d' % (side, index)].get('id', absent))
        index += 1
    return ids


def _ids_from_credentials(seen, side, parser_ids, daemon_ids):
    """The rounds differ only where the parser leaves the ID open and charon has a certificate or public key.

    Without an id, charon uses the subject of the round's certificate or the key ID of its
    public key; the model leaves such an ID open (certificates are read on the controller).
    """
    if len(parser_ids) != len(daemon_ids):
        return False
    for index, (parsed, reported) in enumerate(zip(parser_ids, daemon_ids)):
        if parsed == reported:
            continue
        round_view = seen.get('%s-%d' % (side, index + 1), {})
        if parsed not in (None, '%any') or not round_view.get('certs'):
            return False
    return True


def _stroke_ids_from_certificate(conn, side, parser_ids, daemon_ids):
    """The parser leaves an ID open for a side with a certificate; charon shows the side's address.

    charon takes such an ID from the certificate's subject once it has loaded it; the corpus
    lacks the certificates (the test environment generates them), so charon falls back to
    the address, which is not what it would use on the test host.
    """
    rounds = conn['%s_auth' % side]
    if len(parser_ids) != len(daemon_ids):
        return False
    for index, (parsed, reported) in enumerate(zip(parser_ids, daemon_ids)):
        if parsed == reported:
            continue
        if parsed is not None or not rounds[index].get('certs') or reported not in conn['%s_addrs' % side]:
            return False
    return True


def compare_swanctl(tally, path, sandbox):
    """Load one swanctl.conf into charon and compare the connections."""
    tally.files += 1
    answer = sandbox.ask({'kind': 'swanctl', 'file': path})
    if 'error' in answer:
        tally.reject(ORACLE_FAILED)
        return
    parsed = parse_swanctl(path, FileSystemReader())
    if not _swanctl_loaded_every_connection(answer['output']):
        _account_refused(tally, parsed, answer['output'])
        return
    if answer['placeholders']:
        tally.placeholders += 1
    _account_errors(tally, parsed)
    daemon = answer['conns']
    parser = dict((conn['name'], conn) for conn in parsed['connections'])
    for name in sorted(set(daemon) | set(parser)):
        tally.compare(path, 'names', name, name in parser, name in daemon)
        if name not in parser or name not in daemon:
            continue
        conn, seen = parser[name], daemon[name]
        tally.compare(path, 'addresses', name + ' local_addrs', conn['local_addrs'] or ['%any'],
                      seen.get('local_addrs', ['%any']))
        tally.compare(path, 'addresses', name + ' remote_addrs', conn['remote_addrs'] or ['%any'],
                      seen.get('remote_addrs', ['%any']))
        for side, absent in (('local', None), ('remote', '%any')):
            daemon_ids = _daemon_rounds(seen, side, absent)
            parser_ids = _auth_ids(conn['%s_auth' % side])
            if PLACEHOLDER_DN in daemon_ids:
                tally.not_comparable += 1  # charon took the ID from a placeholder certificate
                continue
            if parser_ids != daemon_ids and _ids_from_credentials(seen, side, parser_ids, daemon_ids):
                tally.from_credential.append('%s %s %s' % (tally.shown(path), name, side))
                continue
            tally.compare(path, 'ids', '%s %s' % (name, side), parser_ids, daemon_ids)
        children = dict((child['name'], child) for child in conn['children'])
        seen_children = seen.get('children', {})
        for child in sorted(set(children) | set(seen_children)):
            where = '%s/%s' % (name, child)
            tally.compare(path, 'names', where, child in children, child in seen_children)
            if child in children and child in seen_children:
                tally.compare_ts(path, where + ' local_ts', children[child]['local_ts'],
                                 seen_children[child].get('local-ts', ['dynamic']))
                tally.compare_ts(path, where + ' remote_ts', children[child]['remote_ts'],
                                 seen_children[child].get('remote-ts', ['dynamic']))


def compare_ipsec_conf(tally, path, sandbox):
    """Run starter on one ipsec.conf and compare what charon loaded."""
    tally.files += 1
    answer = sandbox.ask({'kind': 'ipsec.conf', 'file': path, 'etc': os.path.dirname(path)})
    if 'error' in answer:
        tally.reject(ORACLE_FAILED)
        return
    loaded = answer['loaded']
    daemon = answer['conns']
    parsed = parse_ipsec_conf(path, FileSystemReader())
    if not daemon and loaded:
        _account_refused(tally, parsed, answer['output'])
        return
    _account_errors(tally, parsed)
    parser = dict((conn['name'], conn) for conn in parsed['connections'] if conn['auto'] != 'ignore')
    for name in sorted(set(daemon) | set(parser)):
        tally.compare(path, 'names', name, name in parser, name in daemon)
        if name not in parser or name not in daemon:
            continue
        conn, seen = parser[name], daemon[name]
        peer = seen['peer']
        for side in ('local', 'remote'):
            written = ','.join(conn['%s_addrs' % side]) or '%any'
            if written == '%defaultroute':
                # starter resolves it from the routing table, and the sandbox has no default route
                tally.not_comparable += 2
                continue
            tally.compare(path, 'addresses', '%s %s_addrs' % (name, side), written, peer['%s_addrs' % side])
            parser_ids = _auth_ids(conn['%s_auth' % side])
            daemon_ids = peer['%s_ids' % side]
            if parser_ids != daemon_ids and _stroke_ids_from_certificate(conn, side, parser_ids, daemon_ids):
                tally.from_credential.append('%s %s %s' % (tally.shown(path), name, side))
                continue
            tally.compare(path, 'ids', '%s %s' % (name, side), parser_ids, daemon_ids)
        child = conn['children'][0] if conn['children'] else None
        tally.compare(path, 'names', name + ' child', child is not None, seen['local_ts'] is not None)
        if child is not None and seen['local_ts'] is not None:
            tally.compare_ts(path, name + ' local_ts', child['local_ts'], seen['local_ts'])
            tally.compare_ts(path, name + ' remote_ts', child['remote_ts'], seen['remote_ts'])


def _swanctl_loaded_every_connection(output):
    """swanctl's summary says every connection loaded (or the file has none)."""
    return bool(re.search(r'^(successfully loaded \d+ connections|no connections found)', output, re.M))


def _account_refused(tally, parsed, output):
    """Count a file the daemon refused, and whether the parser flags it too."""
    if _MISSING.search(output):
        tally.reject(MISSING_REFERENCE)
        return
    tally.reject(REFUSED)
    tally.refused_flagged += 1 if _errors(parsed) else 0
    if not _errors(parsed):
        tally.unflagged.append({'file': parsed['files'][0] if parsed['files'] else '?',
                                'daemon': ' / '.join(line for line in output.splitlines() if 'fail' in line)[:300]})


def _account_errors(tally, parsed):
    tally.accepted += 1
    errors = _errors(parsed)
    if errors:
        tally.parser_errors.extend(errors)
    else:
        tally.parser_clean += 1
