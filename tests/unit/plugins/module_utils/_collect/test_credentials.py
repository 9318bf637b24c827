# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import base64
import hashlib
import json
import os

import pytest

from ansible_collections.ipsec.doctor.plugins.module_utils._collect import certs, der, keys, secrets
from ansible_collections.ipsec.doctor.tests.unit.plugins.module_utils._collect.fake_host import (
    CANARY_KEY_BODY,
    CANARY_PSK,
    P256_SPKI,
    make_host,
    strongswan_host_files,
)

FIXTURES = os.path.join(os.path.dirname(__file__), 'fixtures')
RSA_1024_SPKI = bytes.fromhex(
    '30819f300d06092a864886f70d010101050003818d0030818902818100c4997688538c4dfc9ce8b4c5bf46d6f15748f4376154a0e0'
    '81583c6ff0b1a75bee48fa4cde80106260c537b5204461eea59e83d7c96e073d91b39d349356a8207b6d2e85a18b058441c45820d3'
    'c3b63809467abb6d7d8156bd63638486096d158937bb2e10980012faff3edf9edc1d89fedcfc63ac635dd1a8d120c88b16b1750203'
    '010001')
# Shaped like a SEC1 private key (SEQUENCE { INTEGER 1, OCTET STRING ... }); stands for a DER key file.
DER_KEY_LIKE = b'\x30\x0c\x02\x01\x01\x04\x07' + b'canary!'


def cert_der():
    with open(os.path.join(FIXTURES, 'a-lab-cert.der'), 'rb') as handle:
        return handle.read()


@pytest.mark.parametrize('spki, expected', [(P256_SPKI, ('ECDSA', 256)), (RSA_1024_SPKI, ('RSA', 1024))])
def test_describe_public_key(spki, expected):
    assert der.describe_public_key(spki) == expected


def test_certificate_and_key_shapes():
    assert der.looks_like_certificate(cert_der()) is True
    assert der.looks_like_certificate(DER_KEY_LIKE) is False
    assert der.looks_like_certificate(b'\x30\x82\xff') is False
    with pytest.raises(der.DerError):
        der.describe_public_key(DER_KEY_LIKE)


def test_certs_from_directories_der_pem_bundles_and_nss(tmp_path):
    pem = der.der_to_pem(cert_der())
    private_block = '-----BEGIN PRIVATE KEY-----\n%s\n-----END PRIVATE KEY-----\n' % CANARY_KEY_BODY
    files = strongswan_host_files()
    files.update({
        '/etc/swanctl/x509/a.der': cert_der(),
        '/etc/swanctl/x509/bundle.pem': pem + pem,
        '/etc/swanctl/x509/oops.der': DER_KEY_LIKE,
        '/etc/swanctl/x509/mixed.pem': pem + private_block,
        '/var/lib/ipsec/nss/cert9.db': '',
    })
    listing = ('\nCertificate Nickname                                         Trust Attributes\n'
               '                                                             SSL,S/MIME,JAR/XPI\n\n'
               'west                                                         u,u,u\n'
               'Lab CA                                                       CT,, \n')
    answers = {('certutil', '-L', '-d'): (0, listing)}
    host = make_host(tmp_path, files, answers)
    for nickname in ('west', 'Lab CA'):
        host.runner.answers[('certutil', '-L', '-d', 'sql:%s/var/lib/ipsec/nss' % tmp_path, '-n', nickname,
                             '-a')] = (0, pem)
    result = certs.collect(host)
    summary = [(c['path'], c['source'], c['role'], c.get('nickname')) for c in result]
    assert summary == [
        ('/etc/swanctl/x509/a.der', 'swanctl-x509', 'end', None),
        ('/etc/swanctl/x509/bundle.pem', 'swanctl-x509', 'end', None),
        ('/etc/swanctl/x509/bundle.pem', 'swanctl-x509', 'intermediate-or-ca', None),
        ('/etc/swanctl/x509/mixed.pem', 'swanctl-x509', 'end', None),
        ('/etc/swanctl/x509ca/ca.pem', 'swanctl-x509ca', 'ca', None),
        ('nss:/var/lib/ipsec/nss', 'nss', 'end', 'west'),
        ('nss:/var/lib/ipsec/nss', 'nss', 'ca', 'Lab CA'),
    ]
    assert result[0]['pem'] == pem
    assert CANARY_KEY_BODY not in json.dumps(result)
    assert base64.b64encode(b'canary!').decode() not in json.dumps(result)
    assert {'subset': 'certs', 'path': '/etc/swanctl/x509/oops.der', 'message': 'no certificate found in file'} \
        in host.errors


def test_keys_metadata_and_public_key_digest(tmp_path):
    files = strongswan_host_files()
    files['/etc/ipsec.d/private/old.pem'] = ('mode', 'x', 0o600)
    host = make_host(tmp_path, files, {('openssl', 'pkey'): (0, P256_SPKI)})
    result = keys.collect(host)
    assert [(k['path'], k['mode'], k['dir'], k['readable'], k['referenced'], k['key_type'], k['key_bits'])
            for k in result] == [
        ('/etc/swanctl/private/a.key', '0644', '/etc/swanctl/private', True, True, 'ECDSA', 256),
        ('/etc/ipsec.d/private/old.pem', '0600', '/etc/ipsec.d/private', True, False, 'ECDSA', 256)]
    assert result[0]['pubkey_sha256'] == hashlib.sha256(P256_SPKI).hexdigest()
    assert result[0]['error'] is None
    # openssl reads the file itself: the key is never on its command line or stdin.
    call = host.runner.calls[0]
    assert call[:3] == ['openssl', 'pkey', '-in'] and call[3].endswith('/etc/swanctl/private/a.key')


def test_missing_referenced_key_and_unreadable_openssl(tmp_path):
    files = strongswan_host_files()
    del files['/etc/swanctl/private/a.key']
    files['/etc/swanctl/ecdsa/enc.pem'] = 'encrypted'
    host = make_host(tmp_path, files, {('openssl', 'pkey'): (1, '', 'Could not read key from enc.pem')})
    result = keys.collect(host)
    assert [(k['path'], k['exists'], k['error']) for k in result] == [
        ('/etc/swanctl/ecdsa/enc.pem', True,
         'openssl could not read the key (encrypted or not a private key): Could not read key from enc.pem'),
        ('/etc/swanctl/private/a.key', False, 'No such file or directory')]


def test_secrets_from_swanctl_and_ipsec_secrets_with_modes(tmp_path):
    files = strongswan_host_files()
    files['/usr/lib/ipsec/starter'] = ''
    files['/etc/ipsec.secrets'] = ('mode', ': PSK "%s"\n198.51.100.10 198.51.100.40 : PSK 0sc2VjcmV0\n' % CANARY_PSK,
                                   0o600)
    result = secrets.collect(make_host(tmp_path, files, options={'psk_digest_key': 'k'}))
    assert [(e['type'], e['ids'], e['file'], e['file_mode']) for e in result['entries']] == [
        ('PSK', ['a.lab', 'b.lab'], '/etc/swanctl/swanctl.conf', '0640'),
        ('PSK', [], '/etc/ipsec.secrets', '0600'),
        ('PSK', ['198.51.100.10', '198.51.100.40'], '/etc/ipsec.secrets', '0600')]
    # The same PSK in two files digests the same under one run key.
    assert result['entries'][0]['digest'] == result['entries'][1]['digest']
    assert [f['path'] for f in result['files']] == ['/etc/swanctl/swanctl.conf', '/etc/ipsec.secrets']
    assert CANARY_PSK not in json.dumps(result)


def test_unreadable_files_are_gaps_not_failures(tmp_path, monkeypatch):
    from ansible_collections.ipsec.doctor.plugins.module_utils._collect.files import HostFiles

    files = strongswan_host_files()
    files['/usr/lib/ipsec/starter'] = ''
    files['/etc/ipsec.secrets'] = ': PSK "x"\n'
    host = make_host(tmp_path, files, {('openssl', 'pkey'): (0, P256_SPKI)})
    real_listdir = HostFiles.listdir

    def listdir(self, path):
        if path == '/etc/swanctl/private':
            raise OSError(13, 'Permission denied', path)
        return real_listdir(self, path)
    monkeypatch.setattr(HostFiles, 'access', lambda self, path, mode=4: path != '/etc/ipsec.secrets')
    monkeypatch.setattr(HostFiles, 'listdir', listdir)
    secrets_result = secrets.collect(host)
    keys_result = keys.collect(host)
    assert [e['file'] for e in secrets_result['entries']] == ['/etc/swanctl/swanctl.conf']
    assert {'subset': 'secrets', 'path': '/etc/ipsec.secrets', 'message': 'Permission denied'} in host.errors
    assert {'subset': 'keys', 'path': '/etc/swanctl/private', 'message': 'Permission denied'} in host.errors
    # The key swanctl.conf names is still described from its metadata.
    assert [(k['path'], k['referenced']) for k in keys_result] == [('/etc/swanctl/private/a.key', True)]
