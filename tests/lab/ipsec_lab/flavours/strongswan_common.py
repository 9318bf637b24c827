"""Parts shared by the two strongSwan flavours: strongswan.conf, credentials, SA queries."""

import re

from ..constants import RETRANSMIT_BASE, RETRANSMIT_TIMEOUT, RETRANSMIT_TRIES, STRONGSWAN_PLUGINS
from .base import Stack

# charon-systemd reads the "charon-systemd" section, starter's charon reads "charon": both get
# the same settings.
STRONGSWAN_CONF = """\
# strongswan.conf written by the ipsec.doctor lab
include strongswan.d/*.conf

charon {
    plugins {
        include strongswan.d/charon/*.conf
    }
%(body)s}

charon-systemd {
%(body)s}
"""

DAEMON_SETTINGS = """\
    load_modular = no
    load = %(load)s
    plugins {
        kernel-libipsec {
            # the package's kernel-libipsec.conf says "load = no", which also vetoes the load list
            load = yes
        }
    }
    retransmit_tries = %(tries)d
    retransmit_timeout = %(timeout)s
    retransmit_base = %(base)s
    filelog {
        charon {
            path = /var/log/charon.log
            time_format = %%Y-%%m-%%dT%%H:%%M:%%S
            time_add_ms = yes
            ike_name = yes
            append = yes
            flush_line = yes
            default = 1
        }
    }
"""


class StrongswanStack(Stack):
    """strongSwan (charon) with the lab's plugin list; SAs are queried over vici with swanctl."""

    log_name = "charon.log"
    extra_plugins = ""

    def plugin_list(self):
        """charon's explicit plugin list (without kernel-libipsec if the host state says so)."""
        plugins = STRONGSWAN_PLUGINS.split()
        if not self.state.libipsec:
            plugins.remove("kernel-libipsec")
        return " ".join(plugins + self.extra_plugins.split())

    def strongswan_conf(self):
        """Text of /etc/strongswan.conf."""
        body = DAEMON_SETTINGS % {"load": self.plugin_list(), "tries": RETRANSMIT_TRIES,
                                  "timeout": RETRANSMIT_TIMEOUT, "base": RETRANSMIT_BASE}
        return STRONGSWAN_CONF % {"body": body}

    def list_sas(self):
        """Output of ``swanctl --list-sas``."""
        return self.host.run("swanctl --list-sas --raw 2>/dev/null", check=False).stdout

    def _sa_block(self, conn):
        out = self.list_sas()
        match = re.search(r"%s \{(.*)" % re.escape(conn), out)
        return match.group(1) if match else ""

    def ike_established(self, conn):
        return "state=ESTABLISHED" in self._sa_block(conn)

    def child_installed(self, conn):
        return "state=INSTALLED" in self._sa_block(conn)

    def status(self):
        return self.host.run("swanctl --list-sas 2>/dev/null", check=False).stdout

    def key_path(self, directory):
        """Where the host's private key goes in ``directory``."""
        return "%s/%s.pem" % (directory, self.host.name)
