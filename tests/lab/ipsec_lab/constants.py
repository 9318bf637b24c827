"""Names, addresses and paths of the lab: one place for every constant.

Every object the lab creates outside its hosts carries ``PREFIX`` so cleanup can find it
(network namespaces, the bridge, root-side veths, the state folder). Addresses come only
from 198.51.100.0/24 (TEST-NET-2); the WAN is the lower /26, protected LANs are /28s from
the upper half.
"""

import os

PREFIX = "idl-"
STATE_DIR = os.environ.get("IPSEC_LAB_STATE_DIR", "/run/idl-lab")
LIBRESWAN_CACHE = os.environ.get("IPSEC_LAB_LIBRESWAN", "/var/cache/ipsec-doctor-lab/libreswan")

BRIDGE = PREFIX + "wan"
WAN_PREFIXLEN = 26
CONTROLLER_ADDR = "198.51.100.1"
WAN_NET = "198.51.100.0/26"

# Retransmit settings: "peer not responding" after ~12 s instead of ~165 s.
RETRANSMIT_TRIES = 3
RETRANSMIT_TIMEOUT = 1.0
RETRANSMIT_BASE = 1.8

# strongSwan 5.9.8 plugin list; kernel-libipsec gives userspace ESP on kernels without
# CONFIG_INET_ESP, and "kdf" is needed by 5.9.8 for PRF-based key derivation.
STRONGSWAN_PLUGINS = (
    "random nonce openssl aes sha1 sha2 hmac kdf gcm pem pkcs1 pkcs8 x509 revocation "
    "constraints pubkey gmp kernel-libipsec kernel-netlink socket-default vici updown"
)
