# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The strongSwan oracle: charon and starter loading corpus files inside a private namespace.

``Sandbox`` starts this file as a worker under ``unshare --mount --net --pid --fork
--mount-proc``: the worker mounts a tmpfs on /run (vici and stroke sockets, pid files,
the charon log), brings up its own loopback and answers one JSON request per line on
stdin with one JSON line on stdout. charon and starter therefore never see the host's
or the lab's sockets and bind only inside the new network namespace. The worker stops
every daemon it started by PID; when it exits, the kernel ends whatever is left in its
PID namespace.

Requests: ``{"kind": "swanctl", "file": F}`` loads F with ``swanctl --load-all --clear``
(SWANCTL_DIR = the file's folder, so relative credential paths resolve as on the test
host) and returns ``swanctl --list-conns --pretty`` parsed; ``{"kind": "ipsec.conf",
"file": F, "etc": D}`` runs ``starter --nofork --conf F`` (with D/ipsec.d and
D/ipsec.secrets bound over /etc when the test host has them) and returns the
connections of ``stroke statusall``.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time

CHARON = '/usr/lib/ipsec/charon'
STARTER = '/usr/lib/ipsec/starter'
STROKE = '/usr/lib/ipsec/stroke'
SWANCTL = 'swanctl'
VICI_SOCKET = '/run/charon.vici'
STROKE_SOCKET = '/run/charon.ctl'
STRONGSWAN_CONF = '/run/conformance/strongswan.conf'
EMPTY_SWANCTL = '/run/conformance/empty-swanctl.conf'
EMPTY_DIR = '/run/conformance/empty'
WORK_DIR = '/run/conformance/swanctl'
PLACEHOLDER_DN = 'CN=conformance placeholder'
PLACEHOLDER_KEY = '/run/conformance/placeholder.key'
PLACEHOLDER_CERT = '/run/conformance/placeholder.pem'
PLACEHOLDER_PUBKEY = '/run/conformance/placeholder.pub'
# Subfolders of the swanctl directory where a relative name of each file list resolves.
CREDENTIAL_FOLDERS = {'certs': 'x509', 'cacerts': 'x509ca', 'pubkeys': 'pubkey'}

CHARON_PLUGINS = (
    'random nonce openssl aes sha1 sha2 hmac kdf gcm gmp pem pkcs1 pkcs8 pkcs12 x509 pubkey revocation constraints '
    'md5 xcbc attr kernel-netlink socket-default stroke vici eap-identity eap-md5 eap-mschapv2 eap-tls eap-ttls '
    'eap-radius xauth-generic xauth-eap unity'
)
CLIENT_PLUGINS = 'random nonce openssl pem pkcs1 pkcs8 pkcs12 x509 pubkey revocation constraints'
STRONGSWAN_CONF_TEXT = '''charon {
  load = %s
  filelog {
    conformance {
      path = /run/charon.log
      default = 1
    }
  }
}
starter {
  load_warning = no
}
swanctl {
  load = %s
}
stroke {
  load = %s
}
''' % (CHARON_PLUGINS, CLIENT_PLUGINS, CLIENT_PLUGINS)

STARTUP_TIMEOUT = 5.0
SETTLE_TIMEOUT = 4.0
POLL_INTERVAL = 0.05
COMMAND_TIMEOUT = 20


# ---------------------------------------------------------------- inside the namespace

def _run(argv, env=None):
    """Run a command; return (exit code, stdout, stderr) as text."""
    proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                          timeout=COMMAND_TIMEOUT, check=False)
    return proc.returncode, proc.stdout.decode('utf-8', 'replace'), proc.stderr.decode('utf-8', 'replace')


def _pki(arguments, output):
    """Run strongSwan's pki with its output into the file output."""
    with open(output, 'w') as handle:
        subprocess.run(['pki'] + arguments, stdout=handle, stderr=subprocess.DEVNULL, check=True)


def _wait_for(predicate, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(POLL_INTERVAL)
    return predicate()


def _stop(proc):
    """TERM a daemon we started, by its PID; KILL it if it does not go."""
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGTERM)
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()


def parse_pretty(text):
    """Parse ``swanctl --list-conns --pretty`` into {connection: tree}; lists are Python lists."""
    conns = {}
    stack = []
    current_list = None
    for raw in text.splitlines():
        line = raw.strip()
        if current_list is not None:
            if line == ']':
                current_list = None
            else:
                current_list.append(line)
            continue
        if line.endswith(' {'):
            name = line[:-2]
            node = {}
            if not stack:
                stack.append(node)  # the 'list-conn event' envelope
                continue
            stack[-1][name] = node
            stack.append(node)
            continue
        if line == '}':
            if len(stack) == 1:
                conns.update(stack[0])
            stack.pop()
            continue
        match = re.match(r'^(\S+) = (.*)$', line)
        if match and stack:
            if match.group(2) == '[':
                current_list = []
                stack[-1][match.group(1)] = current_list
            else:
                stack[-1][match.group(1)] = match.group(2)
    return conns


def parse_statusall(text):
    """Parse the ``Connections:`` part of ``stroke statusall`` into {connection: view}.

    charon shares one peer config between ipsec.conf conns whose IKE settings are equal,
    and statusall then lists the later conn only as a child of the first; so a view is
    made per child (stroke names a child after its conn) with its peer config's
    ``local_addrs``/``remote_addrs`` (the two ends of the head line),
    ``local_ids``/``remote_ids`` (one per authentication round, ``%any`` when the line
    names none) and the child's ``local_ts``/``remote_ts``.
    """
    heads = {}
    conns = {}
    owner = None
    section = None
    for line in text.splitlines():
        if not line.startswith(' '):
            section = line.rstrip(':')
            continue
        if section != 'Connections':
            continue
        match = re.match(r'^\s*(\S+?):\s+(.*)$', line)
        if not match:
            continue
        name, rest = match.group(1), match.group(2)
        head = re.match(r'^(\S*)\.\.\.(\S*)\s+(IKEv1|IKEv2|IKE)\b', rest)
        if head:
            owner = heads[name] = {'local_addrs': head.group(1), 'remote_addrs': head.group(2),
                                   'local_ids': [], 'remote_ids': []}
            continue
        side = re.match(r'^(local|remote):\s+(?:\[(.*)\])?', rest)
        if side and name in heads:
            heads[name]['%s_ids' % side.group(1)].append('%any' if side.group(2) is None else side.group(2))
            continue
        child = re.match(r'^child:\s+(.*?) === (.*?) (TUNNEL|TRANSPORT|PASS|DROP|BEET)', rest)
        if child and owner is not None:
            view = {'local_ts': child.group(1).split(), 'remote_ts': child.group(2).split()}
            view['peer'] = owner
            conns[name] = view
    for name, head in heads.items():
        if not any(view['peer'] is head for view in conns.values()):
            conns[name] = {'peer': head, 'local_ts': None, 'remote_ts': None}
    return conns


class Worker:
    """The daemon side, run inside the namespace."""

    def __init__(self):
        self.charon = None
        self.env = dict(os.environ, STRONGSWAN_CONF=STRONGSWAN_CONF)

    def setup(self):
        """Private /run, loopback, the strongswan.conf, then a charon for swanctl files."""
        subprocess.run(['mount', '-t', 'tmpfs', 'conformance', '/run'], check=True)
        subprocess.run(['ip', 'link', 'set', 'lo', 'up'], check=True)
        os.makedirs(EMPTY_DIR)
        with open(STRONGSWAN_CONF, 'w') as handle:
            handle.write(STRONGSWAN_CONF_TEXT)
        with open(EMPTY_SWANCTL, 'w') as handle:
            handle.write('')
        _pki(['--gen', '--type', 'ecdsa', '--size', '256', '--outform', 'pem'], PLACEHOLDER_KEY)
        _pki(['--self', '--ca', '--in', PLACEHOLDER_KEY, '--dn', PLACEHOLDER_DN, '--outform', 'pem'], PLACEHOLDER_CERT)
        _pki(['--pub', '--in', PLACEHOLDER_KEY, '--outform', 'pem'], PLACEHOLDER_PUBKEY)
        for path in ('/etc/ipsec.secrets', '/etc/ipsec.d', '/etc/swanctl'):
            if os.path.exists(path):
                target = EMPTY_SWANCTL if os.path.isfile(path) else EMPTY_DIR
                subprocess.run(['mount', '--bind', target, path], check=True)

    def _start_charon(self):
        self.charon = subprocess.Popen([CHARON], env=self.env, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL)
        if not _wait_for(lambda: os.path.exists(VICI_SOCKET), STARTUP_TIMEOUT):
            raise RuntimeError('charon did not open %s' % VICI_SOCKET)

    def swanctl(self, path):
        """Load one swanctl.conf into the running charon and list what it holds.

        The file's swanctl folder is copied to /run first, and a certificate or public
        key a connection names but the corpus lacks (the test environment generates them)
        is replaced by a placeholder with the subject PLACEHOLDER_DN, so that swanctl does
        not refuse the connection for a file that is merely absent.
        """
        if self.charon is None or self.charon.poll() is not None:
            self._start_charon()
        env = dict(self.env, SWANCTL_DIR=EMPTY_DIR)
        _run([SWANCTL, '--load-all', '--clear', '--file', EMPTY_SWANCTL], env=env)
        if os.path.exists(WORK_DIR):
            shutil.rmtree(WORK_DIR)
        shutil.copytree(os.path.dirname(path), WORK_DIR, symlinks=True)
        placeholders = _place_missing_credentials(WORK_DIR)
        env = dict(self.env, SWANCTL_DIR=WORK_DIR)
        code, out, err = _run([SWANCTL, '--load-all', '--clear', '--file',
                               os.path.join(WORK_DIR, os.path.basename(path))], env=env)
        listed = _run([SWANCTL, '--list-conns', '--pretty'], env=self.env)[1]
        output = _relevant(out + err).replace(WORK_DIR, os.path.dirname(path))
        return {'rc': code, 'output': output, 'conns': parse_pretty(listed), 'placeholders': placeholders}

    def ipsec_conf(self, path, etc):
        """Run starter on one ipsec.conf and return the connections charon reports."""
        if self.charon is not None:
            _stop(self.charon)
            self.charon = None
        mounts = []
        for name in ('ipsec.d', 'ipsec.secrets'):
            source = os.path.join(etc, name)
            if os.path.exists(source):
                subprocess.run(['mount', '--bind', source, '/etc/' + name], check=True)
                mounts.append('/etc/' + name)
        log = open('/run/starter.out', 'w+')
        starter = subprocess.Popen([STARTER, '--nofork', '--debug', '--conf', path], env=self.env,
                                   stdout=log, stderr=subprocess.STDOUT)
        try:
            started = _wait_for(lambda: os.path.exists(STROKE_SOCKET) or starter.poll() is not None,
                                STARTUP_TIMEOUT)
            status = ''
            if started and starter.poll() is None:
                status = _settle(lambda: _run([STROKE, 'statusall'], env=self.env)[1])
            log.seek(0)
            output = log.read()
        finally:
            _stop(starter)
            log.close()
            for mount in reversed(mounts):
                subprocess.run(['umount', mount], check=False)
            for stale in ('/run/charon.pid', '/run/starter.charon.pid', STROKE_SOCKET, VICI_SOCKET):
                if os.path.exists(stale):
                    os.unlink(stale)
        return {'rc': starter.returncode, 'output': _relevant(output), 'conns': parse_statusall(status),
                'loaded': re.findall(r"^Loading conn '([^']*)'", output, re.M)}

    def close(self):
        if self.charon is not None:
            _stop(self.charon)

    def serve(self):
        self.setup()
        try:
            for line in sys.stdin:
                request = json.loads(line)
                try:
                    if request['kind'] == 'swanctl':
                        answer = self.swanctl(request['file'])
                    else:
                        answer = self.ipsec_conf(request['file'], request['etc'])
                except (OSError, RuntimeError, subprocess.SubprocessError) as exc:
                    answer = {'error': str(exc)}
                sys.stdout.write(json.dumps(answer) + '\n')
                sys.stdout.flush()
        finally:
            self.close()


def _place_missing_credentials(folder):
    """Put a placeholder where a connection names a relative certificate or public key that is absent.

    Returns the names replaced. Only relative names (and nothing outside folder) are
    filled in: the connection text is scanned with a plain key = value match, which is
    enough for the corpus and never changes what the configuration says.
    """
    placed = []
    for current, _dirs, files in os.walk(folder):
        for name in files:
            if not name.endswith('.conf'):
                continue
            with open(os.path.join(current, name), 'rb') as handle:
                text = handle.read().decode('utf-8', 'replace')
            for key, value in re.findall(r'^\s*(certs|cacerts|pubkeys)\s*=\s*(.+?)\s*$', text, re.M):
                for item in re.split(r'[,\s]+', value):
                    if not item or item.startswith('/') or '..' in item or re.match(r'(?i)^0[xs]', item):
                        continue
                    target = os.path.join(folder, CREDENTIAL_FOLDERS[key], item)
                    if not os.path.exists(target):
                        os.makedirs(os.path.dirname(target), exist_ok=True)
                        shutil.copy(PLACEHOLDER_PUBKEY if key == 'pubkeys' else PLACEHOLDER_CERT, target)
                        placed.append('%s/%s' % (CREDENTIAL_FOLDERS[key], item))
    return placed


def _connections_part(status):
    """The ``Connections:`` section of statusall (the rest holds uptime and counters that always change)."""
    match = re.search(r'^Connections:\n(.*?)(?=^\S)', status, re.M | re.S)
    return match.group(1) if match else ''


def _settle(poll):
    """Poll until the connections part is the same twice in a row (starter adds conns after charon is up)."""
    previous = None
    deadline = time.monotonic() + SETTLE_TIMEOUT
    time.sleep(POLL_INTERVAL * 2)
    while time.monotonic() < deadline:
        current = poll()
        if previous is not None and _connections_part(current) == _connections_part(previous) \
                and _connections_part(current):
            return current
        previous = current
        time.sleep(POLL_INTERVAL * 2)
    return previous or ''


def _relevant(text):
    """Drop the lines about plugins this Debian build lacks and about absent credential folders."""
    keep = [line for line in text.splitlines()
            if not re.match(r"^plugin '.*': failed to load|^opening directory '.*' failed: No such file", line)]
    return '\n'.join(keep)


# ---------------------------------------------------------------- outside the namespace

class Sandbox:
    """Starts a worker in a private mount, network and PID namespace and talks to it."""

    def __init__(self, python=sys.executable):
        argv = ['unshare', '--mount', '--net', '--pid', '--fork', '--propagation', 'private', '--mount-proc',
                '--kill-child', python, os.path.abspath(__file__)]
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def ask(self, request):
        """Send one request, return the worker's answer."""
        self.proc.stdin.write((json.dumps(request) + '\n').encode())
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError('the sandbox worker ended (exit %s)' % self.proc.poll())
        return json.loads(line)

    def close(self):
        """Close stdin (the worker stops its daemons and exits); TERM it by PID if it hangs."""
        try:
            self.proc.stdin.close()
            self.proc.wait(15)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


if __name__ == '__main__':
    Worker().serve()
