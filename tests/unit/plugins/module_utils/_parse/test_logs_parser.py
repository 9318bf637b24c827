# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Tests for the log line to event parser (plugins/module_utils/_parse/logs.py)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

import pytest
from hypothesis import given, settings, strategies as st

from ansible_collections.ipsec.doctor.plugins.module_utils._parse.logs import (
    detect_log_format,
    parse_log_line,
    parse_log_lines,
)
from ansible_collections.ipsec.doctor.tests.unit.plugins.module_utils._parse.fixture_tree import fixture_text


def read_fixture(name):
    return fixture_text('logs', name).splitlines()


def kinds(events):
    return [(event['kind'], event['code'], event['message_id']) for event in events]


def one(line, daemon=None):
    event = parse_log_line(line, daemon=daemon, src='test:1')
    assert event is not None, line
    return event


def test_psk_mismatch_responder_file():
    events = parse_log_lines(read_fixture('charon-psk-mismatch-responder.log'), daemon='strongswan',
                             src_path='/var/log/charon.log')
    assert kinds(events) == [
        ('peer_config_lookup', None, None),
        ('psk_mac_mismatch', None, None),
        ('notify_sent', 'AUTHENTICATION_FAILED', 1),
    ]
    assert events[1]['connection'] == 'gw-gw'
    assert events[1]['src'] == '/var/log/charon.log:11'
    assert events[1]['time'] == 'Dec  3 17:02:11'
    assert events[1]['line'].endswith("tried 1 shared key for 'b.lab' - 'a.lab', but MAC mismatched")
    assert events[0]['connection'] is None  # before a config was selected the prefix is only <1>


def test_unreachable_initiator_gives_message_id_zero():
    events = parse_log_lines(read_fixture('charon-unreachable-initiator.log'), daemon='strongswan',
                             src_path='/var/log/charon.log', first_line_number=100)
    assert kinds(events) == [
        ('retransmit', None, 0), ('retransmit', None, 0), ('retransmit', None, 0),
        ('retransmit_give_up', None, 0), ('peer_not_responding', None, 0),
    ]
    assert events[0]['src'] == '/var/log/charon.log:104'
    assert all(event['connection'] == 'gw-gw' for event in events)
    assert events[0]['time'] is None


def test_give_up_uses_retransmits_of_the_same_sa_only():
    lines = [
        '13[IKE] <a|1> retransmit 1 of request with message ID 1',
        '13[IKE] <b|2> retransmit 1 of request with message ID 0',
        '16[IKE] <a|1> giving up after 5 retransmits',
        '16[IKE] <c|3> giving up after 5 retransmits',
    ]
    events = parse_log_lines(lines, daemon='strongswan')
    assert [(e['connection'], e['message_id']) for e in events] == [('a', 1), ('b', 0), ('a', 1), ('c', None)]


def test_kernel_without_esp():
    events = parse_log_lines(read_fixture('charon-kernel-esp-missing.log'))
    assert kinds(events) == [
        ('kernel_sa_install_failed', 'EPROTONOSUPPORT', None),
        ('kernel_sa_install_failed', None, None),
        ('kernel_sa_install_failed', None, None),
        ('notify_sent', 'NO_PROPOSAL_CHOSEN', 1),
        ('ike_established', None, None),
    ]
    assert all(event['daemon'] == 'strongswan' for event in events)
    assert events[0]['time'] == 'Dec  3 17:05:40'


def test_pluto_file_log():
    events = parse_log_lines(read_fixture('pluto-4.10.log'), daemon='libreswan', src_path='/var/log/pluto.log')
    assert kinds(events) == [
        ('retransmit', None, 0), ('retransmit', None, 0), ('retransmit_give_up', None, 0),
        ('notify_received', 'AUTHENTICATION_FAILED', None),
        ('psk_mac_mismatch', None, None),
        ('notify_sent', 'AUTHENTICATION_FAILED', 1),
        ('ike_established', None, None),
        ('kernel_sa_install_failed', 'ENOSYS', None),
        ('child_established', None, None),
    ]
    assert {event['connection'] for event in events} == {'west-east'}
    assert events[0]['time'] == 'Dec  3 17:10:01.501871'  # pluto's "%b %e %T.%06ld"


def test_racoon_log():
    events = parse_log_lines(read_fixture('racoon.log'), daemon='racoon')
    assert kinds(events) == [
        ('no_shared_key', None, None), ('retransmit_give_up', None, None),
        ('ike_established', None, None), ('child_established', None, None),
    ]
    assert events[0]['daemon'] == 'racoon'
    selectors = parse_log_line('racoon: ERROR: failed to get sainfo.', daemon='racoon')
    assert (selectors['kind'], selectors['code']) == ('ts_unacceptable', 'TS_UNACCEPTABLE')


@pytest.mark.parametrize('line, kind, code, message_id', [
    ('12[IKE] <gw|1> received AUTHENTICATION_FAILED notify error', 'notify_received', 'AUTHENTICATION_FAILED', None),
    ('12[IKE] <gw|1> received NO_PROPOSAL_CHOSEN notify error', 'notify_received', 'NO_PROPOSAL_CHOSEN', None),
    ('12[IKE] <gw|1> received NO_PROPOSAL_CHOSEN notify, no CHILD_SA built', 'notify_received',
     'NO_PROPOSAL_CHOSEN', None),
    ('12[IKE] <gw|1> received TS_UNACCEPTABLE notify, no CHILD_SA built', 'notify_received', 'TS_UNACCEPTABLE', None),
    ('12[IKE] <gw|1> received INTERNAL_ADDRESS_FAILURE notify, no CHILD_SA built', 'notify_received',
     'INTERNAL_ADDRESS_FAILURE', None),
    ('12[IKE] <gw|1> received FAILED_CP_REQUIRED notify, no CHILD_SA built', 'notify_received',
     'FAILED_CP_REQUIRED', None),
    ('12[IKE] <gw|1> received AUTH_LIFETIME of 3600s, scheduling reauthentication in 3570s', 'notify_received',
     'AUTH_LIFETIME', None),
    ("12[IKE] <gw|1> peer didn't accept DH group ECP_256, it requested MODP_2048", 'notify_received',
     'INVALID_KE_PAYLOAD', None),
    ('12[ENC] <gw|1> generating IKE_SA_INIT response 0 [ N(NO_PROP) ]', 'notify_sent', 'NO_PROPOSAL_CHOSEN', 0),
    ('12[ENC] <gw|1> generating IKE_SA_INIT response 0 [ N(INVAL_KE) ]', 'notify_sent', 'INVALID_KE_PAYLOAD', 0),
    ('12[ENC] <gw|1> generating IKE_AUTH response 1 [ IDr AUTH N(TS_UNACCEPT) ]', 'notify_sent', 'TS_UNACCEPTABLE', 1),
    ('12[ENC] <gw|1> generating CREATE_CHILD_SA response 7 [ N(SINGLE_PAIR) ]', 'notify_sent',
     'SINGLE_PAIR_REQUIRED', 7),
    ('12[ENC] <gw|1> generating IKE_AUTH response 1 [ N(INVAL_SYN) ]', 'notify_sent', 'INVALID_SYNTAX', 1),
    ("12[IKE] <gw|1> no shared key found for 'a.lab' - 'b.lab'", 'no_shared_key', None, None),
    ('12[CFG] <1> no matching peer config found', 'no_matching_peer_config', None, None),
    ("12[CFG] <gw|1> constraint check failed: identity 'c.lab' required ", 'constraint_id_mismatch', None, None),
    ("12[CFG] <gw|1> no trusted ECDSA public key found for 'a.lab'", 'no_trusted_public_key', None, None),
    ("12[CFG] <gw|1> no trusted RSA public key found for 'a.lab'", 'no_trusted_public_key', None, None),
    ('12[CFG] <gw|1>   no issuer certificate found for "CN=a.lab"', 'no_issuer_cert', None, None),
    ('12[CFG] <gw|1> subject certificate invalid (valid from Dec 03 17:00:00 2024 to Dec 03 17:00:00 2025)',
     'cert_invalid_validity', None, None),
    ("12[IKE] <gw|1> no private key found for 'a.lab'", 'no_private_key', None, None),
    ('12[IKE] <1> received proposals unacceptable', 'proposal_unacceptable', 'NO_PROPOSAL_CHOSEN', None),
    ('12[IKE] <gw|1> no acceptable proposal found', 'proposal_unacceptable', 'NO_PROPOSAL_CHOSEN', None),
    ('12[IKE] <gw|1> traffic selectors 198.51.100.64/26 === 198.51.100.192/26 unacceptable', 'ts_unacceptable',
     'TS_UNACCEPTABLE', None),
    ('12[IKE] <gw|1> no acceptable traffic selectors found', 'ts_unacceptable', 'TS_UNACCEPTABLE', None),
    ('12[IKE] <gw|1> unable to install IPsec policies (SPD) in kernel', 'kernel_sa_install_failed', None, None),
    ("12[LIB] opening '/etc/swanctl/private/a.pem' failed: Permission denied", 'permission_denied', None, None),
    ('12[JOB] <gw|1> deleting half open IKE_SA with 198.51.100.10 after timeout', 'half_open_timeout', None, None),
    ('12[IKE] <gw|1> faking NAT situation to enforce UDP encapsulation', 'nat_detected', 'FAKE', None),
    ('12[IKE] <gw|1> local host is behind NAT, sending keep alives', 'nat_detected', 'LOCAL', None),
    ('01[DMN] thread 7 received 11', 'daemon_crash', 'SEGV', None),
    ('12[IKE] <gw|1> CHILD_SA net{1} established with SPIs c1234567_i c7654321_o and TS 10.0.0.0/24 === 10.1.0.0/24',
     'child_established', None, None),
    ("12[CFG] <gw|1> constraint check failed: peer not authenticated by CA 'CN=Lab CA'", 'constraint_ca_mismatch',
     None, None),
    ("12[CFG] <gw|1> certificate revoked: 'CN=a.lab'", 'cert_revoked', None, None),
    ('12[IKE] <gw|1> received AUTHENTICATION_FAILED notify error, destroying IKE_SA', 'notify_received',
     'AUTHENTICATION_FAILED', None),
    ('12[IKE] <gw|1> peer not responding, trying again (2/3)', 'peer_not_responding', None, None),
    ('12[IKE] <v1|1> received INVALID_ID_INFORMATION error notify', 'notify_received', 'INVALID_ID_INFORMATION', None),
    ('12[IKE] <v1|1> invalid HASH_V1 payload length, decryption failed?', 'psk_mac_mismatch', None, None),
    ('12[CFG] <1> no IKE config found for 198.51.100.20...198.51.100.10, sending NO_PROPOSAL_CHOSEN', 'no_ike_config',
     'NO_PROPOSAL_CHOSEN', None),
])
def test_strongswan_signatures(line, kind, code, message_id):
    event = one(line, daemon='strongswan')
    assert (event['kind'], event['code'], event['message_id']) == (kind, code, message_id)


@pytest.mark.parametrize('line, kind, code', [
    ("loading connection 'gw-gw' failed: invalid value for: auth, config discarded", 'config_error', None),
    ('Dec  3 17:00:01 gw-b kernel: charon[812]: segfault at 0 ip 00007f0a sp 00007ffd error 4 in libc.so.6',
     'daemon_crash', None),
    ('Dec  3 17:00:01 gw-b systemd[1]: strongswan.service: Main process exited, code=killed, status=11/SEGV',
     'daemon_crash', 'SEGV'),
    ('Dec  3 17:00:01 gw-b systemd[1]: ipsec.service: Main process killed by signal ABRT', 'daemon_crash', 'ABRT'),
    ('Dec  3 17:00:01 gw-b swanctl[900]: loaded 1 of 2 connections, 1 failed to load, 0 unloaded', 'config_error',
     None),
    ('Dec  3 17:00:01 gw-b ipsec_starter[77]: # ignored conn \'gw\' due to 1 parsing error', 'config_error', None),
    ("Dec  3 17:00:01 gw-b charon: 00[LIB] loading critical plugin 'kdf' failed", 'config_error', None),
    ("Dec  3 17:00:01 gw-b swanctl[900]: /etc/swanctl/swanctl.conf:12: syntax error, unexpected NAME, expecting ':' "
     "or '{' or '=' [x]", 'config_error', None),
])
def test_service_level_signatures(line, kind, code):
    event = one(line)
    assert (event['kind'], event['code']) == (kind, code)


def test_loading_connection_failure_names_the_connection():
    event = one("Dec  3 17:00:01 gw-b swanctl[900]: loading connection 'gw-gw' failed: invalid value for: auth")
    assert event['connection'] == 'gw-gw'
    assert event['daemon'] == 'strongswan'


@pytest.mark.parametrize('line, kind, code, message_id', [
    ('"c" #2: IKE_AUTH response rejected Child SA with NO_PROPOSAL_CHOSEN', 'notify_received',
     'NO_PROPOSAL_CHOSEN', None),
    ('"c" #1: STATE_PARENT_I1: received unauthenticated v2N_NO_PROPOSAL_CHOSEN - ignored', 'notify_received',
     'NO_PROPOSAL_CHOSEN', None),
    ('"c" #1: no local proposal matches remote proposals', 'proposal_unacceptable', 'NO_PROPOSAL_CHOSEN', None),
    ("\"c\" #1: Peer ID '@c.lab' mismatched on first found connection and no better connection found",
     'no_matching_peer_config', None, None),
    ("\"c\" #1: authentication failed: no PSK found for '@b.lab'", 'no_shared_key', None, None),
    ('"c" #2: No IKEv2 connection found with compatible Traffic Selectors', 'ts_unacceptable',
     'TS_UNACCEPTABLE', None),
    ('"c" #1: STATE_V2_PARENT_I2: retransmission; will wait 2 seconds for response', 'retransmit', None, 1),
    ('"c"[1] 2001:db8::1 #1: IKE_SA_INIT_I: 10 second timeout exceeded after 4 retransmits.  No response',
     'retransmit_give_up', None, 0),
    ('"c" #1: unable to locate my private key for RSA Signature', 'no_private_key', None, None),
    ('"c" #1: certificate verify failed: SEC_ERROR_EXPIRED_CERTIFICATE', 'cert_invalid_validity', 'EXPIRED', None),
    ('"c" #1: certificate verify failed: SEC_ERROR_UNKNOWN_ISSUER', 'no_issuer_cert', None, None),
    ('"c": failed to add connection: ESP DH algorithm \'modp1024\' is not supported', 'config_error', None, None),
    ('"c" #1: responder established IKE SA; authenticated peer using authby=secret', 'ike_established', None, None),
    ('"c" #1: authentication failed: PSK AUTH mismatch', 'psk_mac_mismatch', None, None),
    ('"c" #1: probable authentication failure (mismatch of preshared secrets?): INVALID_HASH_INFORMATION',
     'psk_mac_mismatch', None, None),
    ("\"c\" #1: peer ID_DER_ASN1_DN 'CN=other' does not match expected 'CN=east'", 'constraint_id_mismatch',
     None, None),
    ('"c" #1: IKE_AUTH response contained the error notification TS_UNACCEPTABLE', 'notify_received',
     'TS_UNACCEPTABLE', None),
    ('"c" #3: CREATE_CHILD_SA failed with error notification NO_PROPOSAL_CHOSEN', 'notify_received',
     'NO_PROPOSAL_CHOSEN', None),
    ('"c" #1: Discarding unauthenticated INVALID_KE_PAYLOAD response to DH MODP2048; suggested DH ECP_256 is not '
     'acceptable', 'notify_received', 'INVALID_KE_PAYLOAD', None),
    ('"c" #1: responding to IKE_SA_INIT (34) message (Message ID 0) with unencrypted notification '
     'NO_PROPOSAL_CHOSEN', 'notify_sent', 'NO_PROPOSAL_CHOSEN', 0),
    ('"c" #1: private key for connection not found', 'no_private_key', None, None),
    ('"c" #1: No RSA private key found', 'no_private_key', None, None),
])
def test_libreswan_signatures(line, kind, code, message_id):
    event = one(line, daemon='libreswan')
    assert (event['kind'], event['code'], event['message_id']) == (kind, code, message_id)
    assert event['connection'] == 'c'


@pytest.mark.parametrize('state, message_id', [
    ('STATE_V2_PARENT_I1', 0), ('STATE_V2_PARENT_I2', 1), ('STATE_V2_IKE_SA_INIT_I', 0),
    ('STATE_V2_IKE_SA_INIT_IR', 1), ('STATE_V2_IKE_AUTH_I', 1), ('STATE_MAIN_I1', 0),
    ('STATE_V2_ESTABLISHED_IKE_SA', None), ('STATE_V2_REKEY_CHILD_I1', None),
])
def test_libreswan_state_gives_the_message_id(state, message_id):
    event = one('"c" #1: %s: retransmission; will wait 0.5 seconds for response' % state, daemon='libreswan')
    assert event['message_id'] == message_id


def test_libreswan_error_prefix_and_network_errors():
    event = one('ERROR: "c" #1: asynchronous network error report on eth0 (198.51.100.40:500), complainant '
                '198.51.100.40: Connection refused [errno 111, origin ICMP type 3 code 3 (not authenticated)]',
                daemon='libreswan')
    assert (event['kind'], event['code'], event['connection']) == ('network_error', 'ECONNREFUSED', 'c')


def test_libreswan_ipv6_peer_prefix_keeps_connection():
    event = one('"c"[1] 2001:db8::1 #4: initiator established Child SA using #3; IPsec tunnel', daemon='libreswan')
    assert (event['kind'], event['connection']) == ('child_established', 'c')


def test_daemon_inferred_from_program_name():
    strongswan = one('Dec  3 17:00:01 h charon: 10[IKE] <x|1> no private key found for \'a\'')
    libreswan = one('Dec  3 17:00:01 h pluto[77]: "x" #1: authentication failed: computed hash does not match')
    assert (strongswan['daemon'], libreswan['daemon']) == ('strongswan', 'libreswan')


def test_signatures_are_scoped_to_the_daemon():
    line = '"c" #1: authentication failed: computed hash does not match hash received from peer'
    assert parse_log_line(line, daemon='strongswan') is None
    assert parse_log_line(line, daemon='libreswan')['kind'] == 'psk_mac_mismatch'


def test_journal_json_record():
    record = {'MESSAGE': 'received NO_PROPOSAL_CHOSEN notify, no CHILD_SA built', 'IKE_SA_NAME': 'gw-gw',
              'IKE_SA_UNIQUE_ID': '4', 'SYSLOG_IDENTIFIER': 'charon-systemd',
              '__REALTIME_TIMESTAMP': '1764781201000000'}
    line = json.dumps(record)
    assert detect_log_format(line) == 'journal-json'
    event = one(line)
    assert event['connection'] == 'gw-gw'
    assert event['daemon'] == 'strongswan'
    assert event['code'] == 'NO_PROPOSAL_CHOSEN'
    assert event['time'] == '2025-12-03T17:00:01.000000Z'


@pytest.mark.parametrize('line, expected', [
    ('Dec  3 17:00:01 gw-b charon: 10[IKE] <gw|1> x', 'syslog'),
    ('2026-12-03T17:00:01.123456+00:00 gw-b charon-systemd[12]: x', 'syslog'),
    ('Dec 03 17:00:01 gw-b pluto[12]: "c" #1: x', 'syslog'),
    ('Thu 2026-12-03 17:00:01 UTC gw-b charon-systemd[12]: x', 'syslog'),
    ('1796317201.123456 gw-b charon-systemd[12]: x', 'syslog'),
    ('10[IKE] <gw|1> received AUTHENTICATION_FAILED notify error', 'charon'),
    ('Dec  3 17:00:01 10[IKE] x', 'charon'),
    ('"c" #1: initiating IKEv2 connection', 'pluto'),
    ('Dec 03 17:10:01.000112: "c" #1: initiating IKEv2 connection', 'pluto'),
    ('{"MESSAGE": "x"}', 'journal-json'),
    ('{"not": "journal"}', 'plain'),
    ('something else entirely', 'plain'),
    ('', 'plain'),
])
def test_detect_log_format(line, expected):
    assert detect_log_format(line) == expected


def test_bytes_and_noise_lines():
    lines = [b'\xff\xfe\x00binary', b'12[IKE] <gw|1> no matching peer config found', None, '', '   ']
    events = parse_log_lines(lines, daemon='strongswan')
    assert kinds(events) == [('no_matching_peer_config', None, None)]
    assert events[0]['src'] == '<input>:2'


def test_long_lines_are_cut():
    line = '12[IKE] <gw|1> ' + 'x' * 100000 + ' no private key found for \'a\''
    assert parse_log_line(line, daemon='strongswan') is None
    event = one('12[IKE] <gw|1> no private key found for \'a\' ' + 'y' * 100000, daemon='strongswan')
    assert len(event['line']) == 4096


def test_debug_dump_lines_are_not_returned():
    lines = ['12[IKE] <gw|1> shared Diffie Hellman secret => 32 bytes @ 0x7f00',
             '12[IKE] <gw|1>    0: 6D 79 73 65 63 72 65 74  mysecret']
    assert parse_log_lines(lines, daemon='strongswan') == []


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.text(), st.binary()), max_size=20),
       st.sampled_from([None, 'strongswan', 'libreswan', 'racoon']))
def test_arbitrary_input_never_raises(lines, daemon):
    for event in parse_log_lines(lines, daemon=daemon):
        assert set(event) == {'time', 'daemon', 'connection', 'kind', 'code', 'message_id', 'line', 'src'}


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet='"#:[]<>|0123456789 abcdefIKE_-', max_size=200))
def test_prefix_like_text_never_raises(text):
    for daemon in (None, 'strongswan', 'libreswan'):
        parse_log_line(text, daemon=daemon)
        parse_log_line('Dec  3 17:00:01 h charon: ' + text, daemon=daemon)
        detect_log_format(text)
