"""Per-cluster PKI: a CA, serving and client certificates, and the ServiceAccount key pair.

Every cluster gets its own, generated at ``up`` (primitives in :mod:`airunway.tls`), so two
clusters on one machine never trust each other's clients.  The same CA signs webhook serving
certificates for components that register admission webhooks by URL on 127.0.0.1, so their
``caBundle`` is simply the cluster CA.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from airunway import tls

#: The service CIDR (10.96.0.0/16); its first address is the ``kubernetes`` Service's ClusterIP.
SERVICE_CIDR = "10.96.0.0/16"
_KUBERNETES_SERVICE_IP = "10.96.0.1"


@dataclass(frozen=True)
class KeyPair:
    """Paths of a PEM certificate and its private key."""

    cert: Path
    key: Path


def _write(pair: tls.PemPair, target: KeyPair) -> KeyPair:
    target.cert.write_bytes(pair.cert)
    target.key.write_bytes(pair.key)
    target.key.chmod(0o600)
    return target


class ClusterPKI:
    """Creates and holds one cluster's certificates in a directory."""

    def __init__(self, directory: Path) -> None:
        self.dir = directory
        self.ca = KeyPair(directory / "ca.crt", directory / "ca.key")
        self.sa_key = directory / "sa.key"
        self.sa_pub = directory / "sa.pub"

    def create(self) -> None:
        """Generate the CA, the API server's serving cert and the SA signing key."""
        self.dir.mkdir(parents=True, exist_ok=True)
        _write(tls.new_ca("airunway-devcluster-ca"), self.ca)
        sa = ec.generate_private_key(ec.SECP256R1())
        self.sa_key.write_bytes(
            sa.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        self.sa_key.chmod(0o600)
        self.sa_pub.write_bytes(
            sa.public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
        )
        self.serving(
            "apiserver",
            dns=[
                "localhost",
                "kubernetes",
                "kubernetes.default",
                "kubernetes.default.svc",
                "kubernetes.default.svc.cluster.local",
            ],
            ips=["127.0.0.1", _KUBERNETES_SERVICE_IP],
        )

    def _ca_pair(self) -> tls.PemPair:
        return tls.PemPair(self.ca.cert.read_bytes(), self.ca.key.read_bytes())

    def _target(self, name: str) -> KeyPair:
        return KeyPair(self.dir / f"{name}.crt", self.dir / f"{name}.key")

    def serving(self, name: str, *, dns: list[str], ips: list[str]) -> KeyPair:
        """Issue a TLS serving certificate (e.g. for a webhook on 127.0.0.1)."""
        pair = tls.issue(
            self._ca_pair(),
            tls.subject(dns[0] if dns else ips[0]),
            tls.SERVER_AUTH,
            dns=tuple(dns),
            ips=tuple(ips),
        )
        return _write(pair, self._target(name))

    def client(self, name: str, user: str, groups: tuple[str, ...] = ()) -> KeyPair:
        """Issue a client certificate: CN is the user, O entries are the groups."""
        pair = tls.issue(self._ca_pair(), tls.subject(user, groups), tls.CLIENT_AUTH)
        return _write(pair, self._target(name))

    @property
    def apiserver(self) -> KeyPair:
        """The API server's serving pair."""
        return self._target("apiserver")
