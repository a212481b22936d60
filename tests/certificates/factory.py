"""Certificates and keys made in the tests with `cryptography`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

_KEYS: dict[object, object] = {}


def rsa_key(bits: int = 2048):
    if ("rsa", bits) not in _KEYS:  # key generation is slow: one key per size per session
        _KEYS[("rsa", bits)] = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    return _KEYS[("rsa", bits)]


def ec_key(curve=None):
    curve = curve or ec.SECP256R1()
    if ("ec", curve.name) not in _KEYS:
        _KEYS[("ec", curve.name)] = ec.generate_private_key(curve)
    return _KEYS[("ec", curve.name)]


def make_certificate(
    *,
    common_name: str = "pacs-one.supplier.example",
    not_before: datetime | None = None,
    not_after: datetime | None = None,
    days: float = 365,
    key=None,
    serial: int | None = None,
) -> x509.Certificate:
    now = datetime.now(UTC)
    key = key or rsa_key()
    not_before = not_before or now - timedelta(days=1)
    not_after = not_after or now + timedelta(days=days)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Demo Imaging Systems Ltd"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )
    issuer = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test Issuing CA")])
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(serial or x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .sign(rsa_key(), hashes.SHA256())  # signed by the "CA" key
    )


def pem(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.PEM)


def der(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.DER)


def key_pem(key, fmt=serialization.PrivateFormat.PKCS8, encryption=None) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, fmt, encryption or serialization.NoEncryption()
    )


def key_der(key, encryption=None) -> bytes:
    return key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        encryption or serialization.NoEncryption(),
    )


def pfx(certificate: x509.Certificate, key, password: bytes | None = None) -> bytes:
    encryption = (
        serialization.BestAvailableEncryption(password)
        if password
        else serialization.NoEncryption()
    )
    return pkcs12.serialize_key_and_certificates(b"client", key, certificate, None, encryption)
