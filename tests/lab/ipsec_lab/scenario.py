"""Scenario API: a tunnel between two lab hosts, brought up healthy, broken by faults, restored.

    sc = lab.scenario("sw1", "sw2", auth="psk")   # a = initiator, b = responder
    sc.up()                       # healthy: IKE + CHILD SA, client-to-client ping works
    sc.inject("wrong_psk")        # reconfigure both hosts with the fault(s), restart daemons
    result = sc.check()           # initiate, wait for every expected signature
    assert result.ok, result.report()
    sc.restore()                  # healthy configuration again (call sc.up() to re-establish)
"""

import concurrent.futures
import re
import time

from .faults import FAULTS, Fault
from .proc import LabError, wait_until
from .spec import HEALTHY_ESP_PFS, HostState, TunnelEnd

SIDES = ("a", "b")


class CheckResult:
    """What ``Scenario.check`` saw: matched and missing signatures, observations, log excerpts."""

    def __init__(self, faults):
        self.faults = faults
        self.matched = []      # (signature, matched line)
        self.missing = []      # signature
        self.observed = {}     # name -> (expected, seen)
        self.logs = {}         # side -> text since the trigger
        self.elapsed = 0.0

    @property
    def ok(self):
        """True if every signature matched and every observation was as expected."""
        return not self.missing and all(expected == seen for expected, seen in self.observed.values())

    def report(self):
        """Multi-line text for assertion messages."""
        lines = ["faults: %s (%.1f s)" % (", ".join(fault.id for fault in self.faults), self.elapsed)]
        lines += ["  matched %s: %s" % (sig, line) for sig, line in self.matched]
        lines += ["  MISSING %s" % (sig,) for sig in self.missing]
        lines += ["  observed %s: expected %s, saw %s" % (name, exp, seen) for name, (exp, seen) in self.observed.items()]
        for side, text in self.logs.items():
            tail = "\n".join(text.splitlines()[-25:])
            lines.append("--- %s log since trigger (last 25 lines) ---\n%s" % (side, tail))
        return "\n".join(lines)


class Scenario:  # pylint: disable=too-many-instance-attributes
    """A tunnel from host ``a`` (initiator) to host ``b`` (responder)."""

    def __init__(self, lab, a, b, auth="psk", conn=None, psk=None, cert="valid"):  # pylint: disable=too-many-arguments
        self.lab = lab
        self.hosts = {"a": lab.host(a), "b": lab.host(b)}
        self.auth = auth
        self.conn = conn or "%s-%s" % (a, b)
        if auth == "cert" and any(host.flavour == "libreswan" for host in self.hosts.values()):
            raise LabError("the lab supports PSK only on Libreswan hosts")
        psk = psk or "idl-lab-psk-%s" % self.conn
        cas = ("root", "intermediate") if cert == "chain" else ("root",)
        host_a, host_b = self.hosts["a"], self.hosts["b"]
        self.healthy = {
            "a": TunnelEnd(conn=self.conn, local_addr=host_a.addr, remote_addr=host_b.addr, local_id=host_a.fqdn,
                           remote_id=host_b.fqdn, local_ts=host_a.lan[0], remote_ts=host_b.lan[0], auth=auth, psk=psk,
                           cert=cert, cas=cas, host_name=host_a.name),
            "b": TunnelEnd(conn=self.conn, local_addr=host_b.addr, remote_addr=host_a.addr, local_id=host_b.fqdn,
                           remote_id=host_a.fqdn, local_ts=host_b.lan[0], remote_ts=host_a.lan[0], auth=auth, psk=psk,
                           cert=cert, cas=cas, host_name=host_b.name),
        }
        if len(set(host.flavour == "libreswan" for host in self.hosts.values())) == 2:
            for side in SIDES:
                self.healthy[side] = self.healthy[side].copy(esp_proposals=HEALTHY_ESP_PFS)
        self.faults = []
        self.ends = dict(self.healthy)
        self.states = {side: HostState() for side in SIDES}
        self.offsets = {side: 0 for side in SIDES}

    # -- configuration ---------------------------------------------------------------------
    def host(self, side):
        """Host on ``side`` (``a`` or ``b``)."""
        return self.hosts[side]

    def stack(self, side):
        """IPsec stack on ``side``."""
        return self.hosts[side].stack

    def _apply(self):
        for side in SIDES:
            stack = self.stack(side)
            stack.ends[self.conn] = self.ends[side]
            stack.set_state(self.states[side])
            stack.apply()

    def configure(self):
        """Write the healthy configuration on both hosts and (re)start their daemons."""
        self.faults = []
        self.ends = dict(self.healthy)
        self.states = {side: HostState() for side in SIDES}
        self._apply()

    def inject(self, *faults, side=None):
        """Reconfigure both hosts with ``faults`` (ids or Fault objects) on top of the healthy setup.

        ``side`` moves every given fault to that side (for faults that exist on either side).
        The daemons are restarted; call ``check()`` (or ``initiate()``) afterwards.
        """
        chosen = []
        for item in faults:
            fault = item if isinstance(item, Fault) else FAULTS[item]
            if side is not None:
                fault = fault.on(side)
            if fault.auth and fault.auth != self.auth:
                raise LabError("fault %s needs a %s scenario" % (fault.id, fault.auth))
            chosen.append(fault)
        self.ends = dict(self.healthy)
        self.states = {s: HostState() for s in SIDES}
        for fault in chosen:
            fault.apply(self)
        self.faults = chosen
        self._apply()
        return chosen

    def restore(self):
        """Back to the healthy configuration (daemons restarted, firewall and sysctls reset)."""
        self.configure()

    def remove(self):
        """Take this tunnel off both hosts (daemons restarted without it, stopped if nothing is left)."""
        for side in SIDES:
            stack = self.stack(side)
            stack.ends.pop(self.conn, None)
            stack.set_state()
            stack.apply()
            if not stack.ends:
                stack.stop()

    # -- negotiation -------------------------------------------------------------------------
    def mark(self):
        """Remember where both logs end now; later reads start here."""
        for side in SIDES:
            self.offsets[side] = self.stack(side).log_size()

    def initiate(self):
        """Mark the logs and let ``a`` initiate the tunnel (returns at once)."""
        self.mark()
        self.stack("a").initiate(self.conn)

    def established(self, child=True):
        """True if both ends have the IKE SA (and the CHILD SA if ``child``)."""
        if child:
            return all(self.stack(side).child_installed(self.conn) for side in SIDES)
        return all(self.stack(side).ike_established(self.conn) for side in SIDES)

    def wait_established(self, child=True, timeout=10.0):
        """Wait until ``established(child)``; return success."""
        return bool(wait_until(lambda: self.established(child), timeout, 0.05))

    def up(self, child=None, timeout=10.0):
        """Healthy configuration, initiate, wait. ``child`` defaults to False when Libreswan is involved.

        Raises LabError (with both logs) if the tunnel does not come up.
        """
        if child is None:
            child = not any(host.flavour == "libreswan" for host in self.hosts.values())
        self.configure()
        self.initiate()
        if not self.wait_established(child, timeout):
            raise LabError("tunnel %s did not come up\n%s" % (self.conn, self.describe()))
        return self

    def ping(self, count=2):
        """True if a's client reaches b's client through the tunnel."""
        client = self.host("a").client
        return client.ping(self.host("b").client.addr, count=count)

    def log(self, side):
        """Log text on ``side`` since the last mark."""
        return self.stack(side).log_since(self.offsets[side])

    def wait_for(self, side, pattern, timeout=5.0):
        """First log line on ``side`` (since the mark) matching regex ``pattern``, or None after ``timeout``."""
        regex = re.compile(pattern)

        def find():
            for line in self.log(side).splitlines():
                if regex.search(line):
                    return line
            return None
        return wait_until(find, timeout, 0.05)

    def describe(self):
        """Status and recent log lines of both ends (for error messages)."""
        parts = []
        for side in SIDES:
            host = self.host(side)
            tail = "\n".join(self.log(side).splitlines()[-20:])
            parts.append("== %s (%s, %s)\n%s\n-- log --\n%s" % (side, host.name, host.flavour,
                                                                self.stack(side).status(), tail))
        return "\n".join(parts)

    def check(self, timeout=None):
        """Trigger the injected faults and wait for every expected signature; return a CheckResult."""
        result = CheckResult(self.faults)
        flavours = (self.host("a").flavour, self.host("b").flavour)
        chosen = []
        for fault in self.faults:
            signatures = fault.signatures_for(flavours)
            if signatures is None:
                raise LabError("fault %s has no verified signatures for %s -> %s" % ((fault.id,) + flavours))
            chosen.append((fault, signatures))
        strongswan = "libreswan" not in flavours
        start = time.monotonic()
        timeout = timeout or max([fault.timeout for fault in self.faults] + [5.0])
        self.initiate()
        if any(fault.trigger == "rekey" for fault in self.faults):
            self.wait_established(child=True, timeout=5.0)
            self.stack("a").rekey(self.conn)
        deadline = start + timeout
        for fault, signatures in chosen:
            for sig in signatures:
                line = sig.find(self, max(0.0, deadline - time.monotonic()))
                if line is None:
                    result.missing.append(sig)
                else:
                    result.matched.append((sig, line))
        for fault in self.faults if strongswan else ():
            if fault.established is not None:
                seen = self.wait_established(child=False, timeout=3.0) if fault.established else self.established(False)
                result.observed["%s: IKE SA established" % fault.id] = (fault.established, bool(seen))
            if fault.ping is not None:
                self.wait_established(child=True, timeout=3.0)
                result.observed["%s: client ping" % fault.id] = (fault.ping, self.ping())
        result.logs = {side: self.log(side) for side in SIDES}
        result.elapsed = time.monotonic() - start
        return result


def check_concurrently(jobs):
    """Inject and check several (scenario, fault ids) jobs at once; the scenarios must not share hosts.

    Useful for faults that only show after a retransmit timeout. Returns the CheckResults in order.
    """
    hosts = [host.name for scenario, _faults in jobs for host in scenario.hosts.values()]
    if len(hosts) != len(set(hosts)):
        raise LabError("concurrent scenarios must not share hosts: %s" % ", ".join(hosts))
    for scenario, faults in jobs:
        scenario.inject(*faults)
    with concurrent.futures.ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        futures = [pool.submit(scenario.check) for scenario, _faults in jobs]
        return [future.result() for future in futures]
