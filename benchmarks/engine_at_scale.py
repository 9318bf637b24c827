# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Time and peak memory of the diagnose engine on synthetic fleets: full, 1/2 and 1/4 of the size.

    PYTHONPATH=<folder holding ansible_collections> python benchmarks/engine_at_scale.py [--hosts 10000]

The full fleet is 10,000 hosts in 5,000 strongSwan tunnels (pairs of gateways with PSKs, LAN
selectors, SAs and a few log events). One tunnel in 50 has a PSK mismatch and one in 100 has
mismatching traffic selectors, so checks, log correlation and ranking all do real work. The
figures show linear growth: time and memory per host stay flat. Targets at full size: < 10 s,
< 1 GiB. Wall time depends on what else the machine runs, so CPU time (process_time) is
printed too and used for the per-host figure. Time is measured without tracemalloc; peak memory is a second run under tracemalloc
(Python allocations of the analysis only, the input facts excluded). A small warm-up run
comes first so that first-use imports do not count.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import argparse
import gc
import resource
import time
import tracemalloc

from collection_import import add_collection_root, cannot_import


def _import_engine():
    add_collection_root()
    try:
        from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine.engine import analyze
    except ImportError as exc:
        cannot_import(exc)
    return analyze


IKE = [{'encr': ['AES_CBC_256'], 'integ': ['HMAC_SHA2_256_128'], 'prf': ['PRF_HMAC_SHA2_256'], 'ke': ['MODP_2048']}]
ESP = [{'encr': ['AES_GCM_16_128'], 'integ': [], 'ke': [], 'esn': ['NO_EXT_SEQ']}]


def _address(index):
    # 10.0.0.0/8 holds 16M addresses: host i gets 10.<i//65536>.<i//256 % 256>.<i % 256 + ...>
    number = 0x0A000000 + 4 * index + 1
    return '%d.%d.%d.%d' % (number >> 24, (number >> 16) & 255, (number >> 8) & 255, number & 255)


def _lan(index):
    # each host protects its own /24 in 100.64.0.0/10 (enough for 16k hosts)
    number = 0x64400000 + 256 * index
    return '%d.%d.%d.0/24' % (number >> 24, (number >> 16) & 255, (number >> 8) & 255)


def host_facts(index, peer, tunnel):
    """Facts of one gateway of a pair."""
    me, other = _address(index), _address(peer)
    digest = ('%064x' % tunnel) if not (tunnel % 50 == 0 and index > peer) else 'f' * 64
    remote_lan = _lan(peer) if tunnel % 100 != 1 or index < peer else '192.168.0.0/24'
    conn = {
        'name': 'tun%d' % tunnel, 'daemon': 'strongswan', 'format': 'swanctl',
        'file': '/etc/swanctl/conf.d/tun.conf', 'line': 1, 'ike_version': 2,
        'local_addrs': [me], 'remote_addrs': [other], 'local_port': 500, 'remote_port': 500,
        'local_auth': [{'auth': 'psk', 'id': 'gw%d.example' % index, 'id_type': 'fqdn', 'certs': [], 'cacerts': [],
                        'round': 1}],
        'remote_auth': [{'auth': 'psk', 'id': 'gw%d.example' % peer, 'id_type': 'fqdn', 'certs': [], 'cacerts': [],
                         'round': 1}],
        'ike_proposals': {'written': 'aes256-sha256-modp2048', 'strict': True, 'effective': IKE},
        'rekey_time': 14400, 'dpd_delay': 30, 'encap': False, 'mobike': True, 'pools': [], 'vips': [],
        'children': [{'name': 'net', 'mode': 'tunnel',
                      'esp_proposals': {'written': 'aes128gcm16', 'strict': True, 'effective': ESP},
                      'pfs_groups': [], 'pfs': None, 'local_ts': [_lan(index)], 'remote_ts': [remote_lan],
                      'rekey_time': 3600, 'src': {'local_ts': '/etc/swanctl/conf.d/tun.conf:14'}}],
        'src': {'remote_addrs': '/etc/swanctl/conf.d/tun.conf:3'},
    }
    events = []
    if tunnel % 50 == 0:
        events.append({'connection': conn['name'], 'kind': 'notify_received', 'code': 'AUTHENTICATION_FAILED',
                       'message_id': 1, 'line': 'received AUTHENTICATION_FAILED notify error',
                       'src': '/var/log/charon.log:10'})
    return {
        'schema': 'ipsec.doctor/facts/v1', 'errors': [],
        'service': {'daemons': [{'name': 'charon-systemd', 'family': 'strongswan', 'installed': True,
                                 'version': '5.9.8', 'running': True}], 'primary': 'strongswan',
                    'config_loaded': {'checked': True, 'missing_from_daemon': []}},
        'config': {'errors': [], 'connections': [conn]},
        'secrets': {'entries': [{'type': 'PSK', 'ids': ['gw%d.example' % index, 'gw%d.example' % peer],
                                 'digest': digest, 'src': '/etc/swanctl/swanctl.conf:30',
                                 'file': '/etc/swanctl/swanctl.conf', 'file_mode': '0600', 'file_owner': 'root'}],
                    'files': []},
        'certs': [], 'keys': [],
        'ports': [{'proto': 'udp', 'port': 500, 'process': 'charon-systemd'},
                  {'proto': 'udp', 'port': 4500, 'process': 'charon-systemd'}],
        'firewall': {'backend': 'nftables', 'available': True, 'blocking_rules': [], 'default_drop_chains': []},
        'kernel': {'xfrm': True, 'esp': True},
        'sysctl': {'runtime': {'net.ipv4.ip_forward': '1', 'net.ipv4.conf.all.rp_filter': '0'}},
        'routes': {'addresses': [{'ifname': 'eth0', 'address': me, 'prefixlen': 30, 'family': 4, 'scope': 'global'}]},
        'sas': {'source': 'vici', 'ike_sas': [{'connection': conn['name'], 'state': 'ESTABLISHED',
                                               'local_host': me, 'remote_host': other, 'dh_group': 'MODP_2048',
                                               'child_sas': [{'name': 'net', 'state': 'INSTALLED'}]}]},
        'logs': {'events': events},
    }


def fleet(hosts):
    """Synthetic facts of hosts gateways (paired 2i <-> 2i+1)."""
    facts = {}
    for tunnel in range(hosts // 2):
        first, second = 2 * tunnel, 2 * tunnel + 1
        facts['gw%05d' % first] = host_facts(first, second, tunnel)
        facts['gw%05d' % second] = host_facts(second, first, tunnel)
    return facts


def measure(analyze, hosts):
    """Return (seconds, peak bytes, tunnels, findings) of one analysis of a fleet of hosts."""
    facts = fleet(hosts)
    gc.collect()
    start, cpu_start = time.perf_counter(), time.process_time()
    report = analyze(facts)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    del report
    gc.collect()
    tracemalloc.start()
    report = analyze(facts)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return seconds, cpu, peak, len(report['tunnels']), len(report['findings'])


def main():
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument('--hosts', type=int, default=10000, help='hosts of the full fleet (default 10000)')
    args = parser.parse_args()
    analyze = _import_engine()
    analyze(fleet(100))   # warm up: first-use imports and caches are not part of the figures
    header = ('hosts', 'tunnels', 'findings', 'time s', 'cpu s', 'peak MiB', 'us per host', 'KiB per host')
    print('%8s %8s %9s %8s %8s %10s %12s %13s' % header)
    for divisor in (4, 2, 1):
        hosts = args.hosts // divisor
        seconds, cpu, peak, tunnels, findings = measure(analyze, hosts)
        row = (hosts, tunnels, findings, seconds, cpu, peak / 2.0 ** 20, cpu * 1e6 / hosts, peak / 1024.0 / hosts)
        print('%8d %8d %9d %8.2f %8.2f %10.1f %12.1f %13.1f' % row)
    # ru_maxrss is in KiB on Linux: the whole process, input facts of the largest fleet included.
    print('process peak RSS: %.1f MiB' % (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0))


if __name__ == '__main__':
    main()
