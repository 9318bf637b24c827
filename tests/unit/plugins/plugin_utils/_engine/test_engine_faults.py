# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The engine on healthy pairs, then one fault at a time: the expected code comes first."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import copy
import datetime
import json

import pytest

from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine.catalog import CATALOG, SEVERITIES
from ansible_collections.ipsec.doctor.plugins.plugin_utils._engine.engine import analyze
from ansible_collections.ipsec.doctor.tests.unit.plugins.plugin_utils import facts_builders as fb


def run(facts, **options):
    options.setdefault('now', fb.NOW)
    return analyze(facts, options)


def codes(report, min_severity='warning'):
    floor = SEVERITIES.index(min_severity)
    return [item['code'] for item in report['findings'] if SEVERITIES.index(item['severity']) >= floor]


def first(report):
    return report['findings'][0]


@pytest.mark.parametrize('builder', [fb.strongswan_pair, fb.mixed_pair, fb.cert_pair])
def test_healthy_pairs_have_nothing_above_info(builder):
    report = run(builder())
    assert codes(report) == []
    assert report['schema'] == 'ipsec.doctor/report/v1'
    assert [tunnel['state'] for tunnel in report['tunnels']] == ['established']
    assert report['tunnels'][0]['id'] == 'gw-a:gw-gw <-> gw-b:gw-gw'
    assert report['hosts']['gw-a'] == {'daemon': 'strongswan', 'version': '5.9.8', 'facts_ok': True, 'errors': []}


def test_every_finding_has_the_contract_keys_and_catalog_values():
    facts = fb.strongswan_pair()
    facts['gw-b']['secrets']['entries'][0]['digest'] = '1' * 64
    fb.conn_of(facts, 'gw-b')['ike_proposals']['effective'][0]['ke'] = ['ECP_384']
    report = run(facts)
    assert report['findings']
    for finding in report['findings']:
        assert set(finding) == {'code', 'category', 'severity', 'hosts', 'tunnel', 'summary', 'evidence',
                                'remediation', 'fix'}
        entry = CATALOG[finding['code']]
        assert finding['category'] == entry.category
        assert finding['severity'] == entry.severity
        assert finding['fix'] is None or finding['fix'] in entry.fixes
        assert '{' not in finding['summary'] and '{' not in finding['remediation']
    json.dumps(report)


def test_psk_mismatch_is_proven_without_showing_the_digest():
    facts = fb.strongswan_pair()
    facts['gw-b']['secrets']['entries'][0]['digest'] = 'f' * 64
    facts['gw-a']['logs']['events'] = [fb.event('notify_received', 'received AUTHENTICATION_FAILED notify error',
                                                code='AUTHENTICATION_FAILED', message_id=1)]
    facts['gw-b']['logs']['events'] = [fb.event('psk_mac_mismatch',
                                                "tried 1 shared key for 'b.lab' - 'a.lab', but MAC mismatched",
                                                src='/var/log/charon.log:7')]
    report = run(facts)
    finding = first(report)
    assert finding['code'] == 'PSK_MISMATCH'
    assert finding['hosts'] == ['gw-a', 'gw-b']
    assert finding['tunnel'] == 'gw-a:gw-gw <-> gw-b:gw-gw'
    text = json.dumps(report)
    assert 'f' * 64 not in text and '0' * 64 not in text
    assert any('MAC mismatched' in line for line in finding['evidence'])
    assert any('AUTHENTICATION_FAILED' in line for line in finding['evidence'])
    assert 'LOG_FAILURE_UNEXPLAINED' not in codes(report)


def test_psk_missing():
    facts = fb.strongswan_pair()
    facts['gw-b']['secrets']['entries'][0]['ids'] = ['c.lab']
    report = run(facts)
    assert first(report)['code'] == 'PSK_MISSING'
    assert first(report)['hosts'] == ['gw-b']


def test_psk_without_digest_key_is_not_compared():
    facts = fb.strongswan_pair()
    for host in facts:
        facts[host]['secrets']['entries'][0]['digest'] = None
    assert codes(run(facts)) == []


def test_ike_proposal_mismatch():
    facts = fb.strongswan_pair()
    fb.conn_of(facts, 'gw-b')['ike_proposals'] = {
        'written': 'aes256-sha384-ecp384', 'strict': True,
        'effective': [{'encr': ['AES_CBC_256'], 'integ': ['HMAC_SHA2_384_192'], 'prf': ['PRF_HMAC_SHA2_384'],
                       'ke': ['ECP_384']}]}
    report = run(facts)
    assert first(report)['code'] == 'IKE_PROPOSAL_MISMATCH'
    assert any('aes256-sha384-ecp384' in line and '/etc/swanctl/conf.d/gw.conf:4' in line
               for line in first(report)['evidence'])


def test_esp_proposal_mismatch():
    facts = fb.strongswan_pair()
    fb.conn_of(facts, 'gw-b')['children'][0]['esp_proposals']['effective'] = [
        {'encr': ['AES_CBC_256'], 'integ': ['HMAC_SHA2_256_128'], 'ke': [], 'esn': []}]
    assert codes(run(facts)) == ['ESP_PROPOSAL_MISMATCH']


def test_pfs_rekey_trap_strongswan_defaults_against_libreswan_pfs_yes():
    facts = fb.mixed_pair()
    child = fb.conn_of(facts, 'gw-a')['children'][0]
    child['esp_proposals']['effective'] = copy.deepcopy(fb.ESP_GCM_NO_KE)
    child['pfs_groups'] = []
    report = run(facts)
    finding = first(report)
    assert finding['code'] == 'PFS_MISMATCH'
    assert 'NONE' in finding['summary'] and 'MODP_2048' in finding['summary']
    assert any('first rekey' in line and '3600 s' in line for line in finding['evidence'])
    assert 'ESP_PROPOSAL_MISMATCH' not in codes(report)


def test_libreswan_pfs_no_against_strongswan_without_ke_is_fine():
    facts = fb.mixed_pair()
    child = fb.conn_of(facts, 'gw-a')['children'][0]
    child['esp_proposals']['effective'] = copy.deepcopy(fb.ESP_GCM_NO_KE)
    fb.conn_of(facts, 'gw-b')['children'][0]['pfs'] = False
    assert codes(run(facts)) == []


def test_id_mismatch():
    facts = fb.strongswan_pair()
    fb.conn_of(facts, 'gw-b')['remote_auth'][0]['id'] = 'c.lab'
    report = run(facts)
    assert first(report)['code'] == 'ID_MISMATCH'
    assert first(report)['summary'] == 'gw-a sends identity a.lab but gw-b expects c.lab'


def test_any_remote_id_accepts_every_identity():
    facts = fb.strongswan_pair()
    fb.conn_of(facts, 'gw-b')['remote_auth'][0]['id'] = '%any'
    assert codes(run(facts)) == []


def test_libreswan_at_prefix_matches_plain_fqdn():
    facts = fb.mixed_pair()
    fb.conn_of(facts, 'gw-b')['local_auth'][0]['id'] = '@b.lab'
    fb.conn_of(facts, 'gw-b')['remote_auth'][0]['id'] = '@a.lab'
    assert codes(run(facts)) == []


def test_ike_version_mismatch():
    facts = fb.strongswan_pair()
    fb.conn_of(facts, 'gw-b')['ike_version'] = 1
    assert first(run(facts))['code'] == 'IKE_VERSION_MISMATCH'


def test_auth_method_mismatch():
    facts = fb.strongswan_pair()
    fb.conn_of(facts, 'gw-b')['remote_auth'][0]['auth'] = 'pubkey'
    assert first(run(facts))['code'] == 'AUTH_METHOD_MISMATCH'


def test_traffic_selector_mismatch_both_ways():
    facts = fb.strongswan_pair()
    fb.conn_of(facts, 'gw-b')['children'][0]['remote_ts'] = ['10.9.0.0/24']
    report = run(facts)
    assert first(report)['code'] == 'TS_MISMATCH'
    assert 'gw-a local 198.51.100.64/26 vs gw-b remote 10.9.0.0/24' in first(report)['summary']


def test_traffic_selector_narrowing_is_a_warning():
    facts = fb.strongswan_pair()
    fb.conn_of(facts, 'gw-b')['children'][0]['remote_ts'] = ['198.51.100.64/27']
    assert codes(run(facts)) == ['TS_NARROWED']


def test_dynamic_selectors_resolve_to_the_end_addresses():
    facts = fb.strongswan_pair()
    for host in facts:
        child = fb.conn_of(facts, host)['children'][0]
        child['local_ts'], child['remote_ts'] = ['dynamic'], []
    assert codes(run(facts)) == []


def test_subnet_overlap_with_a_connected_network():
    facts = fb.strongswan_pair()
    fb.conn_of(facts, 'gw-a')['children'][0]['remote_ts'] = ['198.51.100.0/24']
    report = run(facts)
    assert 'SUBNET_OVERLAP' in codes(report)


def test_subnet_overlap_with_the_own_lan_is_one_finding():
    facts = fb.strongswan_pair()
    # gw-b protects 198.51.100.64/25, which covers gw-a's own LAN 198.51.100.64/26
    fb.conn_of(facts, 'gw-b')['children'][0]['local_ts'] = ['198.51.100.64/25']
    fb.conn_of(facts, 'gw-a')['children'][0]['remote_ts'] = ['198.51.100.64/25']
    report = run(facts)
    overlaps = [item for item in report['findings'] if item['code'] == 'SUBNET_OVERLAP']
    assert [item['hosts'] for item in overlaps] == [['gw-a'], ['gw-b']]
    assert overlaps[0]['summary'] == 'gw-a: remote_ts of gw-gw overlaps its own local_ts 198.51.100.64/26'
    assert 'gw-a: overlaps the network 198.51.100.64/26 on eth1' in overlaps[0]['evidence']


def test_virtual_ip_conflict_with_another_host():
    facts = fb.strongswan_pair()
    fb.conn_of(facts, 'gw-a')['vips'] = ['198.51.100.20']
    report = run(facts)
    finding = [item for item in report['findings'] if item['code'] == 'VIRTUAL_IP_CONFLICT'][0]
    assert 'address of gw-b' in finding['summary']


def test_daemon_not_running_ranks_before_its_symptoms():
    facts = fb.strongswan_pair()
    facts['gw-b']['service']['daemons'][0].update({'running': False, 'pids': [], 'systemd': {
        'unit': 'strongswan.service', 'active_state': 'failed', 'sub_state': 'failed', 'result': 'exit-code',
        'n_restarts': 3, 'oom_killed': False}})
    facts['gw-b']['ports'] = []
    facts['gw-b']['sas'] = {'source': 'none', 'ike_sas': []}   # vici refused the connection
    facts['gw-a']['sas']['ike_sas'] = []
    facts['gw-a']['logs']['events'] = [
        fb.event('retransmit', 'retransmit 3 of request with message ID 0', message_id=0),
        fb.event('retransmit_give_up', 'giving up after 3 retransmits', message_id=0),
        fb.event('peer_not_responding', 'peer not responding, trying again (2/0)', message_id=0)]
    report = run(facts)
    finding = first(report)
    assert finding['code'] == 'DAEMON_NOT_RUNNING'
    assert finding['severity'] == 'critical'
    assert any('strongswan.service' in line for line in finding['evidence'])
    assert any('giving up' in line for line in finding['evidence'])
    assert 'PEER_UNREACHABLE' not in codes(report)
    assert 'IKE_PORT_NOT_LISTENING' not in codes(report)
    assert report['tunnels'][0]['state'] == 'down'


def test_firewall_drop_on_500_explains_the_timeouts():
    facts = fb.strongswan_pair()
    facts['gw-b']['firewall']['blocking_rules'] = [{
        'backend': 'nftables', 'table': 'inet filter', 'chain': 'input', 'hook': 'input',
        'rule': 'udp dport 500 drop', 'protocol': 'udp', 'ports': [500], 'action': 'drop', 'direction': 'in'}]
    facts['gw-a']['logs']['events'] = [fb.event('retransmit_give_up', 'giving up after 3 retransmits', message_id=0)]
    report = run(facts)
    finding = first(report)
    assert finding['code'] == 'FIREWALL_BLOCKS_IKE'
    assert finding['hosts'] == ['gw-b']
    assert any('udp dport 500 drop' in line for line in finding['evidence'])
    assert any('giving up' in line for line in finding['evidence'])
    assert 'PEER_UNREACHABLE' not in codes(report)


def test_default_drop_without_ike_accept_blocks_ike():
    facts = fb.strongswan_pair()
    facts['gw-a']['firewall']['default_drop_chains'] = [{
        'backend': 'nftables', 'table': 'inet filter', 'chain': 'input', 'hook': 'input', 'policy': 'drop',
        'allows_ike': False, 'allows_esp': True}]
    assert first(run(facts))['code'] == 'FIREWALL_BLOCKS_IKE'


def test_shadowed_rules_and_partly_open_drop_policies():
    facts = fb.strongswan_pair()
    facts['gw-b']['firewall']['blocking_rules'] = [{
        'backend': 'nftables', 'table': 'inet filter', 'chain': 'input', 'rule': 'udp dport 500 drop',
        'protocol': 'udp', 'ports': [500], 'action': 'drop', 'direction': 'in', 'shadowed': True}]
    assert codes(run(facts)) == []
    facts['gw-b']['firewall']['default_drop_chains'] = [{
        'backend': 'nftables', 'table': 'inet filter', 'chain': 'input', 'hook': 'input', 'policy': 'drop',
        'allows_ike': True, 'allowed_ike_ports': [500], 'allows_esp': True}]
    finding = first(run(facts))
    assert finding['code'] == 'FIREWALL_BLOCKS_IKE'
    assert finding['evidence'] == ['gw-b nftables inet filter input: policy drop and no rule accepting UDP 4500']


def test_esp_blocked_without_encapsulation():
    facts = fb.strongswan_pair()
    facts['gw-a']['firewall']['blocking_rules'] = [{
        'backend': 'iptables', 'table': 'filter', 'chain': 'INPUT', 'rule': '-p esp -j DROP', 'protocol': 'esp',
        'ports': [], 'action': 'drop', 'direction': 'in'}]
    assert codes(run(facts)) == ['FIREWALL_BLOCKS_ESP']


def test_userspace_esp_forces_encapsulation_so_4500_is_nat_t():
    facts = fb.strongswan_pair()
    for host in facts:
        facts[host]['kernel'].update({'esp': False, 'userspace_esp': True,
                                      'userspace_esp_source': '/etc/strongswan.d/charon/kernel-libipsec.conf:2'})
        facts[host]['sas']['ike_sas'] = []
    facts['gw-b']['firewall']['blocking_rules'] = [{
        'backend': 'nftables', 'table': 'inet filter', 'chain': 'input', 'rule': 'udp dport 4500 drop',
        'protocol': 'udp', 'ports': [4500], 'action': 'drop', 'direction': 'in'}]
    report = run(facts)
    assert codes(report) == ['NAT_T_BLOCKED']
    assert any('kernel-libipsec' in line for line in first(report)['evidence'])


def test_nat_t_blocked_when_encapsulation_is_forced():
    facts = fb.strongswan_pair()
    fb.conn_of(facts, 'gw-a')['encap'] = True
    facts['gw-b']['firewall']['blocking_rules'] = [{
        'backend': 'nftables', 'table': 'inet filter', 'chain': 'input', 'rule': 'udp dport 4500 drop',
        'protocol': 'udp', 'ports': [4500], 'action': 'drop', 'direction': 'in'}]
    facts['gw-a']['logs']['events'] = [fb.event('retransmit_give_up', 'giving up after 3 retransmits', message_id=1)]
    report = run(facts)
    assert first(report)['code'] == 'NAT_T_BLOCKED'
    assert first(report)['hosts'][0] == 'gw-b'
    assert 'FIREWALL_BLOCKS_IKE' not in codes(report)


def test_installed_but_unconfigured_daemon_may_be_stopped():
    facts = {'gw-a': fb.host_facts('gw-a')}
    facts['gw-a']['config']['connections'] = []
    facts['gw-a']['service']['daemons'][0].update({'running': False, 'pids': []})
    facts['gw-a']['sas'] = {'source': 'none', 'ike_sas': []}
    facts['gw-a']['ports'] = []
    assert run(facts)['findings'] == []


def test_daemon_answering_sa_queries_runs_even_if_no_process_was_seen():
    facts = fb.strongswan_pair()
    facts['gw-a']['service']['daemons'][0].update({'running': False, 'pids': []})
    assert codes(run(facts)) == []
    facts['gw-a']['sas'] = {'source': 'none', 'ike_sas': []}
    assert codes(run(facts)) == []   # its IKE sockets still name the daemon
    facts['gw-a']['ports'] = []
    assert first(run(facts))['code'] == 'DAEMON_NOT_RUNNING'


def test_ike_port_not_listening():
    facts = fb.strongswan_pair()
    facts['gw-b']['ports'] = [{'proto': 'udp', 'port': 500, 'address': '0.0.0.0', 'family': 4,
                               'process': 'dnsmasq', 'pid': 99}]
    report = run(facts)
    finding = first(report)
    assert finding['code'] == 'IKE_PORT_NOT_LISTENING'
    assert any('dnsmasq' in line for line in finding['evidence'])


def test_peer_unreachable_from_logs_when_nothing_static_explains_it():
    facts = fb.strongswan_pair()
    facts['gw-a']['logs']['events'] = [fb.event('retransmit_give_up', 'giving up after 5 retransmits', message_id=0)]
    report = run(facts)
    finding = first(report)
    assert finding['code'] == 'PEER_UNREACHABLE'
    assert 'message ID 0' in finding['summary']
    assert any('giving up' in line for line in finding['evidence'])


def test_libreswan_connection_instances_belong_to_their_connection():
    facts = fb.mixed_pair()
    facts['gw-b']['secrets']['entries'][0]['digest'] = 'f' * 64
    facts['gw-b']['logs']['events'] = [fb.event('psk_mac_mismatch', 'authentication failed: computed hash does not '
                                                'match', connection='gw-gw/1x1', src='/var/log/pluto.log:9')]
    finding = first(run(facts))
    assert finding['code'] == 'PSK_MISMATCH'
    assert 'gw-b /var/log/pluto.log:9: authentication failed: computed hash does not match' in finding['evidence']


def test_unexplained_log_failure_is_reported_with_its_lines():
    facts = fb.strongswan_pair()
    facts['gw-a']['logs']['events'] = [fb.event('notify_received', 'received AUTHENTICATION_FAILED notify error',
                                                code='AUTHENTICATION_FAILED', message_id=1)]
    report = run(facts)
    assert codes(report) == ['LOG_FAILURE_UNEXPLAINED']
    assert 'AUTHENTICATION_FAILED' in first(report)['evidence'][0]


def test_log_failures_of_connections_outside_every_tunnel_are_reported_per_host():
    facts = fb.strongswan_pair()
    # roadwarrior is loaded in the daemon but in no file the facts read (e.g. loaded over vici by another tool).
    facts['gw-a']['service']['config_loaded']['extra_in_daemon'] = ['roadwarrior']
    facts['gw-a']['logs']['events'] = [
        fb.event('no_matching_peer_config', 'no matching peer config found', connection='roadwarrior'),
        fb.event('ike_established', 'IKE_SA roadwarrior[3] established between', connection='roadwarrior')]
    report = run(facts)
    finding = first(report)
    assert (finding['code'], finding['tunnel'], finding['hosts']) == ('LOG_FAILURE_UNEXPLAINED', None, ['gw-a'])
    assert finding['evidence'] == ['gw-a /var/log/charon.log:100: no matching peer config found']


def test_log_failures_of_a_connection_the_host_no_longer_has_are_history():
    facts = fb.strongswan_pair()
    facts['gw-a']['logs']['events'] = [
        fb.event('notify_received', 'received TS_UNACCEPTABLE notify, no CHILD_SA built', code='TS_UNACCEPTABLE',
                 connection='removed-tunnel')]
    assert codes(run(facts)) == []
    facts['gw-a']['service']['config_loaded'] = {'checked': False, 'loaded_connections': [],
                                                 'missing_from_daemon': [], 'extra_in_daemon': []}
    assert codes(run(facts)) == ['LOG_FAILURE_UNEXPLAINED']


def test_failures_before_the_last_established_child_sa_are_history():
    facts = fb.strongswan_pair()
    facts['gw-a']['logs']['events'] = [
        fb.event('notify_received', 'received AUTHENTICATION_FAILED notify error', code='AUTHENTICATION_FAILED'),
        fb.event('child_established', 'CHILD_SA gw-gw{1} established with SPIs'),
    ]
    assert codes(run(facts)) == []
    facts['gw-a']['logs']['events'].append(
        fb.event('notify_received', 'received TS_UNACCEPTABLE notify, no CHILD_SA built', code='TS_UNACCEPTABLE'))
    report = run(facts)
    assert codes(report) == ['LOG_FAILURE_UNEXPLAINED']
    assert len(first(report)['evidence']) == 1


def test_unexplained_log_lines_rank_after_proven_findings_of_their_severity():
    facts = fb.strongswan_pair()
    facts['gw-a']['sysctl']['runtime']['net.ipv4.conf.all.rp_filter'] = '1'
    facts['gw-a']['sysctl']['runtime']['net.ipv4.conf.eth0.rp_filter'] = '1'
    facts['gw-a']['logs']['events'] = [fb.event('notify_received', 'received AUTHENTICATION_FAILED notify error',
                                                code='AUTHENTICATION_FAILED')]
    facts['gw-b']['logs']['events'] = [fb.event('notify_sent', 'generating IKE_AUTH response 1 [ N(AUTH_FAILED) ]',
                                                code='AUTHENTICATION_FAILED')]
    assert codes(run(facts)) == ['RP_FILTER_STRICT', 'LOG_FAILURE_UNEXPLAINED']


def test_kernel_without_esp_explains_no_proposal_chosen():
    facts = fb.strongswan_pair()
    facts['gw-b']['kernel'].update({'esp': False, 'modules_supported': False, 'modules_loaded': [],
                                    'modules_available': []})
    facts['gw-a']['logs']['events'] = [fb.event('notify_received', 'received NO_PROPOSAL_CHOSEN notify, no CHILD_SA',
                                                code='NO_PROPOSAL_CHOSEN', message_id=1)]
    facts['gw-b']['logs']['events'] = [fb.event('kernel_sa_install_failed',
                                                'unable to install inbound and outbound IPsec SA (SAD) in kernel')]
    report = run(facts)
    finding = first(report)
    assert finding['code'] == 'KERNEL_ESP_UNSUPPORTED'
    assert finding['fix'] is None
    assert len([line for line in finding['evidence'] if 'gw-a /var/log' in line or 'gw-b /var/log' in line]) == 2
    assert codes(report) == ['KERNEL_ESP_UNSUPPORTED']


def test_kernel_esp_loadable_gets_the_module_fix():
    facts = fb.strongswan_pair()
    facts['gw-b']['kernel'].update({'esp': False, 'modules_loaded': []})
    assert first(run(facts))['fix'] == 'kernel_modules'


def test_userspace_esp_is_enough_for_strongswan():
    facts = fb.strongswan_pair()
    facts['gw-b']['kernel'].update({'esp': False, 'userspace_esp': True})
    assert codes(run(facts)) == []


def test_ip_forward_disabled_on_a_gateway():
    facts = fb.strongswan_pair()
    facts['gw-b']['sysctl']['runtime']['net.ipv4.ip_forward'] = '0'
    finding = first(run(facts))
    assert finding['code'] == 'IP_FORWARD_DISABLED'
    assert finding['fix'] == 'sysctl_ip_forward'
    assert '198.51.100.128/26' in finding['summary']


def test_ip_forward_not_needed_host_to_host():
    facts = fb.strongswan_pair()
    for host in facts:
        facts[host]['sysctl']['runtime']['net.ipv4.ip_forward'] = '0'
        child = fb.conn_of(facts, host)['children'][0]
        child['local_ts'], child['remote_ts'] = ['dynamic'], ['dynamic']
    assert codes(run(facts)) == []


def test_rp_filter_strict_uses_the_maximum_of_all_and_interface():
    facts = fb.strongswan_pair()
    facts['gw-a']['sysctl']['runtime']['net.ipv4.conf.all.rp_filter'] = '1'
    facts['gw-a']['sysctl']['runtime']['net.ipv4.conf.eth0.rp_filter'] = '0'
    finding = first(run(facts))
    assert finding['code'] == 'RP_FILTER_STRICT'
    assert finding['fix'] == 'sysctl_rp_filter'
    assert 'eth0' in finding['summary']


def test_key_permissions_per_file_kind():
    facts = fb.cert_pair()
    facts['gw-a']['keys'][0]['mode'] = '0644'
    facts['gw-b']['secrets']['files'] = [{'path': '/etc/ipsec.secrets', 'mode': '0640', 'owner': 'root',
                                          'group': 'adm'}]
    report = run(facts)
    found = dict((item['hosts'][0], item['fix']) for item in report['findings'] if item['code'] == 'KEY_PERMISSIONS')
    assert found == {'gw-a': 'key_permissions', 'gw-b': 'secret_permissions'}


def test_root_group_readable_secrets_file_is_accepted():
    facts = fb.strongswan_pair()
    facts['gw-a']['secrets']['files'][0]['mode'] = '0640'
    assert codes(run(facts)) == []


def test_config_parse_error_carries_file_and_line():
    facts = fb.strongswan_pair()
    facts['gw-a']['config']['errors'] = [{'file': '/etc/swanctl/swanctl.conf', 'line': 12,
                                          'message': "expected '=' or '{'", 'severity': 'error'}]
    finding = first(run(facts))
    assert finding['code'] == 'CONFIG_PARSE_ERROR'
    assert finding['evidence'] == ["gw-a /etc/swanctl/swanctl.conf:12: expected '=' or '{'"]


def test_config_syntax_error_leaves_the_peer_without_a_connection():
    facts = fb.strongswan_pair()
    facts['gw-b']['config']['errors'] = [{'file': '/etc/swanctl/swanctl.conf', 'line': 7, 'message': 'syntax error',
                                          'severity': 'error'}]
    facts['gw-b']['config']['connections'] = []
    facts['gw-b']['sas']['ike_sas'] = []
    facts['gw-a']['sas']['ike_sas'] = []
    facts['gw-a']['logs']['events'] = [fb.event('notify_received', 'received NO_PROPOSAL_CHOSEN notify error',
                                                code='NO_PROPOSAL_CHOSEN', message_id=0)]
    facts['gw-b']['logs']['events'] = [fb.event('no_ike_config', 'no IKE config found for 198.51.100.20...'
                                                '198.51.100.10, sending NO_PROPOSAL_CHOSEN', connection=None)]
    report = run(facts)
    assert codes(report) == ['CONFIG_PARSE_ERROR', 'PEER_CONNECTION_MISSING']
    assert report['tunnels'][0]['id'] == 'gw-a:gw-gw <-> gw-b'
    evidence = first(report)['evidence']
    assert evidence[0] == 'gw-b /etc/swanctl/swanctl.conf:7: syntax error'
    assert any('gw-a /var/log' in line for line in evidence) and any('gw-b /var/log' in line for line in evidence)


def test_peer_connection_missing_when_the_peer_points_elsewhere():
    facts = fb.strongswan_pair()
    conn = fb.conn_of(facts, 'gw-b')
    conn['remote_addrs'] = ['198.51.100.99']
    conn['remote_auth'][0]['id'] = 'z.lab'
    conn['children'][0]['remote_ts'] = ['10.0.0.0/24']
    for host in facts:
        facts[host]['sas']['ike_sas'] = []
    report = run(facts)
    assert codes(report) == ['PEER_CONNECTION_MISSING']
    assert first(report)['summary'] == 'gw-b has no connection for gw-a (gw-gw points at it)'


def test_config_not_loaded():
    facts = fb.strongswan_pair()
    facts['gw-b']['service']['config_loaded'].update({'loaded_connections': [], 'missing_from_daemon': ['gw-gw']})
    assert first(run(facts))['code'] == 'CONFIG_NOT_LOADED'


def test_unreachable_and_failed_hosts_are_reported():
    facts = fb.strongswan_pair()
    del facts['gw-b']
    report = run(facts, unreachable={'gw-b': 'Failed to connect to the host via ssh'}, failed=['gw-c'])
    found = dict((item['code'], item) for item in report['findings'])
    assert found['HOST_UNREACHABLE']['hosts'] == ['gw-b']
    assert 'ssh' in found['HOST_UNREACHABLE']['evidence'][0]
    assert found['FACTS_UNAVAILABLE']['hosts'] == ['gw-c']
    assert report['hosts']['gw-b']['facts_ok'] is False
    assert report['hosts']['gw-b']['daemon'] == 'none'
    # gw-a's connection has no peer with facts: one-sided checks plus an info finding
    assert 'PEER_NOT_IN_INVENTORY' in codes(report, 'info')


def test_tunnel_toward_an_unreachable_inventory_host_names_it():
    facts = {'gw-a': fb.host_facts('gw-a')}
    facts['gw-a']['sas']['ike_sas'] = []
    facts['gw-a']['logs']['events'] = [fb.event('retransmit_give_up', 'giving up after 5 retransmits', message_id=0)]
    report = run(facts, unreachable={'gw-b': 'ssh: connect to host 198.51.100.20 port 22: No route to host'},
                 host_addresses={'gw-b': ['198.51.100.20']})
    tunnel = report['tunnels'][0]
    assert tunnel['id'] == 'gw-a:gw-gw <-> gw-b'
    assert tunnel['peers'][1] == {'host': 'gw-b', 'address': '198.51.100.20', 'connection': None}
    assert tunnel['state'] == 'down'
    assert codes(report, 'info') == ['HOST_UNREACHABLE']
    assert any('giving up' in line for line in first(report)['evidence'])


def test_peer_outside_the_inventory_gets_one_sided_checks():
    facts = {'gw-a': fb.host_facts('gw-a')}
    facts['gw-a']['secrets']['entries'] = []
    report = run(facts)
    assert codes(report) == ['PSK_MISSING']
    tunnel = report['tunnels'][0]
    assert tunnel['peers'][1] == {'host': None, 'address': '198.51.100.20', 'connection': None}
    assert tunnel['id'] == '198.51.100.20 <-> gw-a:gw-gw'


def test_facts_gaps_are_info():
    facts = fb.strongswan_pair()
    facts['gw-a']['errors'] = [{'subset': 'certs', 'path': '/etc/ipsec.d/cacerts', 'message': 'Permission denied'}]
    report = run(facts)
    assert codes(report) == []
    assert 'FACTS_INCOMPLETE' in codes(report, 'info')
    assert report['hosts']['gw-a']['errors'] == ['certs: Permission denied (/etc/ipsec.d/cacerts)']


def test_tunnel_states():
    facts = fb.strongswan_pair()
    for host in facts:
        facts[host]['sas']['ike_sas'][0]['child_sas'] = []
    assert run(facts)['tunnels'][0]['state'] == 'connecting'
    for host in facts:
        facts[host]['sas'] = {'source': 'none', 'ike_sas': []}
    assert run(facts)['tunnels'][0]['state'] == 'unknown'


def test_generated_timestamp_is_utc():
    report = run(fb.strongswan_pair(), now=datetime.datetime(2026, 12, 3, 18, 0, 0))
    assert report['generated'] == '2026-12-03T18:00:00Z'


def test_broken_values_do_not_raise():
    facts = fb.strongswan_pair()
    odd_child = {'name': 'x', 'local_ts': ['nonsense'], 'remote_ts': ['10.0.0.0/33']}
    facts['gw-a']['config']['connections'].append({'name': 'odd', 'children': [odd_child]})
    facts['gw-a']['certs'] = [{'path': '/etc/x.pem', 'role': 'end', 'pem': 'not a pem'}]
    facts['gw-b']['routes'] = 'garbage'
    facts['gw-b']['service']['daemons'] = 'garbage'
    report = run(facts)
    json.dumps(report)
