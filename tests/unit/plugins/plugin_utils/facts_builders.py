# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Synthetic ``ansible_facts.ipsec`` (docs/facts.md) for engine tests: healthy pairs, then one fault at a time.

The lab layout of tests/lab: gateways 198.51.100.10 (gw-a) and .20 (gw-b) on 198.51.100.0/26,
protected LANs 198.51.100.64/26 behind gw-a and 198.51.100.128/26 behind gw-b.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import copy
import datetime
import hashlib

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

NOW = datetime.datetime(2026, 12, 3, 17, 0, 0, tzinfo=datetime.timezone.utc)

IKE_AES_SHA256_MODP2048 = [{'encr': ['AES_CBC_256'], 'integ': ['HMAC_SHA2_256_128'], 'prf': ['PRF_HMAC_SHA2_256'],
                            'ke': ['MODP_2048']}]
ESP_GCM_NO_KE = [{'encr': ['AES_GCM_16_128'], 'integ': [], 'ke': [], 'esn': ['NO_EXT_SEQ']}]
ESP_GCM_MODP2048 = [{'encr': ['AES_GCM_16_128'], 'integ': [], 'ke': ['MODP_2048'], 'esn': ['NO_EXT_SEQ']}]

SIDES = {
    'gw-a': {'address': '198.51.100.10', 'lan': '198.51.100.64/26', 'lan_ip': '198.51.100.65', 'id': 'a.lab'},
    'gw-b': {'address': '198.51.100.20', 'lan': '198.51.100.128/26', 'lan_ip': '198.51.100.129', 'id': 'b.lab'},
}


def _other(name):
    return 'gw-b' if name == 'gw-a' else 'gw-a'


def strongswan_connection(name, auth='psk'):
    """A swanctl connection gw-gw of host name toward the other gateway."""
    me, peer = SIDES[name], SIDES[_other(name)]
    conf = '/etc/swanctl/conf.d/gw.conf'
    return {
        'name': 'gw-gw', 'daemon': 'strongswan', 'format': 'swanctl', 'file': conf, 'line': 1,
        'ike_version': 2,
        'local_addrs': [me['address']], 'remote_addrs': [peer['address']],
        'local_port': 500, 'remote_port': 500,
        'local_auth': [{'auth': auth, 'id': me['id'], 'id_type': 'fqdn',
                        'certs': ['%s.pem' % me['id'][0]] if auth == 'pubkey' else [], 'cacerts': [], 'round': 1}],
        'remote_auth': [{'auth': auth, 'id': peer['id'], 'id_type': 'fqdn', 'certs': [], 'cacerts': [],
                         'round': 1}],
        'ike_proposals': {'written': 'aes256-sha256-modp2048', 'strict': True,
                          'effective': copy.deepcopy(IKE_AES_SHA256_MODP2048)},
        'rekey_time': 14400, 'reauth_time': 0, 'over_time': None, 'dpd_delay': 30, 'dpd_timeout': None,
        'encap': False, 'fragmentation': 'yes', 'mobike': True, 'pools': [], 'vips': [], 'auto': 'start',
        'unique': 'no',
        'children': [{
            'name': 'net', 'mode': 'tunnel',
            'esp_proposals': {'written': 'aes128gcm16', 'strict': True, 'effective': copy.deepcopy(ESP_GCM_NO_KE)},
            'pfs_groups': [], 'pfs': None,
            'local_ts': [me['lan']], 'remote_ts': [peer['lan']],
            'rekey_time': 3600, 'life_time': 3960, 'start_action': 'start', 'dpd_action': 'clear',
            'close_action': 'none',
            'src': {'local_ts': '%s:14' % conf, 'remote_ts': '%s:15' % conf, 'esp_proposals': '%s:16' % conf},
        }],
        'src': {'remote_addrs': '%s:3' % conf, 'local_auth.0.id': '%s:6' % conf, 'remote_auth.0.id': '%s:10' % conf,
                'ike_proposals': '%s:4' % conf},
    }


def libreswan_connection(name):
    """A Libreswan ipsec.conf connection gw-gw with the same crypto, pfs=yes (its default)."""
    conn = strongswan_connection(name)
    conf = '/etc/ipsec.d/gw.conf'
    conn.update({'daemon': 'libreswan', 'format': 'libreswan-ipsec.conf', 'file': conf, 'mobike': False,
                 'fragmentation': 'yes', 'rekey_time': 28800})
    conn['ike_proposals'] = {'written': 'aes256-sha2_256;modp2048', 'strict': True,
                             'effective': copy.deepcopy(IKE_AES_SHA256_MODP2048)}
    child = conn['children'][0]
    child.update({'esp_proposals': {'written': 'aes_gcm128', 'strict': True,
                                    'effective': copy.deepcopy(ESP_GCM_NO_KE)},
                  'pfs': True, 'rekey_time': 28800, 'life_time': 28800})
    child['src'] = {'local_ts': '%s:8' % conf, 'remote_ts': '%s:9' % conf, 'esp_proposals': '%s:11' % conf}
    conn['src'] = {'remote_addrs': '%s:4' % conf, 'local_auth.0.id': '%s:5' % conf,
                   'remote_auth.0.id': '%s:6' % conf, 'ike_proposals': '%s:10' % conf}
    return conn


def host_facts(name, family='strongswan', conn=None, psk_digest='0' * 64):
    """Complete, healthy facts of gateway name running family with conn (built when None)."""
    me = SIDES[name]
    if conn is None:
        conn = strongswan_connection(name) if family == 'strongswan' else libreswan_connection(name)
    daemon = 'charon-systemd' if family == 'strongswan' else 'pluto'
    secrets_file = '/etc/swanctl/swanctl.conf' if family == 'strongswan' else '/etc/ipsec.secrets'
    peer = SIDES[_other(name)]
    return {
        'schema': 'ipsec.doctor/facts/v1',
        'gathered': ['service', 'config', 'secrets', 'certs', 'keys', 'ports', 'firewall', 'kernel', 'sysctl',
                     'routes', 'sas', 'logs'],
        'is_root': True,
        'errors': [],
        'service': {
            'daemons': [{'name': daemon, 'family': family, 'installed': True, 'binary': '/usr/sbin/%s' % daemon,
                         'version': '5.9.8' if family == 'strongswan' else '4.10', 'running': True, 'pids': [1234],
                         'systemd': None}],
            'sockets': {'vici': '/run/charon.vici', 'pluto_ctl': None},
            'primary': family,
            'config_loaded': {'checked': True, 'loaded_connections': ['gw-gw'], 'missing_from_daemon': [],
                              'extra_in_daemon': [], 'config_mtime': 1.0, 'daemon_start_time': 2.0},
        },
        'config': {'files': [{'path': conn['file'], 'format': conn['format'], 'mode': '0640', 'owner': 'root',
                              'group': 'root'}],
                   'errors': [], 'connections': [conn]},
        'secrets': {
            'entries': [{'type': 'PSK', 'ids': [me['id'], peer['id']], 'digest': psk_digest,
                         'src': '%s:30' % secrets_file, 'file': secrets_file, 'file_mode': '0600',
                         'file_owner': 'root'}],
            'files': [{'path': secrets_file, 'mode': '0600', 'owner': 'root', 'group': 'root'}],
            'errors': [],
        },
        'certs': [],
        'keys': [],
        'ports': [{'proto': 'udp', 'port': port, 'address': '0.0.0.0', 'family': 4, 'process': daemon, 'pid': 1234}
                  for port in (500, 4500)],
        'firewall': {'backend': 'nftables', 'available': True, 'blocking_rules': [], 'default_drop_chains': [],
                     'masquerade_without_ipsec_exemption': []},
        'kernel': {'release': '6.1.0-18-amd64', 'config_source': '/boot/config-6.1.0-18-amd64',
                   'config': {'CONFIG_XFRM': 'y', 'CONFIG_XFRM_USER': 'y', 'CONFIG_INET_ESP': 'm'},
                   'modules_supported': True, 'modules_loaded': ['esp4', 'xfrm_user'],
                   'modules_available': ['esp4', 'esp6', 'xfrm_user'], 'xfrm': True, 'esp': True, 'ah': True,
                   'ipcomp': True, 'crypto': {'gcm(aes)': True}, 'userspace_esp': False,
                   'userspace_esp_source': None},
        'sysctl': {'runtime': {'net.ipv4.ip_forward': '1', 'net.ipv4.conf.all.rp_filter': '0',
                               'net.ipv4.conf.eth0.rp_filter': '2', 'net.ipv6.conf.all.forwarding': '0'},
                   'boot': {}},
        'routes': {
            'addresses': [{'ifname': 'eth0', 'address': me['address'], 'prefixlen': 26, 'family': 4,
                           'scope': 'global'},
                          {'ifname': 'eth1', 'address': me['lan_ip'], 'prefixlen': 26, 'family': 4,
                           'scope': 'global'},
                          {'ifname': 'lo', 'address': '127.0.0.1', 'prefixlen': 8, 'family': 4, 'scope': 'host'}],
            'interfaces': [{'ifname': 'eth0', 'mtu': 1500, 'state': 'UP', 'kind': 'veth'}],
            'routes': [], 'rules': [], 'xfrm_policies': [], 'xfrm_states': [],
        },
        'sas': {'source': 'vici' if family == 'strongswan' else 'whack', 'ike_sas': [{
            'connection': 'gw-gw', 'uniqueid': '1', 'version': 2, 'state': 'ESTABLISHED',
            'local_host': me['address'], 'local_port': 500, 'local_id': me['id'], 'remote_host': peer['address'],
            'remote_port': 500, 'remote_id': peer['id'], 'initiator': name == 'gw-a', 'dh_group': 'MODP_2048',
            'nat_local': False, 'nat_remote': False, 'nat_fake': False, 'nat_any': False,
            'child_sas': [{'name': 'net', 'state': 'INSTALLED', 'mode': 'TUNNEL', 'protocol': 'ESP',
                           'local_ts': [me['lan']], 'remote_ts': [peer['lan']]}],
        }]},
        'logs': {'sources': [], 'events': []},
    }


def strongswan_pair():
    """Healthy strongSwan <-> strongSwan (PSK)."""
    return {'gw-a': host_facts('gw-a'), 'gw-b': host_facts('gw-b')}


def mixed_pair():
    """Healthy strongSwan (gw-a) <-> Libreswan (gw-b): strongSwan proposes the IKE group for PFS."""
    facts = {'gw-a': host_facts('gw-a'), 'gw-b': host_facts('gw-b', family='libreswan')}
    child = facts['gw-a']['config']['connections'][0]['children'][0]
    child['esp_proposals'] = {'written': 'aes128gcm16-modp2048', 'strict': True,
                              'effective': copy.deepcopy(ESP_GCM_MODP2048)}
    child['pfs_groups'] = ['MODP_2048']
    return facts


def event(kind, line, connection='gw-gw', code=None, message_id=None, src='/var/log/charon.log:100'):
    """One log event as the logs subset reports it."""
    return {'time': 'Dec  3 17:00:01', 'daemon': 'strongswan', 'connection': connection, 'kind': kind,
            'code': code, 'message_id': message_id, 'line': line, 'src': src}


def conn_of(facts, host):
    """The first connection of host in facts (for mutation)."""
    return facts[host]['config']['connections'][0]


# --- certificates ----------------------------------------------------------------------------------------------

def _name(common_name):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _pubkey_sha256(key):
    der = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(der).hexdigest()


def make_ca(common_name='Lab CA', not_before=None, not_after=None):
    """Return (key, certificate) of a self-signed CA."""
    key = ec.generate_private_key(ec.SECP256R1())
    start = not_before or NOW - datetime.timedelta(days=30)
    end = not_after or NOW + datetime.timedelta(days=3650)
    cert = (x509.CertificateBuilder().subject_name(_name(common_name)).issuer_name(_name(common_name))
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(start).not_valid_after(end)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    return key, cert


def make_end_cert(ca_key, ca_cert, identity, not_before=None, not_after=None, key=None):
    """Return (key, certificate) of an end entity with identity as CN and DNS subjectAltName."""
    key = key or ec.generate_private_key(ec.SECP256R1())
    start = not_before or NOW - datetime.timedelta(days=1)
    end = not_after or NOW + datetime.timedelta(days=365)
    cert = (x509.CertificateBuilder().subject_name(_name(identity)).issuer_name(ca_cert.subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(start).not_valid_after(end)
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(identity)]), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .sign(ca_key, hashes.SHA256()))
    return key, cert


def pem(cert):
    """PEM text of a certificate."""
    return cert.public_bytes(serialization.Encoding.PEM).decode('ascii')


def install_certs(facts, host, end_key, end_cert, ca_certs):
    """Switch host to certificate auth with end_cert, its key metadata and the CA certificates it trusts."""
    me = SIDES[host]
    facts[host]['certs'] = [{'path': '/etc/swanctl/x509/%s.pem' % me['id'][0], 'source': 'swanctl-x509',
                             'role': 'end', 'mode': '0644', 'owner': 'root', 'pem': pem(end_cert)}]
    for index, ca_cert in enumerate(ca_certs):
        facts[host]['certs'].append({'path': '/etc/swanctl/x509ca/ca%d.pem' % index, 'source': 'swanctl-x509ca',
                                     'role': 'ca', 'mode': '0644', 'owner': 'root', 'pem': pem(ca_cert)})
    facts[host]['keys'] = [{'path': '/etc/swanctl/private/%s.pem' % me['id'][0], 'owner': 'root', 'group': 'root',
                            'mode': '0600', 'dir': '/etc/swanctl/private', 'dir_mode': '0750',
                            'key_type': 'ECDSA', 'key_bits': 256, 'pubkey_sha256': _pubkey_sha256(end_key),
                            'readable': True, 'error': None}]
    for side in ('local_auth', 'remote_auth'):
        for item in conn_of(facts, host)[side]:
            item['auth'] = 'pubkey'
    conn_of(facts, host)['local_auth'][0]['certs'] = ['%s.pem' % me['id'][0]]
    facts[host]['secrets']['entries'] = []


def cert_pair():
    """Healthy strongSwan pair authenticating with certificates of one CA."""
    facts = strongswan_pair()
    ca_key, ca_cert = make_ca()
    for host in ('gw-a', 'gw-b'):
        key, cert = make_end_cert(ca_key, ca_cert, SIDES[host]['id'])
        install_certs(facts, host, key, cert, [ca_cert])
    return facts
