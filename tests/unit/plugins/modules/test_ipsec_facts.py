# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import functools
import json

import pytest

from ansible.module_utils.testing import patch_module_args

from ansible_collections.ipsec.doctor.plugins.module_utils._collect import runner
from ansible_collections.ipsec.doctor.plugins.modules import ipsec_facts
from ansible_collections.ipsec.doctor.tests.unit.plugins.module_utils._collect.fake_host import (
    CANARY_KEY_BODY,
    CANARY_PSK,
    P256_SPKI,
    FakeRunner,
    strongswan_host_files,
    write_tree,
)

IP_ADDR = json.dumps([{'ifname': 'eth0', 'mtu': 1500, 'operstate': 'UP', 'addr_info': [
    {'family': 'inet', 'local': '198.51.100.10', 'prefixlen': 26, 'scope': 'global'}]}])
XFRM_STATE = ('src 198.51.100.10 dst 198.51.100.20\n\tproto esp spi 0xc1234567 reqid 1 mode tunnel\n'
              '\taead rfc4106(gcm(aes)) 0xdeadbeefcafebabe0123456789abcdef01234567 128\n')


def _answers():
    return {
        ('ip', '-j', 'addr'): (0, IP_ADDR),
        ('ip', '-j', '-d', 'link'): (0, '[]'),
        ('ip', '-4', '-j', 'route'): (0, '[]'),
        ('ip', '-6', '-j', 'route'): (0, '[]'),
        ('ip', '-4', '-j', 'rule'): (0, '[]'),
        ('ip', '-6', '-j', 'rule'): (0, '[]'),
        ('ip', 'xfrm', 'state'): (0, XFRM_STATE),
        ('ip', 'xfrm', 'policy'): (0, ''),
        ('swanctl', '--version'): (0, 'strongSwan 5.9.8 swanctl\n'),
        ('swanctl', '--list-sas'): (1, '', 'connecting failed'),
        ('nft',): (0, '{"nftables": []}'),
        ('openssl', 'pkey'): (0, P256_SPKI),
    }


@pytest.fixture
def module_result(monkeypatch, tmp_path, capsys):
    def run(args, answers=None):
        write_tree(tmp_path, strongswan_host_files())
        monkeypatch.setattr(ipsec_facts, 'gather',
                            functools.partial(runner.gather, root=str(tmp_path),
                                              runner=FakeRunner(_answers() if answers is None else answers)))
        with patch_module_args(args):
            with pytest.raises(SystemExit):
                ipsec_facts.main()
        return json.loads(capsys.readouterr().out)
    return run


def test_all_subsets_are_gathered_from_the_fake_host(module_result):
    result = module_result({'psk_digest_key': 'run-key'})
    facts = result['ansible_facts']['ipsec']
    assert result['changed'] is False
    assert facts['schema'] == 'ipsec.doctor/facts/v1'
    assert facts['gathered'] == list(runner.SUBSETS)
    daemon = facts['service']['daemons'][0]
    assert (daemon['name'], daemon['running'], daemon['pids'], daemon['version']) == \
        ('charon-systemd', True, [4242], '5.9.8')
    assert [conn['name'] for conn in facts['config']['connections']] == ['gw-gw']
    psk = [entry for entry in facts['secrets']['entries'] if entry['type'] == 'PSK'][0]
    assert psk['ids'] == ['a.lab', 'b.lab'] and len(psk['digest']) == 64
    assert psk['file_mode'] == '0640'
    ports = sorted((entry['port'], entry['process']) for entry in facts['ports'])
    assert ports == [(500, 'charon-systemd'), (4500, 'charon-systemd')]
    assert facts['kernel']['userspace_esp'] is True
    key = facts['keys'][0]
    assert (key['path'], key['mode'], key['key_type'], key['key_bits']) == \
        ('/etc/swanctl/private/a.key', '0644', 'ECDSA', 256)
    assert facts['routes']['xfrm_states'][0]['algorithms']['aead'] == {'alg': 'rfc4106(gcm(aes))', 'key_bits': 160}
    events = facts['logs']['events']
    assert [(event['kind'], event['code'], event['src']) for event in events] == [
        ('psk_mac_mismatch', None, '/var/log/charon.log:2'),
        ('notify_sent', 'AUTHENTICATION_FAILED', '/var/log/charon.log:3')]


def test_no_secret_leaves_the_host(module_result):
    result = module_result({'psk_digest_key': 'run-key'})
    text = json.dumps(result)
    assert CANARY_PSK not in text
    assert CANARY_KEY_BODY not in text
    assert 'deadbeefcafebabe' not in text


def test_without_digest_key_psks_are_not_compared(module_result):
    facts = module_result({})['ansible_facts']['ipsec']
    psk = [entry for entry in facts['secrets']['entries'] if entry['type'] == 'PSK'][0]
    assert psk['digest'] is None
    assert any(error['subset'] == 'secrets' and 'PSKs cannot be compared' in error['message']
               for error in facts['errors'])


def test_gather_subset_exclusion(module_result):
    facts = module_result({'gather_subset': ['!logs', '!firewall']})['ansible_facts']['ipsec']
    assert 'logs' not in facts and 'firewall' not in facts
    assert 'service' in facts['gathered'] and 'logs' not in facts['gathered']


def test_unknown_subset_fails_with_the_valid_names(module_result):
    result = module_result({'gather_subset': ['service', 'bogus']})
    assert result['failed'] is True
    assert 'bogus' in result['msg'] and 'service' in result['msg']


def test_a_failing_subset_is_an_error_entry_and_the_rest_is_returned(module_result, monkeypatch):
    from ansible_collections.ipsec.doctor.plugins.module_utils._collect import kernel

    def broken(host):
        raise RuntimeError('simulated failure')
    monkeypatch.setattr(kernel, 'collect', broken)
    facts = module_result({'gather_subset': ['kernel', 'sysctl']})['ansible_facts']['ipsec']
    assert facts['gathered'] == ['sysctl']
    assert 'kernel' not in facts
    assert facts['errors'][0]['subset'] == 'kernel'
    assert 'RuntimeError: simulated failure' in facts['errors'][0]['message']


def test_missing_tools_are_gaps_not_failures(module_result):
    facts = module_result({'gather_subset': ['routes', 'firewall', 'keys']}, answers={})['ansible_facts']['ipsec']
    assert facts['gathered'] == ['keys', 'firewall', 'routes']
    assert facts['firewall']['backend'] == 'none'
    messages = [error['message'] for error in facts['errors']]
    assert 'ip not found' in messages
    assert any(message.startswith('openssl not found') for message in messages)
