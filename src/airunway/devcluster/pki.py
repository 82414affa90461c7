"""Per-cluster PKI: a CA, serving and client certificates, and the ServiceAccount key pair.

Every cluster gets its own, generated at ``up`` with ECDSA P-256 (fast to generate, accepted by
every component), so two clusters on one machine never trust each other's clients.  The same CA
signs webhook serving certificates for components that register admission webhooks by URL on
127.0.0.1, so their ``caBundle`` is simply the cluster CA.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

_VALIDITY = dt.timedelta(days=365)
#: First address of the service CIDR (10.96.0.0/16): the ``kubernetes`` Service's ClusterIP.
SERVICE_CIDR = "10.96.0.0/16"
_KUBERNETES_SERVICE_IP = "10.96.0.1"


@dataclass(frozen=True)
class KeyPair:
    """Paths of a PEM certificate and its private key."""

    cert: Path
    key: Path


def _new_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _write_key(key: ec.EllipticCurvePrivateKey, path: Path) -> None:
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    path.chmod(0o600)


def _name(common_name: str, organization: str | None = None) -> x509.Name:
    attrs = [x509.NameAttribute(NameOID.COMMON_NAME, common_name)]
    if organization:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization))
    return x509.Name(attrs)


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
        ca_key = _new_key()
        now = dt.datetime.now(dt.UTC)
        ca_cert = (
            x509.CertificateBuilder()
            .subject_name(_name("airunway-devcluster-ca"))
            .issuer_name(_name("airunway-devcluster-ca"))
            .public_key(ca_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + _VALIDITY)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    key_cert_sign=True,
                    crl_sign=True,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .sign(ca_key, hashes.SHA256())
        )
        _write_key(ca_key, self.ca.key)
        self.ca.cert.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
        sa = _new_key()
        _write_key(sa, self.sa_key)
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

    def _load_ca(self) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
        cert = x509.load_pem_x509_certificate(self.ca.cert.read_bytes())
        key = serialization.load_pem_private_key(self.ca.key.read_bytes(), password=None)
        if not isinstance(key, ec.EllipticCurvePrivateKey):
            msg = "cluster CA key is not an EC key"
            raise TypeError(msg)
        return cert, key

    def _issue(
        self,
        name: str,
        subject: x509.Name,
        usage: list[x509.ObjectIdentifier],
        san: list[x509.GeneralName] | None = None,
    ) -> KeyPair:
        ca_cert, ca_key = self._load_ca()
        key = _new_key()
        now = dt.datetime.now(dt.UTC)
        builder = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(ca_cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + _VALIDITY)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage(usage), critical=False)
        )
        if san:
            builder = builder.add_extension(x509.SubjectAlternativeName(san), critical=False)
        cert = builder.sign(ca_key, hashes.SHA256())
        pair = KeyPair(self.dir / f"{name}.crt", self.dir / f"{name}.key")
        pair.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        _write_key(key, pair.key)
        return pair

    def serving(self, name: str, *, dns: list[str], ips: list[str]) -> KeyPair:
        """Issue a TLS serving certificate (e.g. for a webhook on 127.0.0.1)."""
        san: list[x509.GeneralName] = [x509.DNSName(d) for d in dns]
        san += [x509.IPAddress(ipaddress.ip_address(i)) for i in ips]
        return self._issue(
            name, _name(dns[0] if dns else ips[0]), [ExtendedKeyUsageOID.SERVER_AUTH], san
        )

    def client(self, name: str, user: str, groups: tuple[str, ...] = ()) -> KeyPair:
        """Issue a client certificate: CN is the user, O entries are the groups."""
        attrs = [x509.NameAttribute(NameOID.COMMON_NAME, user)]
        attrs += [x509.NameAttribute(NameOID.ORGANIZATION_NAME, g) for g in groups]
        return self._issue(name, x509.Name(attrs), [ExtendedKeyUsageOID.CLIENT_AUTH])

    @property
    def apiserver(self) -> KeyPair:
        """The API server's serving pair."""
        return KeyPair(self.dir / "apiserver.crt", self.dir / "apiserver.key")
