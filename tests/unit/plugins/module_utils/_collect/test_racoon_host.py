# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

from ansible_collections.ipsec.doctor.plugins.module_utils._collect import runner
from ansible_collections.ipsec.doctor.tests.unit.plugins.module_utils._collect.fake_host import FakeRunner, write_tree

RACOON_CONF = '''path pre_shared_key "/etc/racoon/psk.txt";

remote 198.51.100.60 {
    exchange_mode main;
    my_identifier fqdn "r1.lab";
    peers_identifier fqdn "r2.lab";
    proposal {
        encryption_algorithm aes 128;
        hash_algorithm sha1;
        authentication_method pre_shared_key;
        dh_group 2;
    }
}

sainfo anonymous {
    encryption_algorithm aes 128;
    authentication_algorithm hmac_sha1;
    compression_algorithm deflate;
}
'''
PSK = 'racoon-canary-secret-77'


def test_racoon_host_config_secrets_and_version(tmp_path):
    write_tree(tmp_path, {
        '/usr/sbin/racoon': '',
        '/etc/racoon/racoon.conf': RACOON_CONF,
        '/etc/racoon/psk.txt': ('mode', 'r2.lab %s\n198.51.100.60 0x0123456789\n' % PSK, 0o644),
    })
    facts = runner.gather({'gather_subset': ['service', 'config', 'secrets'], 'psk_digest_key': 'k'},
                          root=str(tmp_path), runner=FakeRunner({('racoon', '-V'): (0, '@(#)ipsec-tools 0.8.2\n')}))
    assert facts['errors'] == []
    assert [(d['name'], d['family'], d['version'], d['running']) for d in facts['service']['daemons']] == [
        ('racoon', 'racoon', '0.8.2', False)]
    assert facts['service']['primary'] == 'racoon'
    conn = facts['config']['connections'][0]
    assert (conn['daemon'], conn['format'], conn['ike_version']) == ('racoon', 'racoon', 1)
    entries = facts['secrets']['entries']
    assert [(e['ids'], e['file'], e['file_mode']) for e in entries] == [
        (['r2.lab'], '/etc/racoon/psk.txt', '0644'), (['198.51.100.60'], '/etc/racoon/psk.txt', '0644')]
    assert all(len(e['digest']) == 64 for e in entries)
    assert PSK not in json.dumps(facts)
