"""Certificate primitives shared by the dev cluster's PKI and the webhook's own certificates.

In memory, PEM in and out: callers decide where bytes live (files for the dev cluster, a Secret
for the controller).  ECDSA P-256 everywhere: fast to generate and accepted by every Kubernetes
component.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

SERVER_AUTH = ExtendedKeyUsageOID.SERVER_AUTH
CLIENT_AUTH = ExtendedKeyUsageOID.CLIENT_AUTH


@dataclass(frozen=True)
class PemPair:
    """A certificate and its private key, PEM-encoded."""

    cert: bytes
    key: bytes

    def certificate(self) -> x509.Certificate:
        """The parsed certificate."""
        return x509.load_pem_x509_certificate(self.cert)

    def private_key(self) -> ec.EllipticCurvePrivateKey:
        """The parsed private key (always EC here)."""
        key = serialization.load_pem_private_key(self.key, password=None)
        if not isinstance(key, ec.EllipticCurvePrivateKey):
            msg = "expected an EC private key"
            raise TypeError(msg)
        return key


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def subject(common_name: str, organizations: tuple[str, ...] = ()) -> x509.Name:
    """A subject name: CN plus one O per organization (Kubernetes reads O as groups)."""
    attrs = [x509.NameAttribute(NameOID.COMMON_NAME, common_name)]
    attrs += [x509.NameAttribute(NameOID.ORGANIZATION_NAME, o) for o in organizations]
    return x509.Name(attrs)


def new_ca(common_name: str, *, days: int = 365) -> PemPair:
    """A self-signed CA."""
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    name = subject(common_name)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=days))
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
        .sign(key, hashes.SHA256())
    )
    return PemPair(cert.public_bytes(serialization.Encoding.PEM), _key_pem(key))


def issue(
    ca: PemPair,
    name: x509.Name,
    usage: x509.ObjectIdentifier,
    *,
    dns: tuple[str, ...] = (),
    ips: tuple[str, ...] = (),
    days: int = 365,
) -> PemPair:
    """A leaf certificate signed by ``ca`` for ``usage`` (server or client auth)."""
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(ca.certificate().subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
    )
    san: list[x509.GeneralName] = [x509.DNSName(d) for d in dns]
    san += [x509.IPAddress(ipaddress.ip_address(i)) for i in ips]
    if san:
        builder = builder.add_extension(x509.SubjectAlternativeName(san), critical=False)
    cert = builder.sign(ca.private_key(), hashes.SHA256())
    return PemPair(cert.public_bytes(serialization.Encoding.PEM), _key_pem(key))


def remaining(pair: PemPair) -> dt.timedelta:
    """Time until the certificate expires."""
    return pair.certificate().not_valid_after_utc - dt.datetime.now(dt.UTC)


def dns_names(pair: PemPair) -> list[str]:
    """The DNS names of the certificate's subjectAltName."""
    try:
        ext = pair.certificate().extensions.get_extension_for_class(x509.SubjectAlternativeName)
    except x509.ExtensionNotFound:
        return []
    return list(ext.value.get_values_for_type(x509.DNSName))
