"""Certificates and keys made in the tests with `cryptography`."""

from __future__ import annotations

import base64
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


def pem_of_der(data: bytes) -> bytes:
    """DER bytes, whatever they hold, armoured as a PEM certificate block."""
    return (
        b"-----BEGIN CERTIFICATE-----\n" + base64.encodebytes(data) + b"-----END CERTIFICATE-----\n"
    )


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


# Certificates no `cryptography` builder makes, written by editing the DER (the signature is
# then wrong, which parsing does not check).
RSA_ENCRYPTION_OID = bytes.fromhex("06092a864886f70d010101")


def _der_length(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    octets = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(octets)]) + octets


def _der_element(data: bytes, offset: int) -> tuple[int, int]:
    """(offset of the content, offset after the element) of the DER element at `offset`."""
    first = data[offset + 1]
    if first < 0x80:
        return offset + 2, offset + 2 + first
    count = first & 0x7F
    start = offset + 2 + count
    return start, start + int.from_bytes(data[offset + 2 : offset + 2 + count], "big")


def with_serial(certificate: x509.Certificate, serial: bytes) -> bytes:
    """The certificate's DER with its serial number's content octets replaced by `serial`."""
    data = der(certificate)
    tbs_start, tbs_end = _der_element(data, _der_element(data, 0)[0])
    _, version_end = _der_element(data, tbs_start)
    _, serial_end = _der_element(data, version_end)
    tbs = (
        data[tbs_start:version_end]
        + b"\x02"
        + _der_length(len(serial))
        + serial
        + data[serial_end:tbs_end]
    )
    body = b"\x30" + _der_length(len(tbs)) + tbs + data[tbs_end:]
    return b"\x30" + _der_length(len(body)) + body


def with_key_algorithm(certificate: x509.Certificate, oid: bytes) -> bytes:
    """The RSA certificate's DER with its public key's algorithm OID replaced (same length)."""
    data = der(certificate)
    assert data.count(RSA_ENCRYPTION_OID) == 1 and len(oid) == len(RSA_ENCRYPTION_OID)
    return data.replace(RSA_ENCRYPTION_OID, oid)


def fingerprint(certificate: x509.Certificate) -> str:
    """The register's SHA-256 fingerprint: upper-case hexadecimal of the DER bytes."""
    return certificate.fingerprint(hashes.SHA256()).hex().upper()
