"""The lab's hosts and addresses (documented in docs/lab.md).

WAN 198.51.100.0/26 on bridge ``idl-wan`` (controller 198.51.100.1); every gateway protects
a /28 from the upper half with one client namespace (``<gateway>c``) in it.
"""

import collections

HostSpec = collections.namedtuple("HostSpec", "name flavour addr lan gw_lan_addr client_addr peer")

LAN_PREFIXLEN = 28

HOSTS = (
    HostSpec("sw1", "strongswan", "198.51.100.10", "198.51.100.128/28", "198.51.100.129", "198.51.100.130", "sw2"),
    HostSpec("sw2", "strongswan", "198.51.100.20", "198.51.100.144/28", "198.51.100.145", "198.51.100.146", "sw1"),
    HostSpec("sw3", "strongswan", "198.51.100.11", "198.51.100.224/28", "198.51.100.225", "198.51.100.226", "sw4"),
    HostSpec("sw4", "strongswan", "198.51.100.21", "198.51.100.240/28", "198.51.100.241", "198.51.100.242", "sw3"),
    HostSpec("ls1", "libreswan", "198.51.100.30", "198.51.100.160/28", "198.51.100.161", "198.51.100.162", "ls2"),
    HostSpec("ls2", "libreswan", "198.51.100.40", "198.51.100.176/28", "198.51.100.177", "198.51.100.178", "ls1"),
    HostSpec("lg1", "legacy", "198.51.100.50", "198.51.100.192/28", "198.51.100.193", "198.51.100.194", "sw1"),
    HostSpec("lg2", "legacy", "198.51.100.60", "198.51.100.208/28", "198.51.100.209", "198.51.100.210", "sw2"),
)

# Used by faults: a subnet no host has, and a /27 that overlaps sw1's and sw2's LANs.
UNUSED_NET = "198.51.100.64/28"
OVERLAP_NET = "198.51.100.128/27"

GROUP_VARS = {
    "strongswan": {"ipsec_lab_daemon": "strongswan", "ipsec_lab_config": "swanctl", "ipsec_lab_log": "/var/log/charon.log"},
    "legacy": {"ipsec_lab_daemon": "strongswan", "ipsec_lab_config": "ipsec.conf", "ipsec_lab_log": "/var/log/charon.log"},
    "libreswan": {"ipsec_lab_daemon": "libreswan", "ipsec_lab_config": "ipsec.conf", "ipsec_lab_log": "/var/log/pluto.log"},
}
