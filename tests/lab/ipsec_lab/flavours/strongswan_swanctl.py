"""strongSwan with swanctl.conf: charon-systemd started directly, configuration loaded over vici."""

from .strongswan_common import StrongswanStack

SWANCTL = "/etc/swanctl"


class StrongswanSwanctl(StrongswanStack):
    """strongSwan 5.9 configured with /etc/swanctl/swanctl.conf."""

    name = "strongswan"
    daemon_argv = "/usr/sbin/charon-systemd"

    def _conn(self, end):
        auth = "psk" if end.auth == "psk" else "pubkey"
        lines = [
            "    %s {" % end.conn,
            "        version = %d" % end.version,
            "        local_addrs = %s" % end.local_addr,
            "        remote_addrs = %s" % end.remote_addr,
            "        proposals = %s" % end.ike_proposals,
            "        local {",
            "            auth = %s" % auth,
            "            id = %s" % end.local_id,
        ]
        if end.auth == "cert":
            lines.append("            certs = %s.pem" % self.host.name)
        lines += [
            "        }",
            "        remote {",
            "            auth = %s" % auth,
            "            id = %s" % end.remote_id,
            "        }",
            "        children {",
            "            %s {" % end.conn,
            "                local_ts = %s" % end.local_ts,
            "                remote_ts = %s" % end.remote_ts,
            "                esp_proposals = %s" % end.esp_proposals,
            "            }",
            "        }",
            "    }",
        ]
        return lines

    def swanctl_conf(self):
        """Text of /etc/swanctl/swanctl.conf for every tunnel end of the host."""
        lines = ["# swanctl.conf written by the ipsec.doctor lab", "connections {"]
        for end in self.ends.values():
            lines += self._conn(end)
        lines += ["}", "", "secrets {"]
        for end in self.ends.values():
            if end.auth == "psk":
                lines += ["    ike-%s {" % end.conn, "        id-1 = %s" % end.local_id,
                          "        id-2 = %s" % end.remote_id, "        secret = \"%s\"" % end.psk, "    }"]
        lines.append("}")
        if self.state.config_syntax_error:
            lines.append("connections { broken {")
        return "\n".join(lines) + "\n"

    def write_config(self):
        host = self.host
        host.write("/etc/strongswan.conf", self.strongswan_conf())
        host.run("rm -f %s/x509/* %s/x509ca/* %s/private/* %s/ecdsa/*" % ((SWANCTL,) * 4))
        certs = [end for end in self.ends.values() if end.auth == "cert"]
        if certs:
            end = certs[0]
            host.write("%s/x509/%s.pem" % (SWANCTL, host.name),
                       self.pki.read(self.pki.host_cert(host.name, end.local_id, end.cert)))
            if end.key_present:
                host.write(self.key_path(SWANCTL + "/private"), self.pki.read(self.pki.host_key(host.name)),
                           end.key_mode)
            for ca_name in end.cas:
                host.write("%s/x509ca/%s.pem" % (SWANCTL, ca_name), self.pki.read(self.pki.ca_cert(ca_name)))
        host.write(SWANCTL + "/swanctl.conf", self.swanctl_conf(), 0o600)

    def start(self):
        self.spawn_daemon("/run/charon.vici")
        self.last_load = self.host.run("swanctl --load-all --noprompt 2>&1", check=False)

    def initiate(self, conn):
        # --timeout: swanctl returns while charon keeps negotiating in the background.
        self.host.run("swanctl --initiate --child %s --timeout 1 >/dev/null 2>&1 &" % conn, check=False)

    def rekey(self, conn):
        self.host.run("swanctl --rekey --child %s" % conn, check=False)
