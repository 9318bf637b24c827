"""strongSwan with the legacy ipsec.conf / ipsec.secrets, run by ``ipsec start`` (starter + charon)."""

from ..proc import LabError, wait_until
from .strongswan_common import StrongswanStack

IPSEC_D = "/etc/ipsec.d"


class StrongswanLegacy(StrongswanStack):
    """strongSwan 5.9 configured with /etc/ipsec.conf and /etc/ipsec.secrets (stroke)."""

    name = "legacy"
    extra_plugins = "stroke"

    def ipsec_conf(self):
        """Text of /etc/ipsec.conf."""
        lines = ["# ipsec.conf written by the ipsec.doctor lab", "config setup", "    uniqueids = yes", ""]
        for end in self.ends.values():
            auth = "psk" if end.auth == "psk" else "pubkey"
            lines += [
                "conn %s" % end.conn,
                "    keyexchange = %s" % ("ikev2" if end.version == 2 else "ikev1"),
                "    left = %s" % end.local_addr,
                "    leftid = %s" % end.local_id,
                "    leftsubnet = %s" % end.local_ts,
                "    leftauth = %s" % auth,
                "    right = %s" % end.remote_addr,
                "    rightid = %s" % end.remote_id,
                "    rightsubnet = %s" % end.remote_ts,
                "    rightauth = %s" % auth,
                "    ike = %s!" % end.ike_proposals,
                "    esp = %s!" % end.esp_proposals,
                "    auto = add",
            ]
            if end.auth == "cert":
                lines.append("    leftcert = %s.pem" % self.host.name)
            lines.append("")
        if self.state.config_syntax_error:
            # a forgotten "=": starter refuses the whole file ("missing value for setting")
            lines.append("conn broken\n    leftsubnet 198.51.100.64/28\n")
        return "\n".join(lines)

    def ipsec_secrets(self):
        """Text of /etc/ipsec.secrets."""
        lines = ["# ipsec.secrets written by the ipsec.doctor lab"]
        for end in self.ends.values():
            if end.auth == "psk":
                lines.append("%s %s : PSK \"%s\"" % (end.local_id, end.remote_id, end.psk))
            elif end.key_present:
                lines.append(": ECDSA %s.pem" % self.host.name)
        return "\n".join(lines) + "\n"

    def write_config(self):
        host = self.host
        host.write("/etc/strongswan.conf", self.strongswan_conf())
        host.run("rm -f %s/certs/* %s/cacerts/* %s/private/*" % ((IPSEC_D,) * 3))
        certs = [end for end in self.ends.values() if end.auth == "cert"]
        if certs:
            end = certs[0]
            host.write("%s/certs/%s.pem" % (IPSEC_D, host.name),
                       self.pki.read(self.pki.host_cert(host.name, end.local_id, end.cert)))
            if end.key_present:
                host.write(self.key_path(IPSEC_D + "/private"), self.pki.read(self.pki.host_key(host.name)),
                           end.key_mode)
            for ca_name in end.cas:
                host.write("%s/cacerts/%s.pem" % (IPSEC_D, ca_name), self.pki.read(self.pki.ca_cert(ca_name)))
        host.write("/etc/ipsec.conf", self.ipsec_conf())
        host.write("/etc/ipsec.secrets", self.ipsec_secrets(), 0o600)

    def start(self):
        offset = self.log_size()
        self.host.remove("/run/starter.charon.pid")
        self.host.remove("/run/charon.pid")
        self.host.remove("/run/charon.vici")
        self.host.remove("/run/charon.ctl")
        self.last_load = self.host.run("ipsec start 2>&1", check=False)
        if self.state.config_syntax_error and "fatal errors in config" in self.last_load.stdout:
            return  # starter refused to start
        self.daemon_pid = self.host.wait_for_pid_file("/run/starter.charon.pid")
        self.host.wait_for_socket("/run/charon.vici")
        self.host.wait_for_pid_file("/run/charon.pid")
        # starter hands the connections to charon after it started: wait until charon has them all
        wanted = ["added configuration '%s'" % conn for conn in self.ends]
        if not wait_until(lambda: all(item in self.log_since(offset) for item in wanted), 5.0, 0.02):
            raise LabError("%s: starter did not load %s" % (self.host.name, ", ".join(self.ends)))

    def stop(self):
        if self.daemon_pid is not None or self.host.exists("/run/starter.charon.pid"):
            self.host.run("ipsec stop >/dev/null 2>&1", check=False)
            charon = int((self.host.read("/run/charon.pid", "") or "0").strip() or 0)
            for pid in (self.daemon_pid, charon):
                if pid:
                    self.host.kill(pid)
        self.daemon_pid = None

    def running(self):
        return self.daemon_pid is not None and self.host.pid_alive(self.daemon_pid)

    def initiate(self, conn):
        self.host.run("ipsec stroke up-nb %s >/dev/null 2>&1" % conn, check=False)

    def rekey(self, conn):
        self.host.run("swanctl --rekey --child %s" % conn, check=False)  # vici is loaded next to stroke
