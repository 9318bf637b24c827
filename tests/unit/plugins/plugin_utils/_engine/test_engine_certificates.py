# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Certificate checks: validity, trust through the peer's CAs, identities and private keys."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import datetime

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine.certificates import Certificate, build_chain
from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine.engine import analyze
from ansible_collections.ipsec.doctor.tests.unit.plugins.plugin_utils import facts_builders as fb


def run(facts):
    return analyze(facts, {'now': fb.NOW})


def codes(report):
    return [item['code'] for item in report['findings'] if item['severity'] != 'info']


def _with_cert(host, **kwargs):
    facts = fb.cert_pair()
    ca_key, ca_cert = fb.make_ca()
    for name in ('gw-a', 'gw-b'):
        options = kwargs if name == host else {}
        key, cert = fb.make_end_cert(ca_key, ca_cert, options.pop('identity', fb.SIDES[name]['id']), **options)
        fb.install_certs(facts, name, key, cert, [ca_cert])
    return facts


def _intermediate(root_key, root_cert):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, 'Lab Intermediate')])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(root_cert.subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(fb.NOW - datetime.timedelta(days=10))
            .not_valid_after(fb.NOW + datetime.timedelta(days=1000))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .sign(root_key, hashes.SHA256()))
    return key, cert


def test_expired_certificate():
    facts = _with_cert('gw-a', not_before=fb.NOW - datetime.timedelta(days=400),
                       not_after=fb.NOW - datetime.timedelta(days=2))
    report = run(facts)
    finding = report['findings'][0]
    assert finding['code'] == 'CERT_EXPIRED'
    assert finding['hosts'] == ['gw-a']
    assert '/etc/swanctl/x509/a.pem' in finding['summary']


def test_not_yet_valid_certificate():
    facts = _with_cert('gw-b', not_before=fb.NOW + datetime.timedelta(days=2))
    assert codes(run(facts)) == ['CERT_NOT_YET_VALID']


def test_certificate_expiring_soon_is_a_warning():
    facts = _with_cert('gw-b', not_after=fb.NOW + datetime.timedelta(days=5))
    report = run(facts)
    assert codes(report) == ['CERT_EXPIRES_SOON']
    assert report['findings'][0]['severity'] == 'warning'


def test_peer_trusting_another_ca_does_not_trust_the_certificate():
    facts = fb.cert_pair()
    _other_key, other_ca = fb.make_ca('Other CA')
    facts['gw-b']['certs'] = [item for item in facts['gw-b']['certs'] if item['role'] == 'end']
    facts['gw-b']['certs'].append({'path': '/etc/swanctl/x509ca/other.pem', 'role': 'ca', 'pem': fb.pem(other_ca)})
    report = run(facts)
    finding = report['findings'][0]
    assert finding['code'] == 'CERT_UNTRUSTED'
    assert finding['hosts'] == ['gw-a', 'gw-b']
    assert any('CN=Other CA' in line for line in finding['evidence'])


def test_chain_through_an_intermediate_of_the_sender():
    facts = fb.strongswan_pair()
    root_key, root_cert = fb.make_ca('Lab Root')
    inter_key, inter_cert = _intermediate(root_key, root_cert)
    for name in ('gw-a', 'gw-b'):
        key, cert = fb.make_end_cert(inter_key, inter_cert, fb.SIDES[name]['id'])
        fb.install_certs(facts, name, key, cert, [root_cert])
        facts[name]['certs'].append({'path': '/etc/swanctl/x509ca/inter.pem', 'role': 'intermediate-or-ca',
                                     'pem': fb.pem(inter_cert)})
    assert codes(run(facts)) == []
    # without the intermediate on gw-a, gw-b cannot build the chain to its root
    facts['gw-a']['certs'] = [item for item in facts['gw-a']['certs'] if 'inter' not in item['path']]
    facts['gw-b']['certs'] = [item for item in facts['gw-b']['certs'] if 'inter' not in item['path']]
    report = run(facts)
    assert set(codes(report)) == {'CERT_UNTRUSTED'}


def test_certificate_without_the_identity():
    facts = _with_cert('gw-a', identity='x.lab')
    report = run(facts)
    finding = report['findings'][0]
    assert finding['code'] == 'CERT_ID_MISMATCH'
    assert finding['summary'].endswith('does not contain the identity a.lab')


def test_private_key_missing():
    facts = fb.cert_pair()
    facts['gw-b']['keys'] = []
    report = run(facts)
    assert codes(report) == ['PRIVATE_KEY_MISSING']


def test_referenced_private_key_file_deleted():
    facts = fb.cert_pair()
    facts['gw-b']['keys'][0].update({'exists': False, 'pubkey_sha256': None, 'mode': None, 'owner': None,
                                     'error': 'No such file or directory', 'readable': False})
    report = run(facts)
    assert codes(report) == ['PRIVATE_KEY_MISSING']
    assert 'gw-b: key /etc/swanctl/private/b.pem is referenced but does not exist' in report['findings'][0]['evidence']


def test_unreadable_key_may_be_the_right_one():
    facts = fb.cert_pair()
    facts['gw-b']['keys'][0].update({'pubkey_sha256': None, 'readable': False, 'error': 'Permission denied'})
    assert codes(run(facts)) == []


def test_private_key_of_another_certificate():
    facts = fb.cert_pair()
    facts['gw-b']['keys'][0]['pubkey_sha256'] = 'ab' * 32
    assert codes(run(facts)) == ['CERT_KEY_MISMATCH']


def test_certificate_named_by_the_connection_is_missing():
    facts = fb.cert_pair()
    fb.conn_of(facts, 'gw-a')['local_auth'][0]['certs'] = ['gone.pem']
    report = run(facts)
    assert report['findings'][0]['code'] == 'CERT_MISSING'


def test_nss_certificate_with_user_trust_has_its_key():
    facts = fb.cert_pair()
    end = facts['gw-b']['certs'][0]
    end.update({'path': 'nss:/var/lib/ipsec/nss', 'nickname': 'b', 'trust': 'u,u,u'})
    fb.conn_of(facts, 'gw-b')['local_auth'][0]['certs'] = ['b']
    facts['gw-b']['keys'] = []
    assert codes(run(facts)) == []


def test_unparsable_pem_is_not_a_crash():
    facts = fb.cert_pair()
    facts['gw-a']['certs'][0]['pem'] = '-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n'
    report = run(facts)
    assert report['findings'][0]['code'] == 'CERT_MISSING'


def test_build_chain_stops_at_a_self_signed_stranger():
    ca_key, ca_cert = fb.make_ca('A')
    _key, other = fb.make_ca('B')
    _end_key, end = fb.make_end_cert(ca_key, ca_cert, 'a.lab')
    trusted, chain, missing = build_chain(Certificate('x', end), [Certificate('y', ca_cert)],
                                          [Certificate('z', other)])
    assert trusted is False
    assert [item.subject for item in chain] == ['CN=a.lab', 'CN=A']
    assert missing == 'CN=A'


def test_certificate_identities():
    ca_key, ca_cert = fb.make_ca()
    _key, end = fb.make_end_cert(ca_key, ca_cert, 'gw.example.org')
    parsed = Certificate('x', end)
    assert parsed.covers('gw.example.org')
    assert parsed.covers('@gw.example.org')
    assert parsed.covers('fqdn:GW.example.org')
    assert parsed.covers('CN=gw.example.org')
    assert not parsed.covers('other.example.org')
    assert not parsed.covers('198.51.100.10')
