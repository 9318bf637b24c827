"""Common part of the lab's IPsec stacks."""

import dataclasses
import json
import os

from ..proc import wait_until
from ..spec import HEALTHY_SYSCTLS, HostState, TunnelEnd


class Stack:
    """One IPsec daemon on one lab host.

    Subclasses render ``TunnelEnd`` objects into the stack's own files and drive the daemon
    with its own tools. The host's tunnels are kept in ``self.ends`` (by connection name)
    so every (re)configuration writes all of them.
    """

    name = "base"
    log_name = "daemon.log"
    daemon_argv = ""

    def __init__(self, host, pki):
        self.host = host
        self.pki = pki
        self.ends = {}
        self.state = HostState()
        self.daemon_pid = None
        self.last_load = None

    # -- to be provided by subclasses --------------------------------------------------------
    def write_config(self):
        """Write daemon and connection configuration for ``self.ends`` and ``self.state``."""
        raise NotImplementedError

    def start(self):
        """Start the daemon and load the configuration."""
        raise NotImplementedError

    def initiate(self, conn):
        """Start negotiating ``conn`` (returns at once)."""
        raise NotImplementedError

    def rekey(self, conn):
        """Rekey the CHILD SA of ``conn``."""
        raise NotImplementedError

    def ike_established(self, conn):
        """True if the IKE SA of ``conn`` is established."""
        raise NotImplementedError

    def child_installed(self, conn):
        """True if the CHILD (IPsec) SA of ``conn`` is installed."""
        raise NotImplementedError

    def status(self):
        """Human-readable SA status."""
        raise NotImplementedError

    # -- shared ----------------------------------------------------------------------------
    @property
    def log_path(self):
        """Root-namespace path of the daemon log (``/var/log/<log_name>`` on the host)."""
        return self.host.log_path(self.log_name)

    def log_size(self):
        """Current size of the daemon log."""
        try:
            return os.path.getsize(self.log_path)
        except FileNotFoundError:
            return 0

    def log_since(self, offset):
        """Log text written after ``offset``."""
        try:
            with open(self.log_path, encoding="utf-8", errors="replace") as handle:
                handle.seek(offset)
                return handle.read()
        except FileNotFoundError:
            return ""

    def running(self):
        """True if the daemon started by the lab is running."""
        return self.daemon_pid is not None and self.host.pid_alive(self.daemon_pid)

    def stop(self):
        """Stop the daemon the lab started (by its PID)."""
        if self.daemon_pid is not None:
            self.host.kill(self.daemon_pid)
            self.daemon_pid = None
        self.save()

    @property
    def _state_file(self):
        return os.path.join(self.host.dir, "stack.json")

    def save(self):
        """Record daemon PID, tunnels and host state, so another process can attach (see Lab.attach)."""
        data = {"daemon_pid": self.daemon_pid, "state": dataclasses.asdict(self.state),
                "ends": {conn: dataclasses.asdict(end) for conn, end in self.ends.items()}}
        if os.path.isdir(self.host.dir):
            with open(self._state_file, "w", encoding="utf-8") as handle:
                json.dump(data, handle)

    def load(self):
        """Restore what ``save`` recorded (if anything)."""
        try:
            with open(self._state_file, encoding="utf-8") as handle:
                data = json.load(handle)
        except (FileNotFoundError, ValueError):
            return
        self.daemon_pid = data.get("daemon_pid")
        state = data.get("state", {})
        state["nft_drop_ports"] = tuple(state.get("nft_drop_ports", ()))
        self.state = HostState(**state)
        self.ends = {}
        for conn, end in data.get("ends", {}).items():
            end["cas"] = tuple(end.get("cas", ()))
            self.ends[conn] = TunnelEnd(**end)

    def spawn_daemon(self, socket_path, timeout=5.0):
        """Start ``daemon_argv`` in the background and wait for its control socket."""
        self.host.remove(socket_path)
        self.daemon_pid = self.host.spawn(self.daemon_argv)
        self.host.wait_for_socket(socket_path, timeout)

    def apply(self):
        """Make the host match ``self.ends`` and ``self.state``: config, firewall, sysctls, daemon."""
        self.stop()
        self.write_config()
        self.apply_firewall()
        self.apply_sysctls()
        if self.state.daemon_running:
            self.start()
        self.save()

    def apply_firewall(self):
        """Drop incoming UDP to the ports in ``state.nft_drop_ports`` (table inet idl_fault)."""
        self.host.run("nft delete table inet idl_fault 2>/dev/null || true")
        if self.state.nft_drop_ports:
            ports = ", ".join(str(port) for port in self.state.nft_drop_ports)
            rules = ("table inet idl_fault {\n  chain input {\n    type filter hook input priority -10; policy accept;\n"
                     "    udp dport { %s } counter drop\n  }\n}\n" % ports)
            self.host.run("nft -f -", input_text=rules)

    def apply_sysctls(self):
        """Set the host's sysctls (healthy values plus any fault overrides)."""
        values = dict(HEALTHY_SYSCTLS)
        values.update(self.state.sysctls)
        args = " ".join("%s=%s" % item for item in sorted(values.items()))
        self.host.run("sysctl -q -w %s" % args)

    def wait_established(self, conn, child=True, timeout=10.0):
        """Wait until ``conn`` is established (with its CHILD SA if ``child``); return success."""
        if child:
            return wait_until(lambda: self.child_installed(conn), timeout, 0.05)
        return wait_until(lambda: self.ike_established(conn), timeout, 0.05)

    def set_state(self, state=None):
        """Replace the host state (``None``: healthy)."""
        self.state = state.copy() if state is not None else HostState()
