# -*- coding: utf-8 -*-
# Copyright (c) ipsec.doctor contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The `kernel` subset: can this kernel carry IPsec, and if not, does strongSwan do ESP in user space.

Evidence, strongest first: the kernel config (/proc/config.gz or /boot/config-<release>),
loaded modules (/proc/modules), modules on disk (/lib/modules/<release>), the XFRM
sysctls, /proc/crypto. A kernel with XFRM but without ESP lets IKE succeed and then
fails to install every CHILD SA, which looks like a proposal mismatch in the logs.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import gzip
import io

from ansible_collections.ipsec.doctor.plugins.module_utils._collect import daemons

CONFIG_KEYS = (
    'CONFIG_MODULES', 'CONFIG_NET', 'CONFIG_INET', 'CONFIG_IPV6', 'CONFIG_XFRM', 'CONFIG_XFRM_USER',
    'CONFIG_XFRM_ALGO', 'CONFIG_XFRM_INTERFACE', 'CONFIG_XFRM_STATISTICS', 'CONFIG_NET_KEY', 'CONFIG_INET_ESP',
    'CONFIG_INET6_ESP', 'CONFIG_INET_ESP_OFFLOAD', 'CONFIG_INET_ESPINTCP', 'CONFIG_INET_AH', 'CONFIG_INET6_AH',
    'CONFIG_INET_IPCOMP', 'CONFIG_INET6_IPCOMP', 'CONFIG_INET_XFRM_TUNNEL', 'CONFIG_INET6_XFRM_TUNNEL',
    'CONFIG_INET_TUNNEL', 'CONFIG_NET_IPVTI', 'CONFIG_IPV6_VTI', 'CONFIG_NETFILTER_XT_MATCH_POLICY',
    'CONFIG_NFT_XFRM', 'CONFIG_TUN', 'CONFIG_CRYPTO_AES', 'CONFIG_CRYPTO_CBC', 'CONFIG_CRYPTO_CTR',
    'CONFIG_CRYPTO_GCM', 'CONFIG_CRYPTO_CCM', 'CONFIG_CRYPTO_SEQIV', 'CONFIG_CRYPTO_ECHAINIV',
    'CONFIG_CRYPTO_AUTHENC', 'CONFIG_CRYPTO_HMAC', 'CONFIG_CRYPTO_SHA1', 'CONFIG_CRYPTO_SHA256',
    'CONFIG_CRYPTO_SHA512', 'CONFIG_CRYPTO_CHACHA20POLY1305', 'CONFIG_CRYPTO_DES', 'CONFIG_CRYPTO_DEFLATE',
)

IPSEC_MODULES = ('esp4', 'esp6', 'ah4', 'ah6', 'xfrm_user', 'xfrm_algo', 'xfrm4_tunnel', 'xfrm6_tunnel',
                 'xfrm_interface', 'xfrm_ipcomp', 'ipcomp', 'ipcomp6', 'af_key', 'tunnel4', 'tunnel6', 'ip_vti',
                 'ip6_vti', 'esp4_offload', 'esp6_offload', 'xt_policy', 'nft_xfrm', 'authenc', 'authencesn',
                 'gcm', 'ccm', 'seqiv', 'echainiv', 'chacha20poly1305', 'deflate', 'tun')

# The kernel crypto templates ESP proposals need -> the config options that provide them.
CRYPTO = (
    ('rfc4106(gcm(aes))', ('CONFIG_CRYPTO_GCM',)),
    ('gcm(aes)', ('CONFIG_CRYPTO_GCM',)),
    ('cbc(aes)', ('CONFIG_CRYPTO_CBC', 'CONFIG_CRYPTO_AES')),
    ('ctr(aes)', ('CONFIG_CRYPTO_CTR', 'CONFIG_CRYPTO_AES')),
    ('ccm(aes)', ('CONFIG_CRYPTO_CCM', 'CONFIG_CRYPTO_AES')),
    ('hmac(sha1)', ('CONFIG_CRYPTO_HMAC', 'CONFIG_CRYPTO_SHA1')),
    ('hmac(sha256)', ('CONFIG_CRYPTO_HMAC', 'CONFIG_CRYPTO_SHA256')),
    ('hmac(sha384)', ('CONFIG_CRYPTO_HMAC', 'CONFIG_CRYPTO_SHA512')),
    ('hmac(sha512)', ('CONFIG_CRYPTO_HMAC', 'CONFIG_CRYPTO_SHA512')),
    ('rfc7539esp(chacha20,poly1305)', ('CONFIG_CRYPTO_CHACHA20POLY1305',)),
)

LIBIPSEC_PLUGIN = 'kernel-libipsec'
LIBIPSEC_LIBRARY = 'libstrongswan-kernel-libipsec.so'


def parse_kernel_config(text):
    """Return {CONFIG_X: 'y'|'m'|value} of a kernel config; '# CONFIG_X is not set' lines are left out."""
    config = {}
    for line in text.splitlines():
        line = line.strip()
        if line.startswith('CONFIG_') and '=' in line:
            key, _sep, value = line.partition('=')
            config[key] = value.strip('"')
    return config


def _kernel_config(host, release):
    try:
        data = host.files.read_bytes('/proc/config.gz')
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as handle:
            return '/proc/config.gz', parse_kernel_config(handle.read().decode('utf-8', errors='replace'))
    except (OSError, IOError, EOFError):
        pass
    path = '/boot/config-%s' % release
    try:
        return path, parse_kernel_config(host.files.read(path))
    except OSError:
        return None, None


def parse_proc_modules(text):
    """Return the module names of /proc/modules."""
    return [line.split()[0] for line in text.splitlines() if line.strip()]


def _module_name(path):
    name = path.rsplit('/', 1)[-1]
    for suffix in ('.xz', '.zst', '.gz'):
        if name.endswith(suffix):
            name = name[:-len(suffix)]
    return name[:-3].replace('-', '_') if name.endswith('.ko') else None


def _modules_on_disk(host, release):
    """Return (available modules, built-in modules) of the IPsec set under /lib/modules/<release>."""
    base = '/lib/modules/%s' % release
    available = []
    builtin = []
    for index, result in (('modules.dep', available), ('modules.builtin', builtin)):
        try:
            text = host.files.read('%s/%s' % (base, index))
        except OSError:
            continue
        for line in text.splitlines():
            name = _module_name(line.split(':', 1)[0].strip())
            if name in IPSEC_MODULES and name not in result:
                result.append(name)
    return sorted(available), sorted(builtin)


def parse_proc_crypto(text):
    """Return the algorithm and driver names listed in /proc/crypto."""
    names = set()
    for line in text.splitlines():
        key, _sep, value = line.partition(':')
        if key.strip() in ('name', 'driver'):
            names.add(value.strip())
    return names


def _supported(config, keys, loaded, available, builtin, modules):
    """Return True/False/None: is a feature built in, loaded or loadable; None when nothing is known."""
    if any(name in loaded or name in builtin for name in modules):
        return True
    if config is not None:
        values = [config.get(key) for key in keys]
        if any(value == 'y' for value in values):
            return True
        if any(value == 'm' for value in values):
            return config.get('CONFIG_MODULES') == 'y' and (not available or any(n in available for n in modules))
        return False
    if any(name in available for name in modules):
        return True
    return None


def _userspace_esp(host):
    """Return (True/False, source) for strongSwan's kernel-libipsec (userspace ESP)."""
    for daemon in daemons.installed_daemons(host):
        if daemon['family'] != daemons.STRONGSWAN or not daemon['running']:
            continue
        for pid in daemon['pids']:
            try:
                maps = host.files.read('/proc/%d/maps' % pid)
            except OSError:
                continue
            if LIBIPSEC_LIBRARY in maps:
                return True, '/proc/%d/maps' % pid
    plugins = daemons.strongswan_plugins(host) if daemons.STRONGSWAN in daemons.families(host) else None
    if plugins and LIBIPSEC_PLUGIN in plugins:
        settings = daemons.strongswan_settings(host) or {}
        if settings.get('load') is not None:
            return True, (settings.get('charon') or {}).get('src', {}).get('load')
        entry = (settings.get('plugins') or {}).get(LIBIPSEC_PLUGIN) or {}
        return True, entry.get('src')
    return False, None


def collect(host):
    """Return the kernel facts (docs/facts.md `kernel`)."""
    release = host.files.read_text('/proc/sys/kernel/osrelease')
    config_source, config = _kernel_config(host, release) if release else (None, None)
    if config is None:
        host.gap('kernel', 'kernel config not readable (/proc/config.gz, /boot/config-%s)' % release)
    try:
        loaded = parse_proc_modules(host.files.read('/proc/modules'))
        have_proc_modules = True
    except OSError:
        loaded, have_proc_modules = [], False
    available, builtin = _modules_on_disk(host, release) if release else ([], [])
    if config is not None and 'CONFIG_MODULES' in config:
        modules_supported = config.get('CONFIG_MODULES') == 'y'
    else:
        modules_supported = have_proc_modules
    try:
        crypto_names = parse_proc_crypto(host.files.read('/proc/crypto'))
    except OSError:
        crypto_names = None
    xfrm_sysctl = host.files.exists('/proc/sys/net/core/xfrm_acq_expires')
    xfrm_user = _supported(config, ('CONFIG_XFRM_USER',), loaded, available, builtin, ('xfrm_user',))
    crypto = {}
    for name, keys in CRYPTO:
        if crypto_names is not None and name in crypto_names:
            crypto[name] = True
        elif config is not None:
            crypto[name] = all(config.get(key) in ('y', 'm') for key in keys)
        else:
            crypto[name] = None
    userspace, userspace_src = _userspace_esp(host)
    shown_config = dict((key, config.get(key)) for key in CONFIG_KEYS) if config is not None else None
    return {
        'release': release,
        'config_source': config_source,
        'config': shown_config,
        'modules_supported': modules_supported,
        'modules_loaded': sorted(name for name in loaded if name in IPSEC_MODULES),
        'modules_available': available,
        'modules_builtin': builtin,
        'xfrm': bool(xfrm_sysctl and xfrm_user is not False),
        'esp': _supported(config, ('CONFIG_INET_ESP',), loaded, available, builtin, ('esp4',)),
        'esp6': _supported(config, ('CONFIG_INET6_ESP',), loaded, available, builtin, ('esp6',)),
        'ah': _supported(config, ('CONFIG_INET_AH',), loaded, available, builtin, ('ah4',)),
        'ipcomp': _supported(config, ('CONFIG_INET_IPCOMP',), loaded, available, builtin, ('ipcomp', 'xfrm_ipcomp')),
        'crypto': crypto,
        'userspace_esp': userspace,
        'userspace_esp_source': userspace_src,
    }
