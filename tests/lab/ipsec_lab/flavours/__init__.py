"""IPsec stacks a lab host can run: strongSwan (swanctl), strongSwan (legacy ipsec.conf), Libreswan."""

from .libreswan import Libreswan
from .strongswan_legacy import StrongswanLegacy
from .strongswan_swanctl import StrongswanSwanctl

FLAVOURS = {
    "strongswan": StrongswanSwanctl,
    "legacy": StrongswanLegacy,
    "libreswan": Libreswan,
}


def make_stack(host, pki):
    """The stack object for ``host`` (by its flavour name)."""
    return FLAVOURS[host.flavour](host, pki)
