"""Every fault of the catalogue leaves its known signature on the right side (sw1 -> sw2, strongSwan)."""

import pytest

from ipsec_lab.faults import CATALOGUE, FAULTS
from ipsec_lab.scenario import check_concurrently

pytestmark = pytest.mark.lab

# Faults that only show after a retransmit timeout (~12 s) run at once on disjoint host pairs.
SLOW = {"udp500_dropped": ("sw1", "sw2"), "daemon_stopped": ("sw3", "sw4"), "udp4500_dropped": ("lg1", "lg2")}
FAST = [fault.id for fault in CATALOGUE if fault.id not in SLOW]


@pytest.fixture(scope="module")
def slow_results(lab):
    """Results of the slow faults, checked concurrently."""
    jobs = [(lab.scenario(a, b, auth="psk"), [fault_id]) for fault_id, (a, b) in SLOW.items()]
    try:
        results = check_concurrently(jobs)
    finally:
        for job_scenario, _faults in jobs:
            job_scenario.remove()
    return dict(zip(SLOW, results))


@pytest.mark.parametrize("fault_id", FAST)
def test_fault_signature(scenario, fault_id):
    """Inject one fault, trigger the tunnel, find every expected signature; restore leaves it healthy."""
    fault = FAULTS[fault_id]
    tunnel = scenario("sw1", "sw2", auth=fault.auth or "psk")
    tunnel.inject(fault_id)
    result = tunnel.check()
    assert result.ok, result.report()


@pytest.mark.parametrize("fault_id", sorted(SLOW))
def test_slow_fault_signature(slow_results, fault_id):
    """Faults seen only after the retransmit timeout (checked together, see slow_results)."""
    result = slow_results[fault_id]
    assert result.ok, result.report()


@pytest.mark.parametrize("fault_id, side", [("local_id_mismatch", "b"), ("remote_id_mismatch", "b")])
def test_id_fault_on_responder(scenario, fault_id, side):
    """The identity faults also exist on the responder side."""
    tunnel = scenario("sw1", "sw2")
    tunnel.inject(fault_id, side=side)
    result = tunnel.check()
    assert result.ok, result.report()


def test_several_faults_and_restore(scenario):
    """Two faults at once show both signatures; restore() brings the healthy tunnel back."""
    tunnel = scenario("sw1", "sw2")
    tunnel.inject("esp_proposal_mismatch", "ip_forward_off")
    result = tunnel.check()
    assert result.ok, result.report()
    tunnel.restore()
    tunnel.initiate()
    assert tunnel.wait_established(child=True), tunnel.describe()
    assert tunnel.ping(), tunnel.describe()


@pytest.mark.parametrize("fault_id", FAST)
def test_legacy_fault_signature(scenario, fault_id):
    """The same faults on a legacy ipsec.conf pair (lg1 -> lg2): same charon, own config handling."""
    fault = FAULTS[fault_id]
    tunnel = scenario("lg1", "lg2", auth=fault.auth or "psk")
    tunnel.inject(fault_id)
    result = tunnel.check()
    assert result.ok, result.report()


LIBRESWAN = [fault.id for fault in CATALOGUE if fault.libreswan is not None]


@pytest.mark.parametrize("fault_id", LIBRESWAN)
def test_libreswan_fault_signature(scenario, fault_id):
    """Faults with verified Libreswan signatures, on a Libreswan pair (ls1 -> ls2)."""
    tunnel = scenario("ls1", "ls2")
    tunnel.inject(fault_id)
    result = tunnel.check()
    assert result.ok, result.report()
