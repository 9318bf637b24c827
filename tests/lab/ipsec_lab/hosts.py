"""Lab hosts: a network namespace plus one init process owning private mount, UTS and PID namespaces.

Inside a gateway host every default path belongs to that host: /etc, /var and /root are
overlays with a per-host upper folder, /run, /var/log and /tmp are per-host folders, /proc and
/sys are its own. Daemons therefore use their default paths (/etc/swanctl, /etc/ipsec.conf,
/run/charon.vici, /run/pluto, /var/lib/ipsec/nss ...). Commands run on a host through
``nsenter``; files are read and written from outside through ``/proc/<init>/root``.
"""

import os
import shlex
import shutil
import subprocess

from .constants import LIBRESWAN_CACHE, PREFIX
from .proc import LabError, alive, children, run, start_time, terminate, wait_until

HOST_ENV = {
    "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    "HOME": "/root",
    "LANG": "C.UTF-8",
    "TERM": "dumb",
}

# PID 1 of every host: reaps orphans quickly and leaves on SIGTERM (the kernel then ends
# every other process of the host's PID namespace).
REAPER = (
    "import os, signal, sys, time\n"
    "signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))\n"
    "signal.signal(signal.SIGINT, signal.SIG_IGN)\n"
    "open('/run/idl-ready', 'w', encoding='ascii').close()\n"
    "while True:\n"
    "    try:\n"
    "        os.waitpid(-1, 0)\n"
    "    except ChildProcessError:\n"
    "        time.sleep(0.1)\n"
)


class Client:
    """A protected-LAN client: a bare network namespace used as a ping source and target."""

    def __init__(self, name, addr, gateway_addr):
        self.name = name
        self.netns = PREFIX + name
        self.addr = addr
        self.gateway_addr = gateway_addr

    def run(self, command, check=True, timeout=60):
        """Run a shell ``command`` in the client namespace."""
        return run(["ip", "netns", "exec", self.netns, "sh", "-c", command], check=check, timeout=timeout)

    def ping(self, addr, count=2, wait=1):
        """True if ``addr`` answers ``count`` pings (``wait`` s per reply)."""
        command = "ping -n -q -c %d -W %d -i 0.2 %s" % (count, wait, addr)
        return self.run(command, check=False, timeout=count * wait + 10).returncode == 0

    def __repr__(self):
        return "Client(%s, %s)" % (self.name, self.addr)


class Host:  # pylint: disable=too-many-instance-attributes
    """A lab gateway host (see module docstring).

    ``flavour`` names the IPsec stack (``strongswan``, ``legacy`` or ``libreswan``); the
    flavour object that drives it is attached by the lab as ``host.stack``.
    """

    def __init__(self, name, flavour, addr, state_dir, lan=None):
        self.name = name
        self.flavour = flavour
        self.addr = addr
        self.netns = PREFIX + name
        self.root_link = PREFIX + name
        self.fqdn = "%s.lab" % name
        self.lan = lan  # (network, gateway address, client address, prefix length) or None
        self.client = None
        self.peer = None
        self.stack = None
        self.dir = os.path.join(state_dir, "hosts", name)
        self.init_pid = None
        self.init_started = None
        self.unshare_pid = None
        self._popen = None

    # -- lifecycle -------------------------------------------------------------------------
    def _mount_script(self):
        """Shell script run as the host's first process before it becomes the reaper."""
        quote = shlex.quote
        lines = ["set -e"]
        overlays = ["etc", "var", "root"]
        extra = {}
        if self.flavour == "libreswan":
            # /var of the cache lies below /var itself (overlapping layers are refused): its
            # few folders are copied into the upper layer by start() instead.
            extra = {name: os.path.join(LIBRESWAN_CACHE, name) for name in ("usr", "etc")}
            overlays.append("usr")
        for name in overlays:
            lower = "/" + name
            if name in extra:
                lower = extra[name] + ":" + lower
            upper = os.path.join(self.dir, "upper", name)
            work = os.path.join(self.dir, "work", name)
            lines.append(
                "mount -t overlay %s -o %s /%s"
                % (quote(PREFIX + name), quote("lowerdir=%s,upperdir=%s,workdir=%s" % (lower, upper, work)), name)
            )
        for inner, outer in (("/var/log", "log"), ("/tmp", "tmp"), ("/run", "run")):
            lines.append("mount --bind %s %s" % (quote(os.path.join(self.dir, outer)), inner))
        lines += [
            "mount -t proc proc /proc",
            "mount -t sysfs sysfs /sys",
            "hostname %s" % quote(self.name),
            "exec python3 -c %s" % quote(REAPER),
        ]
        return "\n".join(lines) + "\n"

    def start(self):
        """Create the host's folders and start its init process (the namespace must exist)."""
        for sub in ("upper/etc", "upper/var", "upper/root", "upper/usr", "work/etc", "work/var", "work/root",
                    "work/usr", "run", "log", "tmp"):
            os.makedirs(os.path.join(self.dir, sub), exist_ok=True)
        os.chmod(os.path.join(self.dir, "tmp"), 0o1777)
        if self.flavour == "libreswan":
            if not os.path.isdir(os.path.join(LIBRESWAN_CACHE, "usr")):
                raise LabError("Libreswan is not unpacked in %s: run scripts/lab-deps.sh" % LIBRESWAN_CACHE)
            shutil.copytree(os.path.join(LIBRESWAN_CACHE, "var"), os.path.join(self.dir, "upper", "var"),
                            symlinks=True, dirs_exist_ok=True)
        argv = ["unshare", "--mount", "--uts", "--pid", "--fork", "--propagation", "private",
                "nsenter", "--net=/run/netns/" + self.netns, "sh", "-c", self._mount_script()]
        errors = os.path.join(self.dir, "init.err")
        with open(errors, "w", encoding="utf-8") as stderr:
            # pylint: disable-next=consider-using-with
            self._popen = subprocess.Popen(argv, start_new_session=True, stdin=subprocess.DEVNULL,
                                           stdout=subprocess.DEVNULL, stderr=stderr, env=HOST_ENV)
        self.unshare_pid = self._popen.pid
        ready = os.path.join(self.dir, "run", "idl-ready")
        if not wait_until(lambda: os.path.exists(ready) or self._popen.poll() is not None, 10, 0.005):
            raise LabError("host %s: init did not come up" % self.name)
        if self._popen.poll() is not None:
            with open(errors, encoding="utf-8") as handle:
                raise LabError("host %s: init failed: %s" % (self.name, handle.read()))
        kids = wait_until(lambda: children(self.unshare_pid), 5, 0.005)
        if not kids:
            raise LabError("host %s: no init process" % self.name)
        self.init_pid = kids[0]
        self.init_started = start_time(self.init_pid)

    def stop(self):
        """End the host: TERM its init (the kernel ends the rest), then reap ``unshare``."""
        if self.init_pid:
            terminate(self.init_pid, self.init_started, grace=1.0)
        if self._popen is not None:
            try:
                self._popen.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._popen.kill()
                self._popen.wait(timeout=5)
            self._popen = None
        self.init_pid = None

    @property
    def running(self):
        """True while the host's init process lives."""
        return bool(self.init_pid) and alive(self.init_pid, self.init_started)

    def record(self):
        """What the state file keeps to clean this host up from another process."""
        return {"name": self.name, "init_pid": self.init_pid, "init_started": self.init_started,
                "unshare_pid": self.unshare_pid, "unshare_started": start_time(self.unshare_pid or 0)}

    # -- using the host ----------------------------------------------------------------------
    def nsenter(self):
        """argv prefix that enters every namespace of the host."""
        if not self.running:
            raise LabError("host %s is not running" % self.name)
        return ["nsenter", "-t", str(self.init_pid), "-m", "-u", "-p", "-n", "--wd=/", "--"]

    def run(self, command, check=True, input_text=None, timeout=60):
        """Run ``command`` (shell string or argv list) on the host; return the CompletedProcess."""
        argv = ["sh", "-c", command] if isinstance(command, str) else list(command)
        proc = subprocess.run(self.nsenter() + argv, input=input_text, capture_output=True, text=True,
                              timeout=timeout, env=HOST_ENV, check=False)
        if check and proc.returncode != 0:
            raise LabError("%s: command failed (%d): %s\n%s%s"
                           % (self.name, proc.returncode, command, proc.stdout, proc.stderr))
        return proc

    def spawn(self, command):
        """Start a long-running shell ``command`` on the host in the background; return its PID there."""
        proc = self.run("setsid sh -c %s </dev/null >/dev/null 2>&1 & echo $!" % shlex.quote("exec " + command))
        return int(proc.stdout.strip())

    def path(self, path):
        """Root-namespace path that reaches ``path`` as the host sees it."""
        return "/proc/%d/root%s" % (self.init_pid, path)

    def write(self, path, content, mode=0o644):
        """Write text ``content`` to ``path`` on the host (parents created) with ``mode``."""
        outer = self.path(path)
        os.makedirs(os.path.dirname(outer), exist_ok=True)
        with open(outer, "w", encoding="utf-8") as handle:
            handle.write(content)
        os.chmod(outer, mode)

    def read(self, path, default=None):
        """Text of ``path`` on the host, or ``default`` if it does not exist."""
        try:
            with open(self.path(path), encoding="utf-8", errors="replace") as handle:
                return handle.read()
        except FileNotFoundError:
            return default

    def exists(self, path):
        """True if ``path`` exists on the host."""
        return os.path.lexists(self.path(path))

    def remove(self, path):
        """Delete ``path`` on the host if present."""
        try:
            os.unlink(self.path(path))
        except FileNotFoundError:
            pass

    def log_path(self, name):
        """Root-namespace path of ``/var/log/<name>`` on this host (kept until the lab is removed)."""
        return os.path.join(self.dir, "log", name)

    def wait_for_socket(self, path, timeout=5.0):
        """Wait until ``path`` exists on the host; raise LabError if it does not appear."""
        if not wait_until(lambda: self.exists(path), timeout, 0.01):
            raise LabError("%s: %s did not appear within %.0f s" % (self.name, path, timeout))

    def wait_for_pid_file(self, path, timeout=5.0):
        """Wait until ``path`` on the host holds a PID; return it (LabError after ``timeout``)."""
        def read_pid():
            text = (self.read(path, "") or "").strip()
            return int(text) if text.isdigit() else None
        pid = wait_until(read_pid, timeout, 0.01)
        if pid is None:
            raise LabError("%s: no PID in %s within %.0f s" % (self.name, path, timeout))
        return pid

    def pid_alive(self, pid):
        """True if host-namespace ``pid`` runs (and is no zombie) on this host."""
        proc = self.run("ps -o stat= -p %d" % pid, check=False)
        stat = proc.stdout.strip()
        return proc.returncode == 0 and bool(stat) and not stat.startswith("Z")

    def kill(self, pid, timeout=5.0):
        """End host-namespace ``pid`` (TERM, then KILL) and wait until it is gone."""
        self.run("kill %d" % pid, check=False)
        if not wait_until(lambda: not self.pid_alive(pid), timeout, 0.02):
            self.run("kill -9 %d" % pid, check=False)
            wait_until(lambda: not self.pid_alive(pid), timeout, 0.02)

    def __repr__(self):
        return "Host(%s, %s, %s)" % (self.name, self.flavour, self.addr)
