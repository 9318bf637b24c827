"""Libreswan 4.10 (pluto) from the unpacked .deb overlaid on the host's /usr and /etc.

CHILD SAs can never be installed on this lab's kernel (no kernel ESP, and Libreswan has no
userspace ESP): IKE SAs establish, CHILD SAs fail with "Function not implemented (errno 38)".
"""

import re

from ..constants import RETRANSMIT_TIMEOUT, RETRANSMIT_TRIES
from .base import Stack

PLUTO_CTL = "/run/pluto/pluto.ctl"
ALGS = {"sha256": "sha2_256", "sha384": "sha2_384", "sha512": "sha2_512", "ecp256": "dh19", "ecp384": "dh20",
        "modp2048": "dh14", "modp3072": "dh15", "modp1024": "dh2"}


def libreswan_algs(proposals):
    """Translate a strongSwan proposal (``aes256-sha256-ecp256``) to Libreswan syntax."""
    return "-".join(ALGS.get(part, part) for part in proposals.split("-"))


class Libreswan(Stack):
    """Libreswan configured with /etc/ipsec.conf and /etc/ipsec.secrets (PSK only)."""

    name = "libreswan"
    log_name = "pluto.log"
    daemon_argv = "/usr/libexec/ipsec/pluto --config /etc/ipsec.conf --nofork"

    def ipsec_conf(self):
        """Text of /etc/ipsec.conf."""
        timeout = int(RETRANSMIT_TIMEOUT * 1000)
        lines = [
            "# ipsec.conf written by the ipsec.doctor lab",
            "config setup",
            "    logfile=/var/log/pluto.log",
            "    logappend=yes",
            "    logtime=yes",
            "    dnssec-enable=no",
            "",
        ]
        for end in self.ends.values():
            lines += [
                "conn %s" % end.conn,
                "    ikev2=%s" % ("insist" if end.version == 2 else "no"),
                "    authby=secret",
                "    left=%s" % end.local_addr,
                "    leftid=@%s" % end.local_id,
                "    leftsubnet=%s" % end.local_ts,
                "    right=%s" % end.remote_addr,
                "    rightid=@%s" % end.remote_id,
                "    rightsubnet=%s" % end.remote_ts,
                "    ike=%s" % libreswan_algs(end.ike_proposals),
                "    esp=%s" % libreswan_algs(end.esp_proposals),
                "    retransmit-interval=%d" % timeout,
                "    retransmit-timeout=%ds" % (timeout * (2 ** RETRANSMIT_TRIES) // 1000),
                "    auto=add",
                "",
            ]
        if self.state.config_syntax_error:
            lines.append("conn broken\n    left=\n  bogus line\n")
        return "\n".join(lines)

    def ipsec_secrets(self):
        """Text of /etc/ipsec.secrets."""
        lines = ["# ipsec.secrets written by the ipsec.doctor lab"]
        for end in self.ends.values():
            lines.append("@%s @%s : PSK \"%s\"" % (end.local_id, end.remote_id, end.psk))
        return "\n".join(lines) + "\n"

    def write_config(self):
        host = self.host
        if not host.exists("/var/lib/ipsec/nss/cert9.db"):
            host.run("ipsec initnss >/dev/null 2>&1")
        host.write("/etc/ipsec.conf", self.ipsec_conf())
        host.write("/etc/ipsec.secrets", self.ipsec_secrets(), 0o600)

    def start(self):
        self.host.run("mkdir -p /run/pluto")
        # pluto refuses to start on a configuration it cannot parse: check it first, keep the output.
        self.last_load = self.host.run("ipsec addconn --checkconfig 2>&1", check=False)
        if self.last_load.returncode != 0 and self.state.config_syntax_error:
            return
        self.spawn_daemon(PLUTO_CTL)
        # make sure pluto has found its interfaces before connections are added and initiated
        self.host.run("ipsec whack --listen >/dev/null 2>&1", check=False)
        for conn in self.ends:
            self.host.run("ipsec auto --add %s 2>&1" % conn, check=False)
        self.host.run("ipsec auto --rereadsecrets 2>&1", check=False)

    def initiate(self, conn):
        self.host.run("ipsec auto --asynchronous --up %s >/dev/null 2>&1" % conn, check=False)

    def rekey(self, conn):
        self.host.run("ipsec whack --rekey-ipsec --name %s >/dev/null 2>&1" % conn, check=False)

    def _states(self):
        return self.host.run("ipsec whack --showstates 2>/dev/null", check=False).stdout

    def ike_established(self, conn):
        return bool(re.search(r'"%s".*ESTABLISHED_IKE_SA' % re.escape(conn), self._states()))

    def child_installed(self, conn):
        return bool(re.search(r'"%s".*ESTABLISHED_CHILD_SA' % re.escape(conn), self._states()))

    def status(self):
        return self._states()
