"""Lab network: the WAN bridge in the root namespace, namespaces, veths and addresses.

Layout (see docs/lab.md): bridge ``idl-wan`` holds 198.51.100.1/26 (the controller side);
every gateway has ``eth0`` on that bridge and, if it has a client, ``lan0`` towards a client
namespace whose ``eth0`` sits in the gateway's /28.
"""

import os

from .constants import BRIDGE, CONTROLLER_ADDR, PREFIX, WAN_PREFIXLEN
from .proc import run

NETNS_DIR = "/run/netns"
SYSCTL_BASE = "/proc/sys/net"


def ip(*args, netns=None, check=True):
    """Run ``ip`` in the root namespace or in ``netns``."""
    argv = ["ip"]
    if netns:
        argv += ["-n", netns]
    return run(argv + list(args), check=check)


def lab_namespaces():
    """Names of existing network namespaces that belong to the lab."""
    try:
        return sorted(name for name in os.listdir(NETNS_DIR) if name.startswith(PREFIX))
    except FileNotFoundError:
        return []


def lab_links():
    """Names of root-namespace links that belong to the lab (bridge and veths)."""
    return sorted(name for name in os.listdir("/sys/class/net") if name.startswith(PREFIX))


def create_bridge():
    """Create the WAN bridge with the controller address."""
    ip("link", "add", BRIDGE, "type", "bridge")
    ip("addr", "add", "%s/%d" % (CONTROLLER_ADDR, WAN_PREFIXLEN), "dev", BRIDGE)
    ip("link", "set", BRIDGE, "up")


def add_netns(netns):
    """Create network namespace ``netns`` with loopback up and forwarding on."""
    ip("netns", "add", netns)
    ip("link", "set", "lo", "up", netns=netns)


def attach_wan(netns, root_link, addr):
    """Give ``netns`` an ``eth0`` on the WAN bridge (root side ``root_link``) with ``addr``."""
    ip("link", "add", root_link, "type", "veth", "peer", "name", "eth0", "netns", netns)
    ip("link", "set", root_link, "master", BRIDGE, "up")
    ip("addr", "add", "%s/%d" % (addr, WAN_PREFIXLEN), "dev", "eth0", netns=netns)
    ip("link", "set", "eth0", "up", netns=netns)


def attach_lan(gw_netns, client_netns, gw_addr, client_addr, prefixlen):
    """Link gateway ``lan0`` and client ``eth0`` in one /``prefixlen``; the client routes via the gateway."""
    ip("link", "add", "lan0", "netns", gw_netns, "type", "veth", "peer", "name", "eth0", "netns", client_netns)
    ip("addr", "add", "%s/%d" % (gw_addr, prefixlen), "dev", "lan0", netns=gw_netns)
    ip("link", "set", "lan0", "up", netns=gw_netns)
    ip("addr", "add", "%s/%d" % (client_addr, prefixlen), "dev", "eth0", netns=client_netns)
    ip("link", "set", "eth0", "up", netns=client_netns)
    ip("route", "add", "default", "via", gw_addr, netns=client_netns)


def remove_all():
    """Delete every lab namespace and root-side lab link; return what was removed."""
    removed = []
    for name in lab_links():
        if ip("link", "del", name, check=False).returncode == 0:
            removed.append(name)
    for name in lab_namespaces():
        if ip("netns", "del", name, check=False).returncode == 0:
            removed.append("netns " + name)
    return removed
