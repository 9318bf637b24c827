"""What one end of a tunnel looks like, independent of the IPsec stack that renders it."""

import dataclasses

HEALTHY_IKE = "aes256-sha256-ecp256"
HEALTHY_ESP = "aes256-sha256"
# Between strongSwan and Libreswan: Libreswan's default pfs=yes adds a key exchange at the first CHILD rekey,
# which strongSwan refuses unless its ESP proposal has one too (the rekey-time PFS trap).
HEALTHY_ESP_PFS = "aes256-sha256-ecp256"


@dataclasses.dataclass
class TunnelEnd:  # pylint: disable=too-many-instance-attributes
    """One host's view of a tunnel: rendered by the host's flavour into its own config files.

    Proposals use strongSwan syntax (``aes256-sha256-ecp256``); the Libreswan flavour
    translates them. ``auth`` is ``psk`` or ``cert``; for ``cert``, ``cert`` names the
    certificate variant (see pki.py) and ``cas`` the CA certificates the host trusts.
    """

    conn: str
    local_addr: str
    remote_addr: str
    local_id: str
    remote_id: str
    local_ts: str
    remote_ts: str
    auth: str = "psk"
    psk: str = ""
    ike_proposals: str = HEALTHY_IKE
    esp_proposals: str = HEALTHY_ESP
    version: int = 2
    cert: str = "valid"
    cas: tuple = ("root",)
    key_mode: int = 0o600
    key_present: bool = True
    host_name: str = ""

    def copy(self, **changes):
        """A modified copy."""
        return dataclasses.replace(self, **changes)


@dataclasses.dataclass
class HostState:
    """Host-wide settings a fault may change (beyond the tunnel configuration)."""

    libipsec: bool = True
    daemon_running: bool = True
    config_syntax_error: bool = False
    nft_drop_ports: tuple = ()
    sysctls: dict = dataclasses.field(default_factory=dict)

    def copy(self, **changes):
        """A modified copy."""
        return dataclasses.replace(self, **changes)


HEALTHY_SYSCTLS = {
    "net.ipv4.ip_forward": "1",
    "net.ipv4.conf.all.rp_filter": "0",
    "net.ipv4.conf.default.rp_filter": "0",
    "net.ipv4.conf.eth0.rp_filter": "0",
}
