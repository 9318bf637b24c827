# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function
__metaclass__ = type


from hypothesis import given, settings, strategies as st

from ansible_collections.ipsec.doctor.tests.unit.plugins.module_utils._parse.fixture_tree import fixture_reader
from ansible_collections.ipsec.doctor.tests.unit.plugins.module_utils._parse.parser_checks import soup
from ansible_collections.ipsec.doctor.plugins.module_utils._parse.source import MemoryReader
from ansible_collections.ipsec.doctor.plugins.module_utils._parse.strongswan_conf import (
    loaded_plugins,
    parse_strongswan_conf,
)

PATH = '/etc/strongswan.conf'
INSTALLED = ['aes', 'sha2', 'hmac', 'gmp', 'openssl', 'kernel-libipsec', 'kernel-netlink', 'random', 'nonce']


def test_fixture_plugins_settings_and_logging():
    parsed = parse_strongswan_conf(PATH, fixture_reader('gw-a'))
    assert parsed['errors'] == []
    assert parsed['files'] == [
        '/etc/strongswan.conf',
        '/etc/strongswan.d/charon/gmp.conf',
        '/etc/strongswan.d/charon/kernel-libipsec.conf',
        '/etc/strongswan.d/charon/openssl.conf',
        '/etc/strongswan.d/charon-systemd.conf',
        '/etc/strongswan.d/lab-libipsec.conf',
    ]
    assert parsed['plugins'] == {
        'gmp': {'load': 'yes', 'src': '/etc/strongswan.d/charon/gmp.conf:2'},
        'kernel-libipsec': {'load': 'no', 'src': '/etc/strongswan.d/charon/kernel-libipsec.conf:8'},
        'openssl': {'load': 'yes', 'src': '/etc/strongswan.d/charon/openssl.conf:11'},
    }
    assert parsed['load'][:3] == ['random', 'nonce', 'openssl']
    assert 'kernel-libipsec!' in parsed['load']
    charon = parsed['charon']
    assert charon['port'] == 500
    assert charon['port_nat_t'] == 4501
    assert charon['retransmit_tries'] == 3
    assert charon['retransmit_timeout'] == 1.0
    assert charon['retransmit_base'] == 1.8
    assert charon['load_modular'] is True
    assert charon['src']['port_nat_t'] == '/etc/strongswan.conf:7'
    assert charon['src']['load'] == '/etc/strongswan.d/lab-libipsec.conf:3'
    assert 'port' not in charon['src']
    assert charon['filelog'] == [{'name': 'charon', 'path': '/var/log/charon.log',
                                  'levels': {'time_format': '%b %e %T', 'default': '1', 'ike': '2'},
                                  'src': '/etc/strongswan.conf:14'}]
    assert charon['syslog'] == [{'facility': 'daemon', 'levels': {'default': '1'}, 'src': '/etc/strongswan.conf:23'}]


def test_charon_systemd_section_wins_over_charon():
    parsed = parse_strongswan_conf(PATH, fixture_reader('gw-a'), daemon='charon-systemd')
    assert parsed['charon']['port'] == 5000
    assert parsed['charon']['src']['port'] == '/etc/strongswan.d/charon-systemd.conf:7'
    assert parsed['charon']['port_nat_t'] == 4501


def test_modular_loading_ignores_the_load_list_for_the_set():
    # The fixture sets load_modular = yes (as Debian does) and an explicit load list:
    # strongSwan then loads the plugins whose load setting is yes, so kernel-libipsec stays out.
    parsed = parse_strongswan_conf(PATH, fixture_reader('gw-a'))
    assert loaded_plugins(parsed, INSTALLED) == ['gmp', 'openssl']
    assert loaded_plugins(parsed, None) == ['gmp', 'openssl']


def test_explicit_load_list_without_modular_loading():
    files = {
        PATH: 'charon {\n  load = aes sha2! hmac kernel-libipsec nonce missing\n'
              '  plugins {\n    include strongswan.d/charon/*.conf\n  }\n}\n',
        '/etc/strongswan.d/charon/hmac.conf': 'hmac {\n  load = no\n}\n',
    }
    parsed = parse_strongswan_conf(PATH, MemoryReader(files))
    assert loaded_plugins(parsed, None) == ['aes', 'sha2', 'kernel-libipsec', 'nonce', 'missing']
    assert loaded_plugins(parsed, INSTALLED) == ['aes', 'sha2', 'kernel-libipsec', 'nonce']


def test_without_load_list_installed_plugins_minus_load_no():
    files = {
        PATH: 'charon {\n  plugins {\n    include strongswan.d/charon/*.conf\n  }\n}\n',
        '/etc/strongswan.d/charon/kernel-libipsec.conf': 'kernel-libipsec {\n  load = no\n}\n',
        '/etc/strongswan.d/charon/aes.conf': 'aes {\n  load = yes\n}\n',
        '/etc/strongswan.d/charon/gmp.conf': 'gmp {\n  load = 10\n}\n',
    }
    parsed = parse_strongswan_conf(PATH, MemoryReader(files))
    assert parsed['load'] is None
    assert loaded_plugins(parsed, INSTALLED) == ['aes', 'sha2', 'hmac', 'gmp', 'openssl', 'kernel-netlink',
                                                 'random', 'nonce']
    assert loaded_plugins(parsed, None) == []


def test_modular_loading_with_priorities_and_zero():
    text = ('charon {\n  load_modular = yes\n  plugins {\n    aes { load = 10 }\n    des { load = 0 }\n'
            '    md5 { }\n    sha2 { load = yes }\n  }\n}\n')
    parsed = parse_strongswan_conf(PATH, MemoryReader({PATH: text}))
    assert loaded_plugins(parsed, None) == ['aes', 'sha2']


def test_invalid_setting_is_a_located_warning_and_default_stays():
    parsed = parse_strongswan_conf(PATH, MemoryReader({PATH: 'charon {\n  port = fivehundred\n}\n'}))
    assert parsed['errors'] == [{'file': PATH, 'line': 2, 'severity': 'warning',
                                 'message': "invalid value for charon.port: 'fivehundred'"}]
    assert parsed['charon']['port'] == 500


def test_missing_file_is_a_gap():
    parsed = parse_strongswan_conf(PATH, MemoryReader({}))
    assert parsed['load'] is None
    assert parsed['plugins'] == {}
    assert parsed['files'] == []
    assert parsed['errors'][0]['severity'] == 'warning'
    assert parsed['charon']['port'] == 500


def test_legacy_filelog_section_named_by_path():
    text = 'charon {\n  filelog {\n    /var/log/charon-old.log {\n      default = 2\n    }\n  }\n}\n'
    parsed = parse_strongswan_conf(PATH, MemoryReader({PATH: text}))
    assert parsed['charon']['filelog'][0]['path'] == '/var/log/charon-old.log'


@settings(max_examples=150, deadline=None)
@given(soup(list('a =:{}#"\n') + [
    'charon', 'plugins', 'load', 'filelog', 'syslog', 'path', 'port', 'include', 'yes', 'no']))
def test_soup_never_raises(text):
    parsed = parse_strongswan_conf(PATH, MemoryReader({PATH: text}))
    loaded_plugins(parsed, INSTALLED)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=200))
def test_bytes_never_raise(data):
    parse_strongswan_conf(PATH, MemoryReader({PATH: data}))
