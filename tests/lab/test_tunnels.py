"""Healthy tunnels between real daemons: strongSwan, legacy strongSwan and Libreswan."""

import pytest

pytestmark = pytest.mark.lab


def test_psk_tunnel_carries_client_ping(psk_tunnel):
    """A PSK tunnel sw1 -> sw2 is up on both ends and client-to-client ping goes through it."""
    assert psk_tunnel.established(child=True)
    assert psk_tunnel.ping(), psk_tunnel.describe()


def test_cert_tunnel_carries_client_ping(cert_tunnel):
    """A certificate (ECDSA, lab root CA) tunnel sw1 -> sw2 carries client-to-client ping."""
    assert cert_tunnel.established(child=True)
    assert cert_tunnel.ping(), cert_tunnel.describe()
    assert cert_tunnel.wait_for("a", r"authentication of 'sw2\.lab' with ECDSA_WITH_SHA256_DER successful", 1)


def test_cert_chain_tunnel(scenario):
    """Certificates issued by an intermediate CA (root + intermediate trusted) establish a tunnel."""
    tunnel = scenario("sw1", "sw2", auth="cert", cert="chain").up()
    assert tunnel.ping(), tunnel.describe()
    assert tunnel.wait_for("b", r"using trusted intermediate ca certificate", 1)


def test_legacy_strongswan_with_swanctl(scenario):
    """A legacy ipsec.conf host (starter + charon) establishes a tunnel with a swanctl host, both ways."""
    tunnel = scenario("lg1", "sw1").up()
    assert tunnel.ping(), tunnel.describe()
    reverse = scenario("sw2", "lg2").up()
    assert reverse.ping(), reverse.describe()


def test_legacy_strongswan_with_swanctl_cert(scenario):
    """The legacy flavour also works with certificates."""
    tunnel = scenario("lg1", "sw1", auth="cert").up()
    assert tunnel.ping(), tunnel.describe()


def test_libreswan_pair_ike_sa(scenario):
    """Two Libreswan hosts reach an established IKE SA; the CHILD SA cannot install (no kernel ESP)."""
    tunnel = scenario("ls1", "ls2").up(child=False)
    assert tunnel.established(child=False)
    assert tunnel.wait_for("b", r"netlink response for Add SA .*\((errno 93|errno 38)\)", 5), tunnel.describe()
    assert tunnel.wait_for("a", r"IKE_AUTH response rejected Child SA with TS_UNACCEPTABLE", 5), tunnel.describe()


def test_strongswan_to_libreswan_ike_sa(scenario):
    """strongSwan (initiator) and Libreswan (responder) reach an established IKE SA."""
    tunnel = scenario("sw2", "ls2").up(child=False)
    assert tunnel.established(child=False), tunnel.describe()
