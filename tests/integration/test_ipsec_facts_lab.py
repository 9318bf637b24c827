# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""ipsec_facts against real daemons: the lab's swanctl hosts, over SSH through Ansible.

Run as root from the repository: ``python -m pytest tests/integration/test_ipsec_facts_lab.py``;
the lab and the collection path come from tests/integration/conftest.py. Skips where the lab cannot run.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os
import subprocess
import sys


def gather(lab, ansible_bin, tmp_path, host, collections, args='psk_digest_key=lab-run-key'):
    """Run ipsec.doctor.ipsec_facts on one lab host over SSH; return ansible_facts.ipsec."""
    config = tmp_path / 'ansible.cfg'
    config.write_text('[defaults]\n', encoding='utf-8')
    env = dict(os.environ, ANSIBLE_HOST_KEY_CHECKING='False', ANSIBLE_LOCAL_TEMP=str(tmp_path / 'tmp'),
               ANSIBLE_CONFIG=str(config), ANSIBLE_COLLECTIONS_PATH=collections, ANSIBLE_STDOUT_CALLBACK='minimal')
    proc = subprocess.run([ansible_bin, '-i', lab.inventory_path, host, '-m', 'ipsec.doctor.ipsec_facts', '-a', args],
                          cwd=str(tmp_path), env=env, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    result = json.loads(proc.stdout.split(' => ', 1)[1])
    return result['ansible_facts']['ipsec']


def test_swanctl_host_with_an_established_psk_tunnel(lab, ansible_bin, psk_tunnel, tmp_path, collections_dir):
    facts = gather(lab, ansible_bin, tmp_path, 'sw1', collections_dir)
    assert facts['gathered'] == ['service', 'config', 'secrets', 'certs', 'keys', 'ports', 'firewall', 'kernel',
                                 'sysctl', 'routes', 'sas', 'logs']
    assert facts['errors'] == []

    charon = [daemon for daemon in facts['service']['daemons'] if daemon['name'] == 'charon-systemd'][0]
    assert (charon['running'], charon['version'], charon['systemd']) == (True, '5.9.8', None)
    assert facts['service']['primary'] == 'strongswan'
    assert facts['service']['sockets']['vici'] == '/run/charon.vici'
    loaded = facts['service']['config_loaded']
    assert (loaded['checked'], loaded['missing_from_daemon'], loaded['extra_in_daemon']) == (True, [], [])
    assert 'sw1-sw2' in loaded['loaded_connections']

    conn = [conn for conn in facts['config']['connections'] if conn['name'] == 'sw1-sw2'][0]
    assert (conn['local_auth'][0]['auth'], conn['local_auth'][0]['id']) == ('psk', 'sw1.lab')
    assert conn['remote_auth'][0]['id'] == 'sw2.lab'
    assert conn['children'][0]['local_ts'] == ['198.51.100.128/28']
    assert conn['children'][0]['remote_ts'] == ['198.51.100.144/28']
    # The lab writes proposals = aes256-sha256-ecp256 and esp_proposals = aes256-sha256.
    assert conn['ike_proposals']['written'] == 'aes256-sha256-ecp256'
    assert conn['ike_proposals']['effective'][0]['encr'] == ['AES_CBC_256']
    assert conn['ike_proposals']['effective'][0]['integ'] == ['HMAC_SHA2_256_128']
    assert conn['ike_proposals']['effective'][0]['prf'] == ['PRF_HMAC_SHA2_256']
    assert conn['ike_proposals']['effective'][0]['ke'] == ['ECP_256']
    esp = conn['children'][0]['esp_proposals']
    assert esp['written'] == 'aes256-sha256'
    assert (esp['effective'][0]['encr'], esp['effective'][0]['integ']) == (['AES_CBC_256'], ['HMAC_SHA2_256_128'])

    psk = [entry for entry in facts['secrets']['entries'] if entry['type'] == 'PSK'][0]
    assert sorted(psk['ids']) == ['sw1.lab', 'sw2.lab'] and len(psk['digest']) == 64

    owners = sorted((entry['port'], entry['family'], entry['process']) for entry in facts['ports'])
    assert owners == [(500, 4, 'charon-systemd'), (500, 6, 'charon-systemd'), (4500, 4, 'charon-systemd'),
                      (4500, 6, 'charon-systemd')]

    kernel = facts['kernel']
    assert (kernel['xfrm'], kernel['esp'], kernel['userspace_esp']) == (True, False, True)

    assert facts['sas']['source'] == 'vici'
    ike = [sa for sa in facts['sas']['ike_sas'] if sa['connection'] == 'sw1-sw2'][0]
    assert (ike['state'], ike['version'], ike['local_id'], ike['remote_id']) == ('ESTABLISHED', 2, 'sw1.lab',
                                                                                 'sw2.lab')
    child = ike['child_sas'][0]
    assert (child['state'], child['mode'], child['encap']) == ('INSTALLED', 'TUNNEL', True)
    assert child['local_ts'] == ['198.51.100.128/28'] and child['remote_ts'] == ['198.51.100.144/28']

    kinds = [event['kind'] for event in facts['logs']['events']]
    assert 'ike_established' in kinds and 'child_established' in kinds


def test_both_ends_digest_the_same_psk_equally(lab, ansible_bin, psk_tunnel, tmp_path, collections_dir):
    digests = []
    for host in ('sw1', 'sw2'):
        facts = gather(lab, ansible_bin, tmp_path, host, collections_dir)
        digests.append([entry['digest'] for entry in facts['secrets']['entries'] if entry['type'] == 'PSK'][0])
    assert digests[0] == digests[1] and digests[0] is not None


def test_certificate_host_keys_and_certs(lab, ansible_bin, cert_tunnel, tmp_path, collections_dir):
    facts = gather(lab, ansible_bin, tmp_path, 'sw1', collections_dir, args='gather_subset=certs,keys,sas')
    assert facts['gathered'] == ['certs', 'keys', 'sas']
    key = facts['keys'][0]
    assert key['path'].startswith('/etc/swanctl/private/')
    assert (key['owner'], key['mode'], key['dir_mode'], key['readable']) == ('root', '0600', '0700', True)
    assert (key['key_type'], key['key_bits']) == ('ECDSA', 256)
    assert len(key['pubkey_sha256']) == 64
    roles = sorted(set((cert['source'], cert['role']) for cert in facts['certs']))
    assert ('swanctl-x509', 'end') in roles and ('swanctl-x509ca', 'ca') in roles
    assert all(cert['pem'].startswith('-----BEGIN CERTIFICATE-----') for cert in facts['certs'])
    assert 'PRIVATE KEY' not in json.dumps(facts)


def test_libreswan_host_with_an_ike_sa(lab, ansible_bin, scenario, tmp_path, collections_dir):
    # The lab kernel has no ESP and Libreswan no userspace ESP: only the IKE SA comes up.
    scenario('ls1', 'ls2').up(child=False)
    facts = gather(lab, ansible_bin, tmp_path, 'ls1', collections_dir)
    assert facts['errors'] == []
    pluto = [daemon for daemon in facts['service']['daemons'] if daemon['name'] == 'pluto'][0]
    assert (pluto['running'], pluto['version'], pluto['binary']) == (True, '4.10', '/usr/libexec/ipsec/pluto')
    assert facts['service']['primary'] == 'libreswan'
    assert facts['service']['sockets']['pluto_ctl'] == '/run/pluto/pluto.ctl'
    loaded = facts['service']['config_loaded']
    assert (loaded['checked'], loaded['loaded_connections'], loaded['missing_from_daemon']) == \
        (True, ['ls1-ls2'], [])
    # ipsec.conf is Libreswan's here, although strongSwan's starter is installed too.
    assert [(conn['name'], conn['daemon']) for conn in facts['config']['connections']] == [('ls1-ls2', 'libreswan')]
    psk = facts['secrets']['entries'][0]
    assert (psk['type'], psk['ids'], psk['file'], psk['file_mode']) == \
        ('PSK', ['ls1.lab', 'ls2.lab'], '/etc/ipsec.secrets', '0600')
    assert set(entry['process'] for entry in facts['ports']) == {'pluto'}
    assert facts['sas']['source'] == 'whack'
    assert [(sa['connection'], sa['state'], sa['pluto_state']) for sa in facts['sas']['ike_sas']] == [
        ('ls1-ls2', 'ESTABLISHED', 'STATE_V2_ESTABLISHED_IKE_SA')]
    events = [(event['kind'], event['code']) for event in facts['logs']['events']]
    assert ('ike_established', None) in events and ('notify_received', 'TS_UNACCEPTABLE') in events


def test_legacy_strongswan_host(lab, ansible_bin, scenario, tmp_path, collections_dir):
    scenario('lg1', 'sw1').up()
    facts = gather(lab, ansible_bin, tmp_path, 'lg1', collections_dir, args='gather_subset=service,config,secrets,sas psk_digest_key=k')
    assert facts['errors'] == []
    running = sorted(daemon['name'] for daemon in facts['service']['daemons'] if daemon['running'])
    assert running == ['charon', 'starter']
    assert facts['service']['config_loaded']['loaded_connections'] == ['lg1-sw1']
    assert [(conn['name'], conn['daemon'], conn['format']) for conn in facts['config']['connections']] == [
        ('lg1-sw1', 'strongswan', 'strongswan-ipsec.conf')]
    psk = facts['secrets']['entries'][0]
    assert (psk['ids'], psk['file'], psk['file_mode']) == (['lg1.lab', 'sw1.lab'], '/etc/ipsec.secrets', '0600')
    ike = facts['sas']['ike_sas'][0]
    assert (facts['sas']['source'], ike['connection'], ike['state'], ike['child_sas'][0]['state']) == \
        ('vici', 'lg1-sw1', 'ESTABLISHED', 'INSTALLED')


def test_the_engine_finds_a_healthy_tunnel_in_both_ends_facts(lab, ansible_bin, psk_tunnel, tmp_path, collections_dir):
    """The facts of both ends are what the diagnose engine expects: a healthy tunnel has no finding above info."""
    if collections_dir not in sys.path:
        sys.path.insert(0, collections_dir)
    # pylint: disable-next=import-outside-toplevel
    from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine.engine import analyze
    facts = dict((host, gather(lab, ansible_bin, tmp_path, host, collections_dir)) for host in ('sw1', 'sw2'))
    report = analyze(facts)
    assert [(tunnel['id'], tunnel['state']) for tunnel in report['tunnels']] == [
        ('sw1:sw1-sw2 <-> sw2:sw1-sw2', 'established')]
    assert [finding['code'] for finding in report['findings'] if finding['severity'] != 'info'] == []


def test_log_events_after_a_wrong_psk(lab, ansible_bin, scenario, tmp_path, collections_dir):
    """One failed attempt with a wrong PSK: both ends' facts carry the failure as events."""
    tunnel = scenario('sw1', 'sw2', auth='psk')
    tunnel.inject('wrong_psk')
    assert tunnel.check().ok
    initiator = gather(lab, ansible_bin, tmp_path, 'sw1', collections_dir, args='gather_subset=logs')
    responder = gather(lab, ansible_bin, tmp_path, 'sw2', collections_dir, args='gather_subset=logs')
    sent = [(event['kind'], event['code'], event['connection']) for event in initiator['logs']['events']]
    seen = [(event['kind'], event['connection']) for event in responder['logs']['events']]
    assert ('notify_received', 'AUTHENTICATION_FAILED', 'sw1-sw2') in sent
    assert ('psk_mac_mismatch', 'sw1-sw2') in seen
    assert all(event['src'].startswith('/var/log/charon.log:') for event in responder['logs']['events'])
