"""Per-host sshd: root login with the lab key, listening on the host's WAN address only."""

import os

from .proc import run

SSHD_CONFIG = """\
# sshd_config written by the ipsec.doctor lab
ListenAddress %(addr)s
Port 22
HostKey /etc/ssh/idl_host_ed25519_key
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
UseDNS no
AuthorizedKeysFile /etc/ssh/idl_authorized_keys
PidFile /run/sshd.pid
Subsystem sftp /usr/lib/openssh/sftp-server
"""


class SshKeys:
    """The lab's client key and shared host key, kept in ``<state>/ssh``."""

    def __init__(self, state_dir):
        self.dir = os.path.join(state_dir, "ssh")
        self.client_key = os.path.join(self.dir, "id_ed25519")
        self.host_key = os.path.join(self.dir, "host_ed25519")

    def ensure(self):
        """Create the keys if missing."""
        os.makedirs(self.dir, mode=0o700, exist_ok=True)
        for path, comment in ((self.client_key, "ipsec-doctor-lab"), (self.host_key, "ipsec-doctor-lab-host")):
            if not os.path.exists(path):
                run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", path])

    @staticmethod
    def _read(path):
        with open(path, encoding="ascii") as handle:
            return handle.read()

    def start_sshd(self, host):
        """Configure and start sshd on ``host``; return its PID on the host."""
        host.write("/etc/ssh/sshd_config", SSHD_CONFIG % {"addr": host.addr})
        host.write("/etc/ssh/idl_host_ed25519_key", self._read(self.host_key), 0o600)
        host.write("/etc/ssh/idl_host_ed25519_key.pub", self._read(self.host_key + ".pub"))
        host.write("/etc/ssh/idl_authorized_keys", self._read(self.client_key + ".pub"))
        host.run("mkdir -p /run/sshd && chmod 755 /run/sshd && /usr/sbin/sshd")
        return host.wait_for_pid_file("/run/sshd.pid")

    def ssh_argv(self, host):
        """argv prefix to run a command on ``host`` over SSH from the root namespace."""
        return ["ssh", "-i", self.client_key, "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                "-o", "LogLevel=ERROR", "-o", "BatchMode=yes", "root@" + host.addr]
