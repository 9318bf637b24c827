# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import gzip

from ansible_collections.ipsec.doctor.plugins.module_utils._collect import kernel
from ansible_collections.ipsec.doctor.tests.unit.plugins.module_utils._collect.fake_host import (
    make_host,
    strongswan_host_files,
)

# Like the lab kernel: XFRM built in, no ESP, no modules.
LAB_CONFIG = '''CONFIG_NET=y
CONFIG_XFRM=y
CONFIG_XFRM_USER=y
# CONFIG_MODULES is not set
# CONFIG_INET_ESP is not set
CONFIG_CRYPTO_AES=y
CONFIG_CRYPTO_CBC=y
CONFIG_CRYPTO_HMAC=y
CONFIG_CRYPTO_SHA256=y
'''
MODULAR_CONFIG = '''CONFIG_MODULES=y
CONFIG_XFRM=y
CONFIG_XFRM_USER=m
CONFIG_INET_ESP=m
CONFIG_INET6_ESP=m
CONFIG_INET_AH=m
CONFIG_CRYPTO_GCM=m
'''


def test_kernel_without_esp_but_with_userspace_esp(tmp_path):
    files = strongswan_host_files()
    files['/proc/config.gz'] = gzip.compress(LAB_CONFIG.encode('ascii'))
    files['/proc/sys/net/core/xfrm_acq_expires'] = '165\n'
    files['/proc/crypto'] = 'name         : cbc(aes)\ndriver       : cbc(aes-generic)\n\nname : hmac(sha256)\n'
    result = kernel.collect(make_host(tmp_path, files))
    assert result['release'] == '6.1.0-test'
    assert result['config_source'] == '/proc/config.gz'
    assert result['config']['CONFIG_INET_ESP'] is None and result['config']['CONFIG_XFRM'] == 'y'
    assert result['modules_supported'] is False
    assert (result['xfrm'], result['esp'], result['ah']) == (True, False, False)
    assert result['crypto']['cbc(aes)'] is True and result['crypto']['gcm(aes)'] is False
    assert (result['userspace_esp'], result['userspace_esp_source']) == (True, '/proc/4242/maps')


def test_modular_kernel_with_esp_on_disk_and_loaded_modules(tmp_path):
    files = {
        '/proc/sys/kernel/osrelease': '6.1.0-18-amd64\n',
        '/boot/config-6.1.0-18-amd64': MODULAR_CONFIG,
        '/proc/modules': 'xfrm_user 49152 2 - Live 0x0\nesp4 28672 0 - Live 0x0\nbridge 311296 0 - Live 0x0\n',
        '/lib/modules/6.1.0-18-amd64/modules.dep': ('kernel/net/ipv4/esp4.ko.xz: kernel/net/xfrm/xfrm_algo.ko.xz\n'
                                                    'kernel/net/ipv6/esp6.ko.xz:\nkernel/net/ipv4/ah4.ko:\n'
                                                    'kernel/drivers/net/dummy.ko:\n'),
        '/proc/sys/net/core/xfrm_acq_expires': '165\n',
    }
    result = kernel.collect(make_host(tmp_path, files))
    assert result['config_source'] == '/boot/config-6.1.0-18-amd64'
    assert result['modules_supported'] is True
    assert result['modules_loaded'] == ['esp4', 'xfrm_user']
    assert result['modules_available'] == ['ah4', 'esp4', 'esp6']
    assert (result['xfrm'], result['esp'], result['esp6'], result['ah']) == (True, True, True, True)
    assert result['crypto']['gcm(aes)'] is True
    assert result['userspace_esp'] is False


def test_unknown_kernel_config_is_a_gap_and_esp_unknown(tmp_path):
    host = make_host(tmp_path, {'/proc/sys/kernel/osrelease': '5.10.0\n'})
    result = kernel.collect(host)
    assert result['config'] is None and result['esp'] is None and result['xfrm'] is False
    assert host.errors[0]['subset'] == 'kernel'


def test_userspace_esp_from_the_load_list_when_charon_is_not_running(tmp_path):
    files = strongswan_host_files()
    del files['/proc/4242/maps']
    files['/etc/strongswan.conf'] = 'charon {\n    load = openssl kernel-libipsec socket-default\n}\n'
    result = kernel.collect(make_host(tmp_path, files))
    assert (result['userspace_esp'], result['userspace_esp_source']) == (True, '/etc/strongswan.conf:2')
