"""Lab PKI: ECDSA P-256 CAs and host certificates made with strongSwan's ``pki`` tool.

Files live in ``<state>/pki`` and are made on first use. Certificate variants per host:

==============  ==============================================================
``valid``       issued by the lab root CA, CN and SAN = the host's ID
``expired``     same, valid 2020-01-01 .. 2021-01-01
``not_yet_valid`` same, valid from 2036-01-01
``other_ca``    issued by a second, untrusted CA ("idl Other CA")
``san_mismatch`` CN and SAN name ``wrong-<host>.lab``, not the host's ID
``chain``       issued by an intermediate CA that the root CA signed
==============  ==============================================================
"""

import os

from .proc import run

CA_DNS = {
    "root": "C=ZZ, O=ipsec.doctor lab, CN=idl Lab Root CA",
    "other": "C=ZZ, O=ipsec.doctor lab, CN=idl Other CA",
    "intermediate": "C=ZZ, O=ipsec.doctor lab, CN=idl Lab Intermediate CA",
}
VARIANTS = ("valid", "expired", "not_yet_valid", "other_ca", "san_mismatch", "chain")
DATEFORM = "%Y-%m-%d"


class Pki:
    """Creates and caches the lab's keys and certificates (PEM)."""

    def __init__(self, state_dir):
        self.dir = os.path.join(state_dir, "pki")
        os.makedirs(self.dir, mode=0o700, exist_ok=True)

    def _path(self, *parts):
        return os.path.join(self.dir, *parts)

    @staticmethod
    def _pki(*args):
        return run(["pki"] + list(args)).stdout

    def _key(self, path):
        if not os.path.exists(path):
            pem = self._pki("--gen", "--type", "ecdsa", "--size", "256", "--outform", "pem")
            with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="ascii") as handle:
                handle.write(pem)
        return path

    def ca_key(self, name):
        """Path of CA ``name``'s private key."""
        return self._key(self._path("ca-%s.key" % name))

    def ca_cert(self, name):
        """Path of CA certificate ``name`` (root, other or intermediate), made if missing."""
        path = self._path("ca-%s.pem" % name)
        if not os.path.exists(path):
            key = self.ca_key(name)
            if name == "intermediate":
                pem = self._pki("--issue", "--type", "priv", "--in", key, "--cacert", self.ca_cert("root"),
                                "--cakey", self.ca_key("root"), "--dn", CA_DNS[name], "--ca", "--lifetime", "3650",
                                "--outform", "pem")
            else:
                pem = self._pki("--self", "--ca", "--type", "ecdsa", "--in", key, "--dn", CA_DNS[name],
                                "--lifetime", "3650", "--outform", "pem")
            with open(path, "w", encoding="ascii") as handle:
                handle.write(pem)
        return path

    def host_key(self, host):
        """Path of ``host``'s private key (one key per host, shared by its certificate variants)."""
        return self._key(self._path("%s.key" % host))

    def host_cert(self, host, fqdn, variant="valid"):
        """Path of ``host``'s certificate ``variant`` for identity ``fqdn`` (see module docstring)."""
        if variant not in VARIANTS:
            raise ValueError("unknown certificate variant %r" % variant)
        path = self._path("%s-%s.pem" % (host, variant))
        if os.path.exists(path):
            return path
        name = "wrong-%s.lab" % host if variant == "san_mismatch" else fqdn
        issuer = {"other_ca": "other", "chain": "intermediate"}.get(variant, "root")
        args = ["--issue", "--type", "priv", "--in", self.host_key(host), "--cacert", self.ca_cert(issuer),
                "--cakey", self.ca_key(issuer), "--dn", "C=ZZ, O=ipsec.doctor lab, CN=%s" % name, "--san", name,
                "--outform", "pem"]
        if variant == "expired":
            args += ["--dateform", DATEFORM, "--not-before", "2020-01-01", "--not-after", "2021-01-01"]
        elif variant == "not_yet_valid":
            args += ["--dateform", DATEFORM, "--not-before", "2036-01-01", "--not-after", "2038-01-01"]
        else:
            args += ["--lifetime", "825"]
        pem = self._pki(*args)
        with open(path, "w", encoding="ascii") as handle:
            handle.write(pem)
        return path

    @staticmethod
    def read(path):
        """Text of a PEM file."""
        with open(path, encoding="ascii") as handle:
            return handle.read()
