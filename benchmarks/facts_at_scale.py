# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Time of one ipsec_facts collection run on a large synthetic host, and on ten times that host.

    PYTHONPATH=<folder holding ansible_collections> python benchmarks/facts_at_scale.py [--connections 1000]

The base host is a strongSwan gateway (swanctl, charon-systemd running, kernel-libipsec) with
1,000 connections in 100 conf.d files, 1,000 PSK secrets and 500 certificates, a 20,000-line
charon log and a firewall ruleset; the 10x host has 10,000 connections, 10,000 PSKs and
5,000 certificates. Everything is gathered (all subsets) from a fake root; host tools answer
with canned output, so the figures are the collectors' and parsers' own cost. Targets: base
run < 1 s; the 10x run costs at most 12x the base run. The best of three runs is reported. A
last line times the same run on this machine's real root for comparison.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import argparse
import json
import shutil
import tempfile
import time

from collection_import import add_collection_root, cannot_import


def _import_collection():
    add_collection_root()
    try:
        from ansible_collections.ipsec.doctor.plugins.module_utils._collect import runner
        from ansible_collections.ipsec.doctor.tests.unit.plugins.module_utils._collect import fake_host
    except ImportError as exc:
        cannot_import(exc)
    return runner, fake_host


CERT_PEM = ('-----BEGIN CERTIFICATE-----\n' + '\n'.join(['MIIBdzCCAR2gAwIBAgIUQk' + 'A' * 42] * 8)
            + '\n-----END CERTIFICATE-----\n')
NFT_RULES = {'nftables': [
    {'table': {'family': 'inet', 'name': 'filter'}},
    {'chain': {'family': 'inet', 'table': 'filter', 'name': 'input', 'type': 'filter', 'hook': 'input',
               'policy': 'drop'}},
    {'rule': {'family': 'inet', 'table': 'filter', 'chain': 'input', 'expr': [
        {'match': {'op': '==', 'left': {'payload': {'protocol': 'udp', 'field': 'dport'}},
                   'right': {'set': [500, 4500]}}}, {'accept': None}]}},
]}


def connection(index):
    return '''    conn%d {
        version = 2
        local_addrs = 198.51.100.10
        remote_addrs = 203.0.113.%d
        proposals = aes256-sha256-modp2048
        local {
            auth = psk
            id = gw-a-%d.lab
        }
        remote {
            auth = psk
            id = gw-b-%d.lab
        }
        children {
            net%d {
                local_ts = 10.%d.%d.0/24
                remote_ts = 10.%d.%d.128/25
                esp_proposals = aes128gcm16
                start_action = trap
            }
        }
    }
''' % (index, index % 250 + 1, index, index, index, index // 250 % 250, index % 250, 100 + index // 250 % 100,
       index % 250)


def build_host(root, connections, fake_host):
    files = fake_host.strongswan_host_files()
    per_file = 10
    for start in range(0, connections, per_file):
        body = ''.join(connection(i) for i in range(start, min(start + per_file, connections)))
        secrets = ''.join('    ike-%d {\n        id-a = gw-a-%d.lab\n        id-b = gw-b-%d.lab\n'
                          '        secret = "psk-%d-benchmark"\n    }\n' % (i, i, i, i)
                          for i in range(start, min(start + per_file, connections)))
        files['/etc/swanctl/conf.d/c%05d.conf' % start] = 'connections {\n%s}\nsecrets {\n%s}\n' % (body, secrets)
    files['/etc/swanctl/swanctl.conf'] = 'include conf.d/*.conf\n'
    for index in range(connections // 2):
        files['/etc/swanctl/x509/cert%05d.pem' % index] = CERT_PEM
    files['/var/log/charon.log'] = ''.join(
        'Dec  3 17:%02d:%02d 10[IKE] <conn%d|%d> received AUTHENTICATION_FAILED notify error\n'
        % (i // 60 % 60, i % 60, i % connections, i) for i in range(20000))
    fake_host.write_tree(root, files)


def answers():
    return {
        ('ip', '-j', 'addr'): (0, '[]'), ('ip', '-j', '-d', 'link'): (0, '[]'),
        ('ip', '-4', '-j', 'route'): (0, '[]'), ('ip', '-6', '-j', 'route'): (0, '[]'),
        ('ip', '-4', '-j', 'rule'): (0, '[]'), ('ip', '-6', '-j', 'rule'): (0, '[]'),
        ('ip', 'xfrm'): (0, ''), ('swanctl', '--version'): (0, 'strongSwan 5.9.8 swanctl\n'),
        ('swanctl', '--list-sas'): (0, ''), ('nft',): (0, json.dumps(NFT_RULES)),
    }


def best_of(runner, fake_host, root, repeat=3):
    best = None
    facts = None
    for _index in range(repeat):
        start = time.perf_counter()
        facts = runner.gather({'gather_subset': ['all'], 'psk_digest_key': 'benchmark', 'log_lines': 2000},
                              root=root, runner=fake_host.FakeRunner(answers()))
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return best, facts


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', maxsplit=1)[0])
    parser.add_argument('--connections', type=int, default=1000)
    args = parser.parse_args()
    runner, fake_host = _import_collection()
    figures = []
    for factor in (1, 10):
        root = tempfile.mkdtemp(prefix='ipsec-facts-bench-')
        try:
            build_host(root, args.connections * factor, fake_host)
            seconds, facts = best_of(runner, fake_host, root)
        finally:
            shutil.rmtree(root)
        figures.append(seconds)
        print('%6d connections, %6d PSKs, %5d certificates: %.3f s (%d connections, %d secrets, %d certs, '
              '%d log events gathered; %d errors)'
              % (args.connections * factor, args.connections * factor, args.connections * factor // 2, seconds,
                 len(facts['config']['connections']), len(facts['secrets']['entries']), len(facts['certs']),
                 len(facts['logs']['events']), len(facts['errors'])))
    print('10x costs %.1fx the base run (target <= 12x); base run %s 1 s'
          % (figures[1] / figures[0], '<' if figures[0] < 1 else '>='))
    start = time.perf_counter()
    real = runner.gather({'gather_subset': ['all']})
    print('this machine, real root (real tools): %.3f s, %d subsets, %d gaps'
          % (time.perf_counter() - start, len(real['gathered']), len(real['errors'])))


if __name__ == '__main__':
    main()
