# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Secrets never leave a host: canary PSKs and a canary private key are absent from everything a run emits.

The lab hosts get PSK tunnels whose secrets are unique canaries (swanctl secrets, the legacy
ipsec.secrets, Libreswan's ipsec.secrets) and a certificate tunnel whose private key file is the
canary key. One failed attempt puts the PSK failure into the logs. Then the diagnose playbook runs at
-vvvv with ANSIBLE_LOG_PATH set; neither its stdout and stderr, nor the log file, nor any report file,
nor Ansible's local temporary folder holds a canary or the per-run PSK digest key that the role
generated (read back by a test callback).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import base64
import binascii
import hashlib
import hmac
import os
import re
import secrets

import pytest

pytestmark = pytest.mark.lab

# A callback that writes the generated digest key where the test finds it, outside everything checked.
KEY_SPY = '''
from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'key_spy'
    CALLBACK_NEEDS_ENABLED = True

    def v2_playbook_on_play_start(self, play):
        self.manager = play.get_variable_manager()

    def v2_playbook_on_stats(self, stats):
        keys = set()
        for facts in self.manager._nonpersistent_fact_cache.values():
            if facts.get('diagnose_psk_digest_key'):
                keys.add(str(facts['diagnose_psk_digest_key']))
        with open(__import__('os').environ['KEY_SPY_FILE'], 'w') as handle:
            handle.write('\\n'.join(sorted(keys)))
'''
SECRETS_FILE = {'strongswan': '/etc/swanctl/swanctl.conf', 'legacy': '/etc/ipsec.secrets',
                'libreswan': '/etc/ipsec.secrets'}
# The pre-shared key the fault wrong_psk gives side b (tests/lab/ipsec_lab/faults.py).
WRONG_PSK = 'idl-wrong-psk'
PEM_BODY = re.compile(r'-----BEGIN [A-Z ]*PRIVATE KEY-----(.*?)-----END [A-Z ]*PRIVATE KEY-----', re.S)


def key_canaries(pem):
    """Strings that only the private key gives away: its base64 body, each body line, its DER as hex."""
    body = PEM_BODY.search(pem).group(1)
    lines = [line.strip() for line in body.splitlines() if line.strip() and ':' not in line]
    joined = ''.join(lines)
    der = base64.b64decode(joined)
    # The first body line holds the private scalar of an EC or PKCS#8 key; a run of 40 characters is unique.
    return [joined] + [line[:40] for line in lines if len(line) >= 40] + [binascii.hexlify(der).decode('ascii')[:80]]


def written_files(folder):
    """Every file below folder with its text (undecodable bytes replaced)."""
    found = {}
    for root, _dirs, names in os.walk(folder):
        for name in names:
            path = os.path.join(root, name)
            with open(path, 'rb') as handle:
                found[path] = handle.read().decode('utf-8', 'replace')
    return found


def test_no_secret_in_any_output(lab, scenario, diagnose_playbook, tmp_path):
    """PSKs, the private key and the generated digest key appear in no output of a -vvvv diagnose run."""
    canaries = {}
    psk_pairs = [pair for pair in (('sw1', 'sw2'), ('lg1', 'lg2'), ('ls1', 'ls2')) if set(pair) <= set(lab.hosts)]
    for a, b in psk_pairs:
        psk = 'idl-canary-psk-%s' % secrets.token_hex(12)
        canaries['PSK of %s-%s' % (a, b)] = psk
        tunnel = scenario(a, b, auth='psk', psk=psk)
        if (a, b) == ('sw1', 'sw2'):
            tunnel.up()
        else:
            # b gets the catalogue's wrong PSK: a failure in the logs, and one more secret to look for.
            tunnel.inject('wrong_psk')
            result = tunnel.check()
            assert result.ok, result.report()
    for a, b in psk_pairs:
        where = SECRETS_FILE[lab.host(a).flavour]
        assert canaries['PSK of %s-%s' % (a, b)] in lab.host(a).read(where), 'canary not in %s of %s' % (where, a)
    if ('lg1', 'lg2') in psk_pairs:
        assert WRONG_PSK in lab.host('lg2').read('/etc/ipsec.secrets')
        canaries['the wrong PSK of wrong_psk'] = WRONG_PSK
    cert_tunnel = scenario('sw3', 'sw4', auth='cert')
    cert_tunnel.inject('private_key_world_readable')
    cert_tunnel.initiate()
    assert cert_tunnel.wait_established(), cert_tunnel.describe()
    pem = lab.host('sw3').read('/etc/swanctl/private/sw3.pem')
    assert pem and 'PRIVATE KEY' in pem
    for index, text in enumerate(key_canaries(pem)):
        canaries['private key of sw3 (%d)' % index] = text

    callbacks = tmp_path / 'callbacks'
    callbacks.mkdir()
    (callbacks / 'key_spy.py').write_text(KEY_SPY, encoding='utf-8')
    spy_file = tmp_path / 'spy' / 'key'
    spy_file.parent.mkdir()
    outputs = tmp_path / 'outputs'
    outputs.mkdir()
    log_path = outputs / 'ansible.log'
    hosts = sorted(set(name for pair in psk_pairs for name in pair) | {'sw3', 'sw4'})
    run = diagnose_playbook.run(hosts, verbosity=4, report_dir=str(outputs / 'report'), env={
        'ANSIBLE_LOG_PATH': str(log_path), 'ANSIBLE_CALLBACK_PLUGINS': str(callbacks),
        'ANSIBLE_CALLBACKS_ENABLED': 'key_spy', 'KEY_SPY_FILE': str(spy_file)})
    assert run.report is not None, run.output()[-5000:]
    codes = [item['code'] for item in run.report['findings']]
    assert 'PSK_MISMATCH' in codes and 'KEY_PERMISSIONS' in codes, codes

    digest_keys = spy_file.read_text(encoding='utf-8').split()
    assert len(digest_keys) == 1 and len(digest_keys[0]) == 48, digest_keys
    canaries['the per-run PSK digest key'] = digest_keys[0]
    # The spy read the key the hosts used, and the output holds the facts: the digest of a canary PSK is there.
    digest = hmac.new(digest_keys[0].encode('ascii'), canaries['PSK of %s-%s' % psk_pairs[0]].encode('ascii'),
                      hashlib.sha256).hexdigest()
    assert digest in run.stdout

    texts = {'stdout': run.stdout, 'stderr': run.stderr}
    texts.update(written_files(str(outputs)))
    # Whatever Ansible left in its local temporary folder counts too.
    texts.update(written_files(diagnose_playbook.env()['ANSIBLE_LOCAL_TEMP']))
    assert str(log_path) in texts and os.path.join(str(outputs), 'report', 'report.json') in texts, sorted(texts)
    assert len(run.stdout) > 100000, 'a -vvvv run prints the module results (%d characters)' % len(run.stdout)
    leaks = ['%s in %s' % (name, where) for name, canary in sorted(canaries.items())
             for where, text in sorted(texts.items()) if canary in text]
    assert not leaks, leaks
