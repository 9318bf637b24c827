# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.ipsec.doctor.plugins.module_utils._collect import runtime, sas
from ansible_collections.ipsec.doctor.plugins.module_utils._collect.vici import ViciError
from ansible_collections.ipsec.doctor.tests.unit.plugins.module_utils._collect.fake_host import (
    make_host,
    strongswan_host_files,
)

VICI_SA = {'gw-gw': {
    'uniqueid': '1', 'version': '2', 'state': 'ESTABLISHED', 'local-host': '198.51.100.10', 'local-port': '4500',
    'local-id': 'a.lab', 'remote-host': '198.51.100.20', 'remote-port': '4500', 'remote-id': 'b.lab',
    'initiator': 'yes', 'initiator-spi': '1a2b', 'responder-spi': '3c4d', 'nat-fake': 'yes', 'nat-any': 'yes',
    'encr-alg': 'AES_CBC', 'encr-keysize': '256', 'integ-alg': 'HMAC_SHA2_256_128', 'prf-alg': 'PRF_HMAC_SHA2_256',
    'dh-group': 'MODP_2048', 'established': '12', 'rekey-time': '13000',
    'child-sas': {'net-2': {
        'name': 'net', 'uniqueid': '2', 'state': 'INSTALLED', 'mode': 'TUNNEL', 'protocol': 'ESP', 'encap': 'yes',
        'spi-in': 'c1234567', 'spi-out': 'c7654321', 'encr-alg': 'AES_GCM_16', 'encr-keysize': '128',
        'bytes-in': '840', 'packets-in': '10', 'bytes-out': '840', 'packets-out': '10',
        'local-ts': ['198.51.100.64/26'], 'remote-ts': ['198.51.100.128/26']}}}}

PRETTY = '''list-sa event {
  gw-gw {
    uniqueid = 1
    version = 2
    state = ESTABLISHED
    local-id = C=CH, O=Lab, CN=a.lab
    initiator = yes
    child-sas {
      net-2 {
        name = net
        state = INSTALLED
        bytes-in = 840
        local-ts = [
          198.51.100.64/26
        ]
        remote-ts = [
          198.51.100.128/26
        ]
      }
    }
  }
}
'''

WHACK_STATUS = '''000 "gw-gw": 198.51.100.64/26===198.51.100.30[@c.lab]...198.51.100.10[@a.lab]===198.51.100.128/26; erouted; eroute owner: #2
000 "gw-gw":   IKE algorithms: AES_CBC_256-HMAC_SHA2_256-MODP2048
000 #1: "gw-gw":500 STATE_V2_ESTABLISHED_IKE_SA (established IKE SA); REKEY in 27896s; newest; idle;
000 #2: "gw-gw":500 STATE_V2_ESTABLISHED_CHILD_SA (established Child SA); REKEY in 27896s; newest; eroute owner; IKE SA #1; idle;
000 #3: "other":500 STATE_V2_PARENT_I1 (sent IKE_SA_INIT request); EVENT_v2_RETRANSMIT in 9s; idle;
'''
TRAFFIC = '''006 #2: "gw-gw", type=ESP, add_time=1764780000, inBytes=1680, outBytes=840, maxBytes=2^63B, id='@a.lab'
'''


def test_vici_sas_map_to_the_facts_shape():
    ike = sas.map_vici_sas([VICI_SA])[0]
    assert (ike['connection'], ike['version'], ike['state'], ike['local_port'], ike['initiator']) == \
        ('gw-gw', 2, 'ESTABLISHED', 4500, True)
    assert (ike['nat_local'], ike['nat_fake'], ike['encr_keysize'], ike['dh_group']) == \
        (False, True, 256, 'MODP_2048')
    child = ike['child_sas'][0]
    assert child == {
        'name': 'net', 'uniqueid': '2', 'state': 'INSTALLED', 'mode': 'TUNNEL', 'protocol': 'ESP', 'encap': True,
        'spi_in': 'c1234567', 'spi_out': 'c7654321', 'encr_alg': 'AES_GCM_16', 'encr_keysize': 128,
        'integ_alg': None, 'dh_group': None, 'esn': False, 'bytes_in': 840, 'bytes_out': 840, 'packets_in': 10,
        'packets_out': 10, 'rekey_time': None, 'life_time': None, 'install_time': None,
        'local_ts': ['198.51.100.64/26'], 'remote_ts': ['198.51.100.128/26']}


def test_swanctl_pretty_output_parses_like_vici():
    events = sas.parse_swanctl_pretty(PRETTY)
    ike = sas.map_vici_sas(events)[0]
    assert ike['local_id'] == 'C=CH, O=Lab, CN=a.lab'
    assert ike['child_sas'][0]['remote_ts'] == ['198.51.100.128/26']
    assert ike['child_sas'][0]['bytes_in'] == 840


def test_pluto_states_with_traffic_counters():
    ike_sas = sas.parse_pluto_states(WHACK_STATUS, TRAFFIC)
    assert [(sa['connection'], sa['uniqueid'], sa['state']) for sa in ike_sas] == [
        ('gw-gw', '1', 'ESTABLISHED'), ('other', '3', 'CONNECTING')]
    child = ike_sas[0]['child_sas'][0]
    assert (child['name'], child['state'], child['protocol'], child['bytes_in'], child['bytes_out']) == \
        ('gw-gw', 'INSTALLED', 'ESP', 1680, 840)


def test_strongswan_falls_back_to_swanctl_when_vici_fails(tmp_path, monkeypatch):
    def no_vici(host, command):
        raise ViciError('cannot connect to /run/charon.vici: Permission denied')
    monkeypatch.setattr(runtime, 'vici_query', no_vici)
    host = make_host(tmp_path, strongswan_host_files(), {('swanctl', '--list-sas', '--pretty'): (0, PRETTY)})
    result = sas.collect(host)
    assert result['source'] == 'swanctl' and result['ike_sas'][0]['connection'] == 'gw-gw'


def test_no_sa_source_is_a_gap(tmp_path, monkeypatch):
    def no_vici(host, command):
        raise ViciError('no vici socket')
    monkeypatch.setattr(runtime, 'vici_query', no_vici)
    host = make_host(tmp_path, strongswan_host_files(), {})
    assert sas.collect(host) == {'source': 'none', 'ike_sas': []}
    assert host.errors[-1] == {'subset': 'sas', 'message': 'strongSwan SAs not available: no vici socket'}
