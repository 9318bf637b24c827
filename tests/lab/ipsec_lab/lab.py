"""The lab as a whole: bring every host up, run things on them, tear everything down."""

import atexit
import concurrent.futures
import os
import signal
import subprocess
import threading
import time

from . import inventory, net, state
from .constants import STATE_DIR
from .flavours import make_stack
from .hosts import Client, Host
from .pki import Pki
from .lock import LabLock
from .proc import LabError, terminate_all
from .ssh import SshKeys
from .topology import HOSTS, LAN_PREFIXLEN


class Lab:  # pylint: disable=too-many-instance-attributes
    """Real IPsec gateways in network namespaces, reached over SSH.

    ``hosts`` maps inventory names to Host objects (each with ``.stack`` and ``.client``);
    ``inventory_path`` is the generated Ansible inventory; ``ssh_key`` the private key.
    ``only`` restricts the lab to some host names.
    """

    def __init__(self, state_dir=STATE_DIR, only=None):
        self.state_dir = state_dir
        self.only = set(only) if only else None
        self.hosts = {}
        self.clients = {}
        self.keys = SshKeys(state_dir)
        self.lock = LabLock(state_dir)
        self.pki = None
        self.inventory_path = os.path.join(state_dir, "inventory.ini")
        self.timings = {}
        self._handlers_installed = False
        self._old_handlers = {}
        self._lock = threading.Lock()

    @property
    def ssh_key(self):
        """Path of the private key that logs in as root on every host."""
        return self.keys.client_key

    # -- lifecycle -------------------------------------------------------------------------
    def up(self):
        """Clear leftovers of an earlier run, then create the network, hosts and sshds.

        Only one lab runs on a machine at a time: ``up`` first waits (``IPSEC_LAB_LOCK_TIMEOUT`` s, default
        900) for the lab lock that a running lab holds until ``down``; a lab whose process died released it.
        """
        start = time.monotonic()
        self.lock.acquire()
        self.timings["lock_wait"] = time.monotonic() - start
        start = time.monotonic()
        self.clear_leftovers()
        self._install_handlers()
        os.makedirs(self.state_dir, mode=0o700, exist_ok=True)
        self.keys.ensure()
        self.pki = Pki(self.state_dir)
        specs = [item for item in HOSTS if self.only is None or item.name in self.only]
        try:
            net.create_bridge()
            for item in specs:
                host = Host(item.name, item.flavour, item.addr, self.state_dir,
                            lan=(item.lan, item.gw_lan_addr, item.client_addr, LAN_PREFIXLEN))
                host.peer = item.peer
                host.client = Client(item.name + "c", item.client_addr, item.gw_lan_addr)
                self.hosts[item.name] = host
                self.clients[host.client.name] = host.client
                net.add_netns(host.netns)
                net.add_netns(host.client.netns)
            self._save()
            # The hosts are independent: build them in parallel (most of the time is process start-up).
            with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
                for future in [pool.submit(self._build_host, host) for host in self.hosts.values()]:
                    future.result()
            self._save()
            self.write_inventory()
        except BaseException:
            self.down()
            raise
        self.timings["setup"] = time.monotonic() - start
        return self

    def _build_host(self, host):
        """Wire one host, start its init, sysctls and sshd."""
        item = host.lan
        net.attach_wan(host.netns, host.root_link, host.addr)
        net.attach_lan(host.netns, host.client.netns, item[1], item[2], item[3])
        host.start()
        with self._lock:
            self._save()
        host.stack = make_stack(host, self.pki)
        host.stack.apply_sysctls()
        self.keys.start_sshd(host)

    def down(self, keep_lock=False):
        """Remove everything the lab made (processes by PID, namespaces, links, host folders).

        ``keep_lock`` keeps the machine's lab lock, so no other session builds a lab meanwhile.
        """
        start = time.monotonic()
        terminate_all([(host.init_pid, host.init_started) for host in self.hosts.values() if host.init_pid], grace=1.0)
        for host in self.hosts.values():
            host.stop()
        state.cleanup(self.state_dir)
        self.hosts = {}
        self.clients = {}
        self._remove_handlers()
        if not keep_lock:
            self.lock.release()
        self.timings["teardown"] = time.monotonic() - start

    def clear_leftovers(self):
        """Remove what an earlier, interrupted lab left (its recorded PIDs and prefixed names only)."""
        return state.cleanup(self.state_dir)

    def _save(self):
        state.save(self.state_dir, {"pid": os.getpid(), "hosts": [host.record() for host in self.hosts.values()]})

    def detach(self):
        """Leave the lab running when this process exits (``python -m ipsec_lab up``)."""
        self._remove_handlers()
        self.lock.release()

    @classmethod
    def attach(cls, state_dir=STATE_DIR):
        """A Lab object for a lab another process brought up (hosts from the state file).

        Hosts, their daemons and tunnels are restored from the state folder (each stack records itself).
        """
        lab = cls(state_dir=state_dir)
        lab.pki = Pki(state_dir)
        specs = {item.name: item for item in HOSTS}
        for record in state.load(state_dir).get("hosts", []):
            item = specs.get(record["name"])
            if item is None or not record.get("init_pid"):
                continue
            host = Host(item.name, item.flavour, item.addr, state_dir,
                        lan=(item.lan, item.gw_lan_addr, item.client_addr, LAN_PREFIXLEN))
            host.peer = item.peer
            host.init_pid, host.init_started = record["init_pid"], record.get("init_started")
            host.unshare_pid = record.get("unshare_pid")
            if not host.running:
                continue
            host.client = Client(item.name + "c", item.client_addr, item.gw_lan_addr)
            host.stack = make_stack(host, lab.pki)
            host.stack.load()
            lab.hosts[host.name] = host
            lab.clients[host.client.name] = host.client
        return lab

    def _install_handlers(self):
        if self._handlers_installed:
            return
        atexit.register(self.down)
        for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            try:
                self._old_handlers[signum] = signal.signal(signum, self._on_signal)
            except ValueError:  # not the main thread: atexit and the caller's finalizers remain
                break
        self._handlers_installed = True

    def _remove_handlers(self):
        if not self._handlers_installed:
            return
        atexit.unregister(self.down)
        for signum, handler in self._old_handlers.items():
            signal.signal(signum, handler)
        self._old_handlers = {}
        self._handlers_installed = False

    def _on_signal(self, signum, frame):
        old = self._old_handlers.get(signum)
        self.down()
        if callable(old):
            old(signum, frame)
        elif signum == signal.SIGINT:
            raise KeyboardInterrupt
        else:
            raise SystemExit(128 + signum)

    def __enter__(self):
        return self.up()

    def __exit__(self, *exc):
        self.down()

    # -- using the lab ---------------------------------------------------------------------
    def host(self, name):
        """The Host called ``name``."""
        try:
            return self.hosts[name]
        except KeyError:
            raise LabError("no lab host %r (have: %s)" % (name, ", ".join(self.hosts))) from None

    def run(self, host, command, check=True, timeout=60):
        """Run a shell ``command`` on host ``host`` (name or Host) through nsenter."""
        if not isinstance(host, Host):
            host = self.host(host)
        return host.run(command, check=check, timeout=timeout)

    def ssh(self, host, command, check=True, timeout=60):
        """Run ``command`` on ``host`` over real SSH (as Ansible would)."""
        if not isinstance(host, Host):
            host = self.host(host)
        proc = subprocess.run(self.keys.ssh_argv(host) + [command], capture_output=True, text=True, timeout=timeout,
                              check=False)
        if check and proc.returncode != 0:
            raise LabError("ssh %s %r failed (%d): %s" % (host.name, command, proc.returncode, proc.stderr))
        return proc

    def write_inventory(self):
        """(Re)write the Ansible inventory; return its path."""
        with open(self.inventory_path, "w", encoding="utf-8") as handle:
            handle.write(inventory.render(self.hosts, self.ssh_key))
        return self.inventory_path

    def scenario(self, a, b, auth="psk", **kwargs):
        """A Scenario: tunnel from initiator ``a`` to responder ``b`` (see scenario.py)."""
        from .scenario import Scenario  # pylint: disable=import-outside-toplevel
        return Scenario(self, a, b, auth=auth, **kwargs)

    def status(self):
        """One line per host: name, flavour, address, init PID, daemon state."""
        lines = []
        for host in self.hosts.values():
            daemon = host.stack.running() if host.stack else False
            lines.append("%-4s %-10s %-15s init=%s daemon=%s" % (host.name, host.flavour, host.addr, host.init_pid,
                                                                 "running" if daemon else "stopped"))
        return "\n".join(lines)
