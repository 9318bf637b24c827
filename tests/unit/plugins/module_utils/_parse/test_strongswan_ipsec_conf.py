# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function
__metaclass__ = type


from hypothesis import given, settings, strategies as st


from ansible_collections.ipsec.doctor.tests.unit.plugins.module_utils._parse.fixture_tree import fixture_reader
from ansible_collections.ipsec.doctor.tests.unit.plugins.module_utils._parse.parser_checks import assert_error_entries, assert_model_keys, by_name, soup
from ansible_collections.ipsec.doctor.plugins.module_utils._parse.source import MemoryReader
from ansible_collections.ipsec.doctor.plugins.module_utils._parse.strongswan_ipsec_conf import parse_ipsec_conf

PATH = '/etc/ipsec.conf'
MAIN = '/etc/ipsec.conf:'
RW = '/etc/ipsec.d/roadwarrior.conf:'


def parse_fixture(**kwargs):
    return parse_ipsec_conf(PATH, fixture_reader('legacy'), **kwargs)


def parse_text(text, **kwargs):
    return parse_ipsec_conf(PATH, MemoryReader({PATH: text}), **kwargs)


def test_loaded_connections_skip_ignored_and_templates():
    parsed = parse_fixture()
    assert [conn['name'] for conn in parsed['connections']] == ['gw-gw', 'rw', 'orphan']
    assert parsed['files'] == ['/etc/ipsec.conf', '/etc/ipsec.d/roadwarrior.conf']
    assert parsed['errors'] == [{'file': '/etc/ipsec.d/roadwarrior.conf', 'line': 14, 'severity': 'warning',
                                 'message': "conn 'orphan' has no auto= (default ignore): starter does not load it"}]
    assert by_name(parsed['connections'], 'orphan')['auto'] == 'ignore'


def test_precedence_default_also_and_own_section():
    conn = by_name(parse_fixture()['connections'], 'gw-gw')
    assert conn['format'] == 'strongswan-ipsec.conf'
    assert (conn['file'], conn['line']) == ('/etc/ipsec.conf', 23)
    # own leftid (before also=) beats the template's leftid
    assert conn['local_auth'][0]['id'] == 'gw-a.lab'
    assert conn['src']['local_auth.0.id'] == MAIN + '28'
    # left and leftsubnet come from the template, authby and keyexchange from %default
    assert conn['local_addrs'] == ['198.51.100.10']
    assert conn['src']['local_addrs'] == MAIN + '17'
    assert conn['local_auth'][0]['auth'] == 'psk'
    assert conn['src']['local_auth.0.auth'] == MAIN + '12'
    assert conn['ike_version'] == 2
    assert conn['remote_addrs'] == ['198.51.100.20']
    assert conn['remote_auth'][0]['id'] == 'b.lab'
    assert conn['remote_auth'][0]['id_type'] == 'fqdn'
    child = conn['children'][0]
    assert child['name'] == 'gw-gw'
    assert child['local_ts'] == ['198.51.100.64/26']
    assert child['src']['local_ts'] == MAIN + '19'
    assert child['remote_ts'] == ['198.51.100.128/26']


def test_strict_and_non_strict_proposals():
    conn = by_name(parse_fixture()['connections'], 'gw-gw')
    assert conn['ike_proposals'] == {
        'written': 'aes256-sha256-ecp256!', 'strict': True,
        'effective': [{'encr': ['AES_CBC_256'], 'integ': ['HMAC_SHA2_256_128'], 'prf': ['PRF_HMAC_SHA2_256'],
                       'ke': ['ECP_256']}],
    }
    esp = conn['children'][0]['esp_proposals']
    assert esp['written'] == 'aes256gcm16-ecp256'
    assert esp['strict'] is False
    assert esp['effective'][0] == {'encr': ['AES_GCM_16_256'], 'integ': [], 'ke': ['ECP_256'], 'esn': ['NO_EXT_SEQ']}
    assert len(esp['effective']) == 3  # stroke appends the two default ESP proposals
    assert conn['children'][0]['pfs_groups'] == ['ECP_256']
    rw = by_name(parse_fixture()['connections'], 'rw')
    assert rw['ike_proposals']['written'] == 'aes128-sha256-modp2048'
    assert rw['src']['ike_proposals'] == MAIN + '13'
    assert rw['ike_proposals']['effective'][0]['encr'] == ['AES_CBC_128']
    assert len(rw['ike_proposals']['effective']) == 3
    assert rw['children'][0]['esp_proposals']['written'] is None


def test_lifetimes_margins_and_reauthentication():
    parsed = parse_fixture()
    conn = by_name(parsed['connections'], 'gw-gw')
    # ikelifetime 60m - margintime 3m, reauth=yes by default
    assert (conn['rekey_time'], conn['reauth_time'], conn['over_time']) == (0, 3420, 180)
    assert (conn['children'][0]['rekey_time'], conn['children'][0]['life_time']) == (1020, 1200)
    rw = by_name(parsed['connections'], 'rw')
    assert (rw['rekey_time'], rw['reauth_time']) == (3420, 0)


def test_rekey_no_disables_all_lifetimes():
    conn = parse_text('conn c\n\tauto=add\n\trekey=no\n\tlifetime=2h\n')['connections'][0]
    assert (conn['rekey_time'], conn['reauth_time'], conn['over_time']) == (0, 0, 0)
    assert (conn['children'][0]['rekey_time'], conn['children'][0]['life_time']) == (0, 0)
    assert conn['src']['rekey_time'] == MAIN + '3'


def test_defaults_without_default_section():
    conn = parse_text('conn c\n\tleft=10.0.0.1\n\tright=10.0.0.2\n\tauto=add\n')['connections'][0]
    assert conn['ike_version'] == 0
    assert (conn['rekey_time'], conn['reauth_time'], conn['over_time']) == (0, 10260, 540)
    assert (conn['children'][0]['rekey_time'], conn['children'][0]['life_time']) == (3060, 3600)
    assert conn['dpd_delay'] == 0
    assert conn['local_auth'][0]['auth'] == 'pubkey'
    assert conn['local_auth'][0]['id'] == '10.0.0.1'
    assert conn['remote_auth'][0]['id'] == '10.0.0.2'
    assert conn['unique'] == 'replace'
    assert conn['children'][0]['start_action'] == 'none'
    assert conn['ike_proposals']['written'] is None
    assert conn['src'] == {'local_addrs': MAIN + '2', 'remote_addrs': MAIN + '3', 'auto': MAIN + '4'}


def test_dpd_flags_and_actions():
    parsed = parse_fixture()
    conn = by_name(parsed['connections'], 'gw-gw')
    assert conn['dpd_delay'] == 15
    assert conn['children'][0]['dpd_action'] == 'start'
    assert conn['encap'] is True
    assert conn['mobike'] is True
    assert conn['auto'] == 'start'
    assert conn['children'][0]['start_action'] == 'start'
    assert conn['unique'] == 'never'
    route = parse_text('conn c\n\tauto=route\n\tdpdaction=hold\n\tcloseaction=restart\n\ttype=transport\n'
                       '\tmobike=no\n')['connections'][0]
    assert route['children'][0]['start_action'] == 'trap'
    assert route['children'][0]['dpd_action'] == 'trap'
    assert route['children'][0]['close_action'] == 'start'
    assert route['children'][0]['mode'] == 'transport'
    assert route['dpd_delay'] == 30
    assert route['mobike'] is False


def test_certificates_rounds_and_virtual_ips():
    parsed = parse_fixture()
    rw = by_name(parsed['connections'], 'rw')
    assert rw['local_auth'][0]['certs'] == ['/etc/ipsec.d/certs/gw-a.pem']
    assert rw['local_auth'][0]['id'] is None
    assert [(r['round'], r['auth'], r['method']) for r in rw['remote_auth']] == [
        (1, 'pubkey', 'pubkey'), (2, 'eap', 'eap-mschapv2')]
    assert rw['remote_auth'][0]['id'] == '%any'
    assert rw['pools'] == ['10.3.0.0/24', '%rw-pool']
    assert parsed['cert_refs'] == [
        {'path': '/etc/ipsec.d/certs/gw-a.pem', 'kind': 'x509', 'src': RW + '3'},
        {'path': '/etc/ipsec.d/cacerts/lab-ca.pem', 'kind': 'x509ca', 'src': RW + '22'},
    ]
    assert parsed['ca_sections'] == [{'name': 'lab', 'cacert': '/etc/ipsec.d/cacerts/lab-ca.pem', 'auto': 'add',
                                      'src': RW + '21'}]
    client = parse_text('conn c\n\tleft=%any\n\tleftsourceip=%config\n\tauto=add\n')['connections'][0]
    assert client['vips'] == ['%config']


def test_config_setup_and_ikev1():
    parsed = parse_fixture()
    assert parsed['config_setup']['uniqueids'] == {'value': 'never', 'src': MAIN + '5'}
    assert parsed['config_setup']['charondebug']['value'] == 'ike 2, knl 1, cfg 2'
    orphan = by_name(parsed['connections'], 'orphan')
    assert orphan['ike_version'] == 1
    assert orphan['local_auth'][0]['auth'] == 'psk'
    assert orphan['remote_auth'][0]['id'] == '198.51.100.30'


def test_sides_swap_when_right_is_local():
    context = {'local_addresses': ['198.51.100.20']}
    conn = by_name(parse_fixture(context=context)['connections'], 'gw-gw')
    assert conn['local_addrs'] == ['198.51.100.20']
    assert conn['remote_addrs'] == ['198.51.100.10']
    assert conn['local_auth'][0]['id'] == 'b.lab'
    assert conn['remote_auth'][0]['id'] == 'gw-a.lab'
    assert conn['children'][0]['local_ts'] == ['198.51.100.128/26']
    unchanged = by_name(parse_fixture(context={'local_addresses': ['198.51.100.10']})['connections'], 'gw-gw')
    assert unchanged['local_addrs'] == ['198.51.100.10']


def test_empty_value_unsets_an_inherited_setting():
    text = ('conn %default\n\tleftcert=default.pem\n\tike=aes128-sha1-modp2048!\n'
            'conn c\n\tleftcert=\n\tike=\n\tauto=add\n')
    conn = parse_text(text)['connections'][0]
    assert conn['local_auth'][0]['certs'] == []
    assert conn['ike_proposals']['written'] is None


def test_multiple_also_later_wins_and_cycles_are_errors():
    text = ('conn a\n\tleftid=@a\n\trightid=@a\n\tauto=ignore\n'
            'conn b\n\tleftid=@b\n\tauto=ignore\n'
            'conn c\n\talso=a b\n\tauto=add\n'
            'conn x\n\talso=y\n\tauto=add\n'
            'conn y\n\talso=x\n\tauto=ignore\n'
            'conn z\n\talso=nothere\n\tauto=add\n')
    parsed = parse_text(text)
    c = by_name(parsed['connections'], 'c')
    assert c['local_auth'][0]['id'] == 'b'
    assert c['remote_auth'][0]['id'] == 'a'
    messages = [(error['line'], error['message']) for error in parsed['errors']]
    assert (18, 'also=nothere: no conn section of that name') in messages
    assert any('also= cycle' in message for _line, message in messages)


def test_values_follow_starters_lexer():
    text = ('conn c\n\tauto=add\n\tleftid="C=CH, O=Lab, CN=a # b"  # comment\n\trightid=@#0123abcd\n'
            '\tleftsubnet = 10.1.0.0/24,   10.2.0.0/24\n\tright=%any  # trailing comment\n'
            '\trightsubnet=10.9.0.0/16=bad\n')
    parsed = parse_text(text)
    conn = parsed['connections'][0]
    assert conn['local_auth'][0]['id'] == 'C=CH, O=Lab, CN=a # b'
    assert conn['local_auth'][0]['id_type'] == 'dn'
    assert conn['remote_auth'][0]['id'] == '01:23:ab:cd'  # charon's form of the key id
    assert conn['remote_auth'][0]['id_type'] == 'keyid'
    assert conn['children'][0]['local_ts'] == ['10.1.0.0/24', '10.2.0.0/24']
    assert conn['remote_addrs'] == ['%any']
    assert [(e['line'], e['message']) for e in parsed['errors']] == [
        (7, "unquoted '=' in the value (quote it) for 'rightsubnet'")]


def test_unknown_and_obsolete_keywords_are_warnings():
    parsed = parse_text('conn c\n\tauto=add\n\tbogus=1\n\tpfs=yes\n\tleftfoo=2\n')
    assert [(e['line'], e['severity']) for e in parsed['errors']] == [(3, 'warning'), (4, 'warning'), (5, 'warning')]
    assert "unknown keyword 'bogus'" in parsed['errors'][0]['message']


def test_bad_values_are_located_errors():
    text = 'conn c\n\tauto=add\n\tkeyexchange=ikev3\n\tauthby=magic\n\tikelifetime=forever\n\tforceencaps=perhaps\n'
    parsed = parse_text(text)
    assert [(e['line'], e['severity']) for e in parsed['errors']] == [
        (4, 'error'), (5, 'error'), (3, 'error'), (6, 'error')]
    conn = parsed['connections'][0]
    assert conn['ike_version'] == 0
    assert conn['reauth_time'] == 10260


def test_broken_file_gives_located_errors():
    parsed = parse_ipsec_conf('/etc/ipsec-broken.conf', fixture_reader('broken'))
    found = [(error['line'], error['message']) for error in parsed['errors']]
    assert (3, "expected 'key=value' in conn 'truncated'") in found
    assert (4, "unterminated quoted value for 'ike'") in found
    assert (5, "expected 'conn <name>', 'ca <name>' or 'config setup' at column 0 (parameters must be indented)") \
        in found
    assert (6, 'parameter outside of a section') in found


def test_include_cycle_and_missing_file():
    files = {PATH: 'include ipsec.d/*.conf\ninclude missing.conf\n', '/etc/ipsec.d/a.conf': 'include ../ipsec.conf\n'}
    parsed = parse_ipsec_conf(PATH, MemoryReader(files))
    messages = [(error['file'], error['line'], error['message']) for error in parsed['errors']]
    assert ('/etc/ipsec.d/a.conf', 1, 'include cycle: /etc/ipsec.conf -> /etc/ipsec.d/a.conf -> /etc/ipsec.conf') \
        in messages
    assert (PATH, 2, 'included file not found: /etc/missing.conf') in messages
    unreadable = parse_ipsec_conf(PATH, MemoryReader({}))
    assert unreadable['connections'] == []
    assert unreadable['errors'][0]['message'].startswith('cannot read file')


@settings(max_examples=200, deadline=None)
@given(soup(['conn ', 'ca ', 'config setup', '%default', 'x', '\n', '\t', ' ', '=', '"', '#',
             'also', 'left', 'right', 'id', 'subnet', 'auth', 'ike', 'esp', 'auto', 'add',
             'ignore', 'include ', '*.conf', 'aes256-sha256-modp2048', '!', ',']))
def test_soup_never_raises(text):
    parsed = parse_text(text)
    assert_error_entries(parsed['errors'])


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300))
def test_bytes_never_raise(data):
    parse_ipsec_conf(PATH, MemoryReader({PATH: data}))


def test_long_also_chains_are_bounded():
    text = ''.join('conn c%d\n\talso=c%d\n\tauto=ignore\n' % (index, index + 1) for index in range(3000))
    parsed = parse_text(text + 'conn c3000\n\tauto=ignore\nconn top\n\talso=c0\n\tauto=add\n')
    assert [conn['name'] for conn in parsed['connections']] == ['top']
    assert any('chained deeper' in error['message'] for error in parsed['errors'])


def test_every_connection_has_exactly_the_model_keys():
    assert_model_keys(parse_fixture()['connections'], 'strongswan', 'strongswan-ipsec.conf')


def test_auth_any_is_no_constraint():
    # strongSwan testing/tests/ikev2-stroke/rw-eap-ttls-only (carol): rightauth=any, which starter 5.9.8 loads
    parsed = parse_text('conn home\n\tleft=198.18.2.10\n\tright=198.18.2.20\n\tleftauth=eap\n\trightauth=any\n'
                        '\tauto=add\n')
    assert [error for error in parsed['errors'] if error['severity'] == 'error'] == []
    remote = parsed['connections'][0]['remote_auth'][0]
    assert (remote['auth'], remote['method']) == (None, 'any')


def test_protoport_narrows_the_selectors():
    # strongSwan testing/tests/ikev2-stroke/protoport-dual (moon): charon 5.9.8 lists these children as
    # 10.1.0.0/16[icmp] === dynamic[icmp] and 10.1.0.0/16[tcp/ssh] === dynamic[tcp]
    parsed = parse_text('conn rw-icmp\n\tleft=198.18.2.1\n\tleftsubnet=10.1.0.0/16\n\tleftprotoport=icmp\n'
                        '\tright=%any\n\trightprotoport=icmp\n\tauto=add\n'
                        'conn rw-ssh\n\tleft=198.18.2.1\n\tleftsubnet=10.1.0.0/16\n\tleftprotoport=tcp/ssh\n'
                        '\tright=%any\n\trightprotoport=tcp\n\tauto=add\n')
    icmp = by_name(parsed['connections'], 'rw-icmp')['children'][0]
    ssh = by_name(parsed['connections'], 'rw-ssh')['children'][0]
    assert (icmp['local_ts'], icmp['remote_ts']) == (['10.1.0.0/16[icmp]'], ['dynamic[icmp]'])
    assert (ssh['local_ts'], ssh['remote_ts']) == (['10.1.0.0/16[tcp/ssh]'], ['dynamic[tcp]'])
    assert icmp['src']['local_ts'] == MAIN + '3'
    assert icmp['src']['remote_ts'] == MAIN + '6'


def test_key_id_is_compared_as_colon_hex():
    """starter 5.9.8 on ikev2-stroke/net2net-pgp-v3 (moon): leftid=@#7127... is 71:27:04:32:... in charon."""
    conn = parse_text('conn c\n\tauto=add\n\tleftid=@#71270432cd763a18020ac988c0e75aed\n'
                      '\trightid=@#abc\n')['connections'][0]
    assert conn['local_auth'][0]['id'] == '71:27:04:32:cd:76:3a:18:02:0a:c9:88:c0:e7:5a:ed'
    assert conn['local_auth'][0]['id_type'] == 'keyid'
    assert conn['remote_auth'][0]['id'] == '0a:bc'


def test_second_round_without_id2_keeps_local_id_and_accepts_any_remote():
    """starter 5.9.8 on ikev1-stroke/xauth-rsa (carol and moon): round 2 is leftid locally, %any remotely."""
    carol = parse_text('conn home\n\tleft=192.168.0.100\n\tleftcert=carolCert.pem\n'
                       '\tleftid=carol@strongswan.org\n\tleftauth=pubkey\n\tleftauth2=xauth\n'
                       '\tright=192.168.0.1\n\trightid=@moon.strongswan.org\n\tauto=add\n')['connections'][0]
    assert [r['id'] for r in carol['local_auth']] == ['carol@strongswan.org', 'carol@strongswan.org']
    assert carol['local_auth'][1]['id_type'] == 'rfc822'
    moon = parse_text('conn rw\n\tleft=192.168.0.1\n\tleftid=@moon.strongswan.org\n\tleftauth=pubkey\n'
                      '\tright=%any\n\trightauth=pubkey\n\trightauth2=xauth\n\tauto=add\n')['connections'][0]
    assert [r['id'] for r in moon['remote_auth']] == ['%any', '%any']
    assert moon['remote_auth'][1]['id_type'] == 'any'
    assert len(moon['local_auth']) == 1


def test_local_any_address_without_id_is_any():
    """starter 5.9.8 on pfkey/shunt-policies-nat-rw (alice, conn local-net): no left/leftid is the local ID %any."""
    conn = parse_text('conn c\n\tleft=%any\n\tright=192.168.0.1\n\tauto=add\n')['connections'][0]
    assert conn['local_auth'][0]['id'] == '%any'
    assert conn['local_auth'][0]['id_type'] == 'any'
    shunt = parse_text('conn local-net\n\tleftsubnet=10.1.0.0/16\n\trightsubnet=10.1.0.0/16\n'
                       '\tauthby=never\n\ttype=pass\n\tauto=route\n')['connections'][0]
    assert shunt['local_auth'][0]['id'] == '%any'
