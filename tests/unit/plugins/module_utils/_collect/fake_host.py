# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A fake host for collector tests: a file tree below a temporary root and canned command output."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os

from ansible_collections.ipsec.doctor.plugins.module_utils._collect.commands import CommandResult, ToolMissing
from ansible_collections.ipsec.doctor.plugins.module_utils._collect.context import HostContext

CANARY_PSK = 'canary-psk-4f1e9b2c-never-leaves'
# A throwaway P-256 key made for these tests; its body must never appear in facts.
CANARY_KEY_BODY = 'MHcCAQEEIBfakeCANARYprivateKEYbodyNEVERleavesTHEhostAAAAAAAAoAoGCCqGSM49'
CANARY_KEY = '-----BEGIN EC PRIVATE KEY-----\n%s\n-----END EC PRIVATE KEY-----\n' % CANARY_KEY_BODY
# DER SubjectPublicKeyInfo of a P-256 key (as `openssl pkey -pubout -outform DER` prints it).
P256_SPKI = bytes.fromhex(
    '3059301306072a8648ce3d020106082a8648ce3d03010703420004'
    + '11' * 32 + '22' * 32)


class FakeRunner:
    """Answers commands from a dict: argv tuple (or its first words) -> (rc, stdout[, stderr]).

    A tool that appears in no key is missing. Every call is recorded in `calls`.
    """

    def __init__(self, answers=None):
        self.answers = dict((tuple(key), value) for key, value in (answers or {}).items())
        self.calls = []

    def which(self, tool):
        return '/usr/bin/%s' % tool if any(key[0] == tool for key in self.answers) else None

    def run(self, argv, binary=False, stdin_data=None, timeout=None):
        self.calls.append(list(argv))
        if self.which(argv[0]) is None:
            raise ToolMissing(argv[0])
        for length in range(len(argv), 0, -1):
            answer = self.answers.get(tuple(argv[:length]))
            if answer is not None:
                rc, stdout = answer[0], answer[1]
                stderr = answer[2] if len(answer) > 2 else ''
                if binary and isinstance(stdout, str):
                    stdout = stdout.encode('utf-8')
                return CommandResult(list(argv), rc, stdout, stderr)
        return CommandResult(list(argv), 1, '', '%s: unexpected arguments in test' % argv[0])


def write_tree(root, files):
    """Create files below root: {host path: text | bytes | ('link', target) | ('mode', text, mode)}."""
    for path, content in files.items():
        real = os.path.join(str(root), path.lstrip('/'))
        parent = os.path.dirname(real)
        if not os.path.isdir(parent):
            os.makedirs(parent)
        if isinstance(content, tuple) and content[0] == 'link':
            os.symlink(content[1], real)
            continue
        mode = None
        if isinstance(content, tuple) and content[0] == 'mode':
            content, mode = content[1], content[2]
        with open(real, 'wb') as handle:
            handle.write(content if isinstance(content, bytes) else content.encode('utf-8'))
        if mode is not None:
            os.chmod(real, mode)


def make_host(root, files=None, answers=None, options=None):
    """Return a HostContext over a fake tree and canned commands."""
    write_tree(root, files or {})
    return HostContext(root=str(root), runner=FakeRunner(answers), options=options or {})


SWANCTL_CONF = '''connections {
    gw-gw {
        version = 2
        local_addrs = 198.51.100.10
        remote_addrs = 198.51.100.20
        proposals = aes256-sha256-modp2048
        local {
            auth = psk
            id = a.lab
        }
        remote {
            auth = psk
            id = b.lab
        }
        children {
            net {
                local_ts = 198.51.100.64/26
                remote_ts = 198.51.100.128/26
                esp_proposals = aes128gcm16
                start_action = start
            }
        }
    }
}
secrets {
    ike-gw {
        id-a = a.lab
        id-b = b.lab
        secret = "%s"
    }
    private-a {
        file = a.key
    }
}
''' % CANARY_PSK

STRONGSWAN_CONF = '''charon {
    load_modular = yes
    port_nat_t = 4501
    filelog {
        charon {
            path = /var/log/charon.log
            default = 1
        }
    }
    plugins {
        include strongswan.d/charon/*.conf
    }
}
'''

CHARON_LOG = '''Dec  3 17:00:01 00[DMN] Starting IKE charon daemon (strongSwan 5.9.8, Linux 6.1.0, x86_64)
Dec  3 17:00:02 10[IKE] <gw-gw|1> tried 1 shared key for 'b.lab' - 'a.lab', but MAC mismatched
Dec  3 17:00:02 10[ENC] <gw-gw|1> generating IKE_AUTH response 1 [ N(AUTH_FAILED) ]
'''


def strongswan_host_files():
    """A strongSwan (swanctl, charon-systemd) host with a running charon that owns UDP 500 and 4500."""
    return {
        '/usr/sbin/charon-systemd': '',
        '/usr/lib/ipsec/plugins/libstrongswan-kernel-libipsec.so': '',
        '/usr/lib/ipsec/plugins/libstrongswan-openssl.so': '',
        '/usr/lib/ipsec/plugins/libstrongswan-vici.so': '',
        '/etc/strongswan.conf': STRONGSWAN_CONF,
        '/etc/strongswan.d/charon/kernel-libipsec.conf': 'kernel-libipsec {\n    load = yes\n}\n',
        '/etc/swanctl/swanctl.conf': ('mode', SWANCTL_CONF, 0o640),
        '/etc/swanctl/private/a.key': ('mode', CANARY_KEY, 0o644),
        '/etc/swanctl/x509ca/ca.pem': ('mode', '-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n',
                                       0o644),
        '/var/log/charon.log': CHARON_LOG,
        '/proc/stat': 'cpu  1 2 3\nbtime 1764780000\n',
        '/proc/sys/kernel/osrelease': '6.1.0-test\n',
        '/proc/4242/stat': '4242 (charon-systemd) S 1 4242 4242 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 17 0 500 0 0\n',
        '/proc/4242/comm': 'charon-systemd\n',
        '/proc/4242/cmdline': b'/usr/sbin/charon-systemd\0',
        '/proc/4242/maps': '7f00-7f10 r-xp 0 08:01 1 /usr/lib/ipsec/plugins/libstrongswan-kernel-libipsec.so\n',
        '/proc/4242/fd/7': ('link', 'socket:[31337]'),
        '/proc/4242/fd/8': ('link', 'socket:[31338]'),
        '/proc/net/udp': (
            '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n'
            '   1: 00000000:01F4 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 31337 2 0 0\n'
            '   2: 00000000:1194 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 31338 2 0 0\n'
            '   3: 00000000:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 999 2 0 0\n'),
    }
