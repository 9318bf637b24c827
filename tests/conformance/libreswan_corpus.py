# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Libreswan's testing/pluto: parse_libreswan_conf against Libreswan 4.10's readwriteconf.

readwriteconf reads a file with pluto's own config reader (includes, ``conn %default``,
``also=``) and prints every connection with its resolved keywords; it opens no socket and
changes nothing, so it runs without a sandbox. Absolute includes (/testing/baseconfigs/...,
/etc/ipsec.d/...) resolve under --rootdir (the corpus checkout) and --rootdir2 (its
baseconfigs/all), and the parser reads through ``RootedReader`` with the same two roots.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import re
import subprocess

from ansible_collections.ipsec.doctor.plugins.module_utils._parse.libreswan_conf import parse_libreswan_conf
from ansible_collections.ipsec.doctor.plugins.module_utils._parse.source import FileSystemReader

from agreement import MISSING_REFERENCE, ORACLE_FAILED, REFUSED, Tally
from canonical import canonical_ts

LIBRESWAN_TREE = '/var/cache/ipsec-doctor-lab/libreswan'
READWRITECONF = LIBRESWAN_TREE + '/usr/libexec/ipsec/readwriteconf'
ALGPARSE = LIBRESWAN_TREE + '/usr/libexec/ipsec/algparse'
# Host forms readwriteconf 4.10 does not print back (left=%eth1 names an interface).
_KNOWN_HOST_KEYWORDS = ('%any', '%defaultroute', '%opportunistic', '%opportunisticgroup', '%group')
_MISSING = re.compile(r'could not open include|problem with include')
# readwriteconf prints these when pluto (addconn) would refuse the file or one of its conns.
_REFUSED = re.compile(r'^(while loading|ERROR:|.*cannot be loaded|.*, ignoring:)', re.M)
_IPV4 = re.compile(r'^\d+\.\d+\.\d+\.\d+$')


class RootedReader(FileSystemReader):
    """A FileSystemReader that looks for absolute paths under two roots first, as readwriteconf does."""

    def __init__(self, roots):
        self.roots = roots

    def _map(self, path):
        for root in self.roots:
            if path.startswith(root + os.sep):
                return path
        for root in self.roots:
            candidate = root + path
            if os.path.exists(candidate) or any(char in path for char in '*?['):
                if os.path.exists(candidate) or FileSystemReader.glob(self, candidate):
                    return candidate
        return path

    def read(self, path):
        return FileSystemReader.read(self, self._map(path))

    def glob(self, pattern):
        for root in self.roots:
            if not pattern.startswith(root + os.sep):
                found = FileSystemReader.glob(self, root + pattern)
                if found:
                    return [path[len(root):] for path in found]
        return FileSystemReader.glob(self, pattern)

    def exists(self, path):
        return FileSystemReader.exists(self, self._map(path))


def find_files(folder):
    """The ipsec.conf variants of testing/pluto: *.conf files of the test folders with a conn or config setup.

    Left out: the strongSwan peers' files of the interop tests (``HOST.strongswan.conf``,
    ``HOST.swanctl.conf``, and ``HOST.conf`` of a host that has one of them: that is its
    strongSwan ipsec.conf).
    """
    found = []
    for test in sorted(os.listdir(folder)):
        path = os.path.join(folder, test)
        if not os.path.isdir(path):
            continue
        names = set(os.listdir(path))
        for name in sorted(names):
            file = os.path.join(path, name)
            if not name.endswith('.conf') or not os.path.isfile(file):
                continue
            host = name[:-len('.conf')].split('.')[0]
            if name.endswith(('.strongswan.conf', '.swanctl.conf')) or (
                    name == host + '.conf' and (host + '.strongswan.conf' in names or host + '.swanctl.conf' in names)):
                continue
            with open(file, 'rb') as handle:
                text = handle.read().decode('utf-8', 'replace')
            if re.search(r'^(conn \S|config setup)', text, re.M):
                found.append(file)
    return found


def _env():
    return dict(os.environ, LD_LIBRARY_PATH=LIBRESWAN_TREE + '/usr/lib/x86_64-linux-gnu')


class AlgorithmOracle:
    """pluto's own proposal parser (algparse 4.10): readwriteconf does not check ike=/esp=/ah=."""

    def __init__(self):
        self.cache = {}

    def refusal(self, conn):
        """The first ERROR line algparse prints for a conn's proposals, or None when it takes them all."""
        version = '-v1' if conn.get('ikev2', 'yes') in ('no', 'never') or conn.get('keyexchange') == 'ikev1' else '-v2'
        pfs = [] if conn.get('pfs', 'yes') == 'no' else ['-pfs']
        kind = 'ah' if conn.get('phase2') == 'ah' else 'esp'
        for key, value in (('ike', conn.get('ike')), (kind, conn.get(kind) or conn.get('phase2alg'))):
            if not value:
                continue
            argv = (version,) + tuple(pfs) + ('%s=%s' % (key, value),)
            if argv not in self.cache:
                proc = subprocess.run([ALGPARSE] + list(argv), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                      env=_env(), timeout=30, check=False)
                errors = [line.strip() for line in proc.stdout.decode('utf-8', 'replace').splitlines()
                          if 'ERROR' in line]
                if errors:
                    self.cache[argv] = errors[0]
                elif proc.returncode:
                    self.cache[argv] = 'algparse exit %d' % proc.returncode
                else:
                    self.cache[argv] = None
            if self.cache[argv]:
                return '%s: %s' % (' '.join(argv), self.cache[argv])
        return None


def readwriteconf(path, roots):
    """Run readwriteconf; return (exit code, stderr, {conn: {keyword: value}}, [names printed twice]).

    A conn defined twice is printed twice; pluto 4.10 keeps the first and refuses the
    second ("attempt to redefine connection"), so the first is kept here too.
    """
    env = _env()
    proc = subprocess.run([READWRITECONF, '--rootdir', roots[0], '--rootdir2', roots[1], '--config', path],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, timeout=30, check=False)
    conns = {}
    duplicates = []
    current = None
    for line in proc.stdout.decode('utf-8', 'replace').splitlines():
        match = re.match(r'^conn (\S+)', line)
        if match:
            if match.group(1) in conns:
                duplicates.append(match.group(1))
                current = {}
            else:
                current = conns[match.group(1)] = {}
            continue
        if not line.startswith('\t'):
            current = None if not line.startswith(' ') else current
            continue
        match = re.match(r'^\t([^#=\s][^=]*)=(.*)$', line)
        if match and current is not None:
            current[match.group(1)] = _unquote(match.group(2))
    return proc.returncode, proc.stderr.decode('utf-8', 'replace'), conns, duplicates


def _unquote(value):
    if len(value) >= 2 and value[0] == '"' and value[-1] == '"':
        return value[1:-1]
    return value


def _id(written, host, absent):
    """The ID pluto uses: leftid= (an FQDN's '@' removed), else an IP host address, else none."""
    if written:
        return written[1:] if written.startswith('@') and not written.startswith('@#') else written
    if host and (_IPV4.match(host) or ':' in host):
        return host
    return absent


def _subnets(end):
    written = end.get('subnets') or ''
    if written:
        return sorted(set(item for item in re.split(r'[\s,{}]+', written) if item))
    return [end['subnet']] if end.get('subnet') else ['dynamic']


def _virtual(selectors):
    """vhost:/vnet: (virtual subnets) and %no: readwriteconf does not print them back."""
    return any(ts.startswith(('vhost:', 'vnet:', '%')) for ts in selectors)


def _is_host_selector(selectors, host):
    """leftsubnet=<left>/32 (or /128): pluto keeps no subnet for it, as for no leftsubnet at all."""
    if not host or len(selectors) != 1:
        return False
    return canonical_ts(selectors[0]) == canonical_ts(host) and canonical_ts(host) != host


def _plain_ts(selectors):
    return sorted(set(re.sub(r'\[.*\]$', '', ts) for ts in selectors))


def compare_file(tally, path, roots, algorithms):
    """Compare one file's connections."""
    tally.files += 1
    try:
        code, stderr, daemon, duplicates = readwriteconf(path, roots)
    except (OSError, subprocess.SubprocessError):
        tally.reject(ORACLE_FAILED)
        return
    parsed = parse_libreswan_conf(path, RootedReader(roots))
    errors = [error for error in parsed['errors'] if error.get('severity', 'error') == 'error']
    if _MISSING.search(stderr):
        tally.reject(MISSING_REFERENCE)
        return
    refusals = [line for line in stderr.splitlines() if _REFUSED.search(line)]
    if code == 0 and not refusals:
        refusals = [refusal for refusal in (algorithms.refusal(conn) for conn in daemon.values()) if refusal]
    if code != 0 or refusals:
        _refused(tally, path, errors, refusals)
        return
    if duplicates:
        # pluto loads the first definition and refuses the later ones: a refusal, yet the
        # connections are still compared.
        _refused(tally, path, errors, ['pluto: attempt to redefine connection "%s"' % name for name in duplicates])
    else:
        tally.accepted += 1
        if errors:
            tally.parser_errors.extend(errors)
        else:
            tally.parser_clean += 1
    parser = {}
    for conn in parsed['connections']:
        parser.setdefault(conn['name'].split('/')[0], []).append(conn)
    for name in sorted(set(daemon) | set(parser)):
        tally.compare(path, 'names', name, name in parser, name in daemon)
        if name not in parser or name not in daemon:
            continue
        ends = dict((side, dict((key[len(side):], value) for key, value in daemon[name].items()
                                if key.startswith(side))) for side in ('left', 'right'))
        conn = parser[name][0]
        local, remote = ('left', 'right') if conn.get('orientation', 'left') == 'left' else ('right', 'left')
        for side, role in ((local, 'local'), (remote, 'remote')):
            host = ends[side].get('')
            written = conn['%s_addrs' % role]
            if not host and written and written[0].startswith('%') and written[0] not in _KNOWN_HOST_KEYWORDS:
                tally.not_comparable += 1   # an interface name: readwriteconf does not print it
            else:
                tally.compare(path, 'addresses', '%s %s' % (name, role), written, [host] if host else [])
            parsed_id = conn['%s_auth' % role][0].get('id') if conn['%s_auth' % role] else None
            tally.compare(path, 'ids', '%s %s' % (name, role), parsed_id,
                          _id(ends[side].get('id'), host, None if role == 'local' else '%any'))
            selectors = [ts for each in parser[name] for child in each['children']
                         for ts in child['%s_ts' % role]]
            parsed_ts, daemon_ts = _plain_ts(selectors), _subnets(ends[side])
            if daemon_ts == ['dynamic'] and _virtual(parsed_ts):
                tally.not_comparable += 1
            elif daemon_ts == ['dynamic'] and _is_host_selector(parsed_ts, host):
                tally.spelling_only += 1
                tally.compare(path, 'ts', '%s %s' % (name, role), parsed_ts, parsed_ts)
            else:
                tally.compare_ts(path, '%s %s' % (name, role), parsed_ts, daemon_ts)


def _refused(tally, path, errors, refusals):
    tally.reject(REFUSED)
    if errors:
        tally.refused_flagged += 1
    else:
        tally.unflagged.append({'file': path, 'daemon': ' / '.join(refusals)[:300]})


def run(folder, root, limit):
    """Return the tally of the Libreswan corpus under folder (root holds testing/baseconfigs)."""
    roots = [os.path.abspath(root), os.path.join(os.path.abspath(root), 'testing', 'baseconfigs', 'all')]
    tally = Tally('Libreswan ipsec.conf (readwriteconf and algparse 4.10)', os.path.abspath(folder))
    algorithms = AlgorithmOracle()
    for path in find_files(folder)[:limit]:
        compare_file(tally, path, roots, algorithms)
    return tally
