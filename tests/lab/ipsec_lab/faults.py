"""The fault catalogue: what each fault changes, on which side, and what it leaves in the logs.

Sides: ``a`` is the initiator, ``b`` the responder of a Scenario. Signatures are regular
expressions searched in the daemon log of a side (``source="log"``), in the output of the
configuration load command (``source="load"``) or in the output of a command run on the side
(``source="command"``). The signatures were observed with strongSwan 5.9.8 on both sides
(swanctl flavour); other flavours log differently.
"""

import dataclasses
import ipaddress
import re

from .proc import wait_until
from .topology import OVERLAP_NET, UNUSED_NET


@dataclasses.dataclass(frozen=True)
class Signature:
    """An expected trace of a fault."""

    side: str
    pattern: str
    source: str = "log"
    command: str = ""

    def find(self, scenario, timeout):
        """The first matching line, or None once ``timeout`` s have passed."""
        regex = re.compile(self.pattern)
        if self.source == "log":
            return scenario.wait_for(self.side, self.pattern, timeout)
        if self.source == "load":
            load = scenario.stack(self.side).last_load
            text = (load.stdout + load.stderr) if load is not None else ""
        else:
            proc = scenario.host(self.side).run(self.command.format(host=scenario.host(self.side).name), check=False)
            text = proc.stdout + proc.stderr

        def search():
            for line in text.splitlines():
                if regex.search(line):
                    return line
            return None
        return wait_until(search, 0)

    def __str__(self):
        where = self.source if self.source != "command" else "command [%s]" % self.command
        return "%s %s /%s/" % (self.side, where, self.pattern)


def _other(side):
    return "b" if side == "a" else "a"


@dataclasses.dataclass(frozen=True)
class Fault:  # pylint: disable=too-many-instance-attributes
    """One fault of the catalogue (see docs/lab.md for the table)."""

    id: str
    category: str
    side: str
    change: str
    finding: str
    signatures: tuple = ()
    auth: str = "psk"
    trigger: str = "initiate"
    established: bool = None
    ping: bool = None
    timeout: float = 5.0
    mutate: object = None
    sides: dict = dataclasses.field(default_factory=dict)
    libreswan: tuple = None
    legacy: tuple = None

    def apply(self, scenario):
        """Change the scenario's ends and host states (before they are written out)."""
        self.mutate(scenario, self.side)

    def on(self, side):
        """This fault applied on ``side`` (only for faults that list alternative sides)."""
        if side == self.side:
            return self
        if side not in self.sides:
            raise ValueError("fault %s exists only on side %s" % (self.id, self.side))
        return dataclasses.replace(self, side=side, signatures=self.sides[side], libreswan=None, legacy=None)

    def signatures_for(self, flavours):
        """Signatures for a pair of flavours (a, b), or None if none were verified for it.

        ``signatures`` hold for strongSwan on both ends (charon logs the same with either configuration
        flavour; ``legacy`` replaces them where the legacy flavour differs); ``libreswan`` for Libreswan
        on both ends.
        """
        if "libreswan" in flavours:
            return self.libreswan if tuple(flavours) == ("libreswan", "libreswan") else None
        if "legacy" in flavours and self.legacy is not None:
            return self.legacy
        return self.signatures


def set_end(**changes):
    """Mutation: change fields of the end on the fault's side."""
    def mutate(scenario, side):
        scenario.ends[side] = scenario.ends[side].copy(**changes)
    return mutate


def set_state(**changes):
    """Mutation: change the host state on the fault's side."""
    def mutate(scenario, side):
        scenario.states[side] = scenario.states[side].copy(**changes)
    return mutate


def set_sysctl(key, value):
    """Mutation: set a sysctl on the fault's side."""
    def mutate(scenario, side):
        sysctls = dict(scenario.states[side].sysctls)
        sysctls[key] = value
        scenario.states[side] = scenario.states[side].copy(sysctls=sysctls)
    return mutate


def drop_port(port):
    """Mutation: drop incoming UDP ``port`` on the fault's side (nftables)."""
    def mutate(scenario, side):
        ports = tuple(scenario.states[side].nft_drop_ports) + (port,)
        scenario.states[side] = scenario.states[side].copy(nft_drop_ports=ports)
    return mutate


def local_id_mismatch(scenario, side):
    """Mutation: the side presents an identity its peer does not expect."""
    end = scenario.ends[side]
    scenario.ends[side] = end.copy(local_id="wrong-%s" % end.local_id)


def remote_id_mismatch(scenario, side):
    """Mutation: the side expects another identity from its peer."""
    end = scenario.ends[side]
    scenario.ends[side] = end.copy(remote_id="wrong-%s" % end.remote_id)


def ts_mismatch(scenario, side):
    """Mutation: the side expects a remote subnet the peer does not protect."""
    scenario.ends[side] = scenario.ends[side].copy(remote_ts=UNUSED_NET)


def subnet_overlap(scenario, side):
    """Mutation: the peer protects the /27 around this side's own /28 LAN (both ends agree)."""
    overlap = str(ipaddress.ip_network(scenario.host(side).lan[0]).supernet(new_prefix=27))
    scenario.ends[side] = scenario.ends[side].copy(remote_ts=overlap)
    other = _other(side)
    scenario.ends[other] = scenario.ends[other].copy(local_ts=overlap)


def pfs_mismatch(scenario, side):
    """Mutation: the side requires PFS (ECP-256) on CHILD SAs, the peer proposes none."""
    end = scenario.ends[side]
    scenario.ends[side] = end.copy(esp_proposals=end.esp_proposals + "-ecp256")


def rp_filter_strict(scenario, side):
    """Mutation: strict reverse-path filtering on the side (all and eth0)."""
    set_sysctl("net.ipv4.conf.all.rp_filter", "1")(scenario, side)
    set_sysctl("net.ipv4.conf.eth0.rp_filter", "1")(scenario, side)


def private_key_world_readable(scenario, side):
    """Mutation: the private key file is mode 0644."""
    scenario.ends[side] = scenario.ends[side].copy(key_mode=0o644)


AUTH_FAILED_A = Signature("a", r"received AUTHENTICATION_FAILED notify error")
NO_TRUSTED_KEY_B = Signature("b", r"no trusted ECDSA public key found for '\S+'")
NO_PEER_CONFIG_B = Signature("b", r"no matching peer config found")
CONN_ID_WRONG_B = Signature("b", r"id: wrong-", source="command", command="swanctl --list-conns 2>/dev/null")
LS_AUTH_REJECTED_A = Signature("a", r"IKE SA authentication request rejected by peer: AUTHENTICATION_FAILED")
LS_NO_PROP_INIT_A = Signature("a", r"dropping unexpected IKE_SA_INIT message containing NO_PROPOSAL_CHOSEN notification")
KEY_PATHS = "/etc/swanctl/private/{host}.pem /etc/ipsec.d/private/{host}.pem"

CATALOGUE = (
    Fault("wrong_psk", "auth", "b", "b has another pre-shared key", "PSK_MISMATCH",
          (AUTH_FAILED_A, Signature("b", r"tried \d+ shared key.* but MAC mismatched")),
          mutate=set_end(psk="idl-wrong-psk"),
          libreswan=(LS_AUTH_REJECTED_A,
                     Signature("b", r"authentication failed: computed hash does not match hash received from peer"))),
    Fault("ike_proposal_mismatch", "config", "b", "b allows only aes128-sha1-modp2048 for IKE", "IKE_PROPOSAL_MISMATCH",
          (Signature("a", r"received NO_PROPOSAL_CHOSEN notify error"),
           Signature("b", r"received proposals unacceptable")),
          auth=None, mutate=set_end(ike_proposals="aes128-sha1-modp2048"),
          libreswan=(LS_NO_PROP_INIT_A, Signature("b", r"no local proposal matches remote proposals 1:IKE:"),
                     Signature("b", r"responding to IKE_SA_INIT message .* with unencrypted notification NO_PROPOSAL_CHOSEN"))),
    Fault("esp_proposal_mismatch", "config", "b", "b allows only aes128-sha1 for ESP", "ESP_PROPOSAL_MISMATCH",
          (Signature("a", r"received NO_PROPOSAL_CHOSEN notify, no CHILD_SA built"),
           Signature("b", r"no acceptable proposal found")),
          auth=None, established=True, mutate=set_end(esp_proposals="aes128-sha1"),
          libreswan=(Signature("a", r"IKE_AUTH response rejected Child SA with NO_PROPOSAL_CHOSEN"),
                     Signature("b", r"no local proposal matches remote proposals 1:ESP:"),
                     Signature("b", r"IKE_AUTH responder matching remote ESP/AH proposals failed"))),
    Fault("pfs_mismatch", "config", "b", "b requires PFS (ecp256) for CHILD SAs; visible at the first CHILD rekey",
          "PFS_MISMATCH",
          (Signature("a", r"received NO_PROPOSAL_CHOSEN notify, no CHILD_SA built"),
           Signature("b", r"configured proposals: ESP:\S*ECP_256"),
           Signature("b", r"generating CREATE_CHILD_SA response \d+ \[ N\(NO_PROP\) \]")),
          auth=None, trigger="rekey", established=True, mutate=pfs_mismatch),
    Fault("udp500_dropped", "network", "b", "nftables on b drops incoming UDP 500", "FIREWALL_BLOCKS_IKE",
          (Signature("a", r"retransmit 1 of request with message ID 0"),
           Signature("a", r"giving up after \d+ retransmits")),
          auth=None, timeout=16.0, mutate=drop_port(500)),
    Fault("udp4500_dropped", "nat", "b", "nftables on b drops incoming UDP 4500", "NAT_T_BLOCKED",
          (Signature("a", r"retransmit 1 of request with message ID 1"),
           Signature("a", r"giving up after \d+ retransmits")),
          auth=None, timeout=16.0, mutate=drop_port(4500)),
    Fault("cert_expired", "auth", "a", "a's certificate expired in 2021", "CERT_EXPIRED",
          (AUTH_FAILED_A, Signature("b", r"subject certificate invalid \(valid from .* to .*\)"), NO_TRUSTED_KEY_B),
          auth="cert", mutate=set_end(cert="expired")),
    Fault("cert_not_yet_valid", "auth", "a", "a's certificate is valid only from 2036", "CERT_NOT_YET_VALID",
          (AUTH_FAILED_A, Signature("b", r"subject certificate invalid \(valid from .* to .*\)"), NO_TRUSTED_KEY_B),
          auth="cert", mutate=set_end(cert="not_yet_valid")),
    Fault("cert_untrusted", "auth", "a", "a's certificate comes from a CA b does not trust", "CERT_UNTRUSTED",
          (AUTH_FAILED_A, Signature("b", r"no issuer certificate found for")),
          auth="cert", mutate=set_end(cert="other_ca")),
    Fault("ca_missing", "auth", "b", "b has no CA certificate", "CERT_UNTRUSTED",
          (AUTH_FAILED_A, NO_TRUSTED_KEY_B),
          auth="cert", mutate=set_end(cas=())),
    Fault("cert_san_mismatch", "auth", "a", "a's certificate names wrong-<host>.lab, not a's ID", "CERT_ID_MISMATCH",
          (AUTH_FAILED_A, Signature("b", r"received end entity cert \".*CN=wrong-"),
           NO_TRUSTED_KEY_B),
          auth="cert", mutate=set_end(cert="san_mismatch"),
          legacy=(AUTH_FAILED_A, Signature("b", r"received end entity cert \".*CN=wrong-"),
                  Signature("b", r"looking for peer configs matching \S+\.\.\.\S+\[C=.*CN=wrong-"), NO_PEER_CONFIG_B)),
    Fault("local_id_mismatch", "config", "a", "a presents wrong-<id> instead of the ID b expects", "ID_MISMATCH",
          (AUTH_FAILED_A, Signature("a", r"authentication of 'wrong-\S+' \(myself\)"),
           Signature("b", r"looking for peer configs matching \S+\.\.\.\S+\[wrong-"), NO_PEER_CONFIG_B),
          auth=None, mutate=local_id_mismatch,
          sides={"b": (AUTH_FAILED_A, NO_PEER_CONFIG_B, CONN_ID_WRONG_B)},
          libreswan=(LS_AUTH_REJECTED_A,
                     Signature("b", r"Peer ID '@wrong-\S+' mismatched on first found connection and no better connection found"))),
    Fault("remote_id_mismatch", "config", "a", "a expects wrong-<id> from b", "ID_MISMATCH",
          (AUTH_FAILED_A, Signature("b", r"looking for peer configs matching \S+\[wrong-\S+\]\.\.\."),
           NO_PEER_CONFIG_B),
          auth=None, mutate=remote_id_mismatch,
          sides={"b": (AUTH_FAILED_A, NO_PEER_CONFIG_B, CONN_ID_WRONG_B)},
          libreswan=(Signature("a", r"Peer ID '@\S+' mismatched on first found connection and no better connection found"),
                     Signature("b", r"responder established IKE SA"))),
    Fault("ike_version_mismatch", "config", "b", "b's connection is IKEv1 only", "IKE_VERSION_MISMATCH",
          (Signature("a", r"received NO_PROPOSAL_CHOSEN notify error"),
           Signature("b", r"no IKE config found for")),
          auth=None, mutate=set_end(version=1),
          libreswan=(LS_NO_PROP_INIT_A,
                     Signature("b", r"IKE_SA_INIT message received on \S+ but no suitable connection found with IKEv2 policy"))),
    Fault("ts_mismatch", "routing", "b", "b expects a's subnet to be %s" % UNUSED_NET, "TS_MISMATCH",
          (Signature("a", r"received TS_UNACCEPTABLE notify, no CHILD_SA built"),
           Signature("b", r"traffic selectors .* unacceptable")),
          auth=None, established=True, mutate=ts_mismatch,
          libreswan=(Signature("a", r"IKE_AUTH response rejected Child SA with TS_UNACCEPTABLE"),
                     Signature("b", r"No IKEv2 connection found with compatible Traffic Selectors"))),
    Fault("subnet_overlap", "routing", "a",
          "b protects the /27 around a's own /28 LAN (%s for sw1 -> sw2)" % OVERLAP_NET,
          "SUBNET_OVERLAP", (Signature("a", r"CHILD_SA \S+ established with SPIs .* TS \S+/28 === \S+/27"),),
          auth=None, established=True, ping=False, mutate=subnet_overlap),
    Fault("private_key_world_readable", "auth", "a", "a's private key file is mode 0644 (strongSwan accepts it)",
          "KEY_PERMISSIONS",
          (Signature("a", r"^644 ", source="command", command="stat -c '%a %n' " + KEY_PATHS + " 2>/dev/null"),),
          auth="cert", established=True, ping=True, mutate=private_key_world_readable),
    Fault("private_key_missing", "auth", "a", "a's private key file is deleted", "PRIVATE_KEY_MISSING",
          (Signature("a", r"no private key found for"),),
          auth="cert", mutate=set_end(key_present=False)),
    Fault("ip_forward_off", "kernel", "b", "net.ipv4.ip_forward=0 on b: SAs up, client traffic lost, no log line",
          "IP_FORWARD_DISABLED", (Signature("b", r"^0$", source="command", command="sysctl -n net.ipv4.ip_forward"),),
          auth=None, established=True, ping=False, mutate=set_sysctl("net.ipv4.ip_forward", "0")),
    Fault("rp_filter_strict", "kernel", "b",
          "net.ipv4.conf.{all,eth0}.rp_filter=1 on b; with kernel-libipsec traffic still flows (only the sysctl shows it)",
          "RP_FILTER_STRICT",
          (Signature("b", r"^1$", source="command", command="sysctl -n net.ipv4.conf.all.rp_filter"),),
          auth=None, established=True, ping=True, mutate=rp_filter_strict),
    Fault("daemon_stopped", "service", "b", "the IKE daemon on b is not running", "DAEMON_NOT_RUNNING",
          (Signature("a", r"retransmit 1 of request with message ID 0"),
           Signature("a", r"giving up after \d+ retransmits")),
          auth=None, timeout=16.0, mutate=set_state(daemon_running=False)),
    Fault("config_syntax_error", "service", "b", "b's swanctl.conf has a syntax error (daemon restarted, nothing loaded)",
          "CONFIG_PARSE_ERROR",
          (Signature("b", r"syntax error", source="load"),
           Signature("b", r"invalid config file '/etc/swanctl/swanctl\.conf'", source="load"),
           Signature("a", r"received NO_PROPOSAL_CHOSEN notify error"),
           Signature("b", r"no IKE config found for \S+, sending NO_PROPOSAL_CHOSEN")),
          auth=None, mutate=set_state(config_syntax_error=True),
          libreswan=(Signature("b", r"cannot load config '/etc/ipsec.conf': /etc/ipsec.conf:\d+: syntax error", source="load"),
                     Signature("a", r"STATE_V2_PARENT_I1: retransmission")),
          legacy=(Signature("b", r"missing value for setting", source="load"),
                  Signature("b", r"invalid config file '/etc/ipsec\.conf'", source="load"),
                  Signature("b", r"unable to start strongSwan -- fatal errors in config", source="load"),
                  Signature("a", r"retransmit 1 of request with message ID 0"))),
    Fault("no_userspace_esp", "kernel", "b", "b's charon runs without kernel-libipsec on a kernel without ESP",
          "KERNEL_ESP_UNSUPPORTED",
          (Signature("a", r"received NO_PROPOSAL_CHOSEN notify, no CHILD_SA built"),
           Signature("b", r"received netlink error: Protocol not supported \(93\)"),
           Signature("b", r"unable to install inbound and outbound IPsec SA \(SAD\) in kernel")),
          auth=None, established=True, mutate=set_state(libipsec=False)),
)

FAULTS = {fault.id: fault for fault in CATALOGUE}
