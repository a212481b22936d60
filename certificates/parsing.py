"""Reading an uploaded certificate file: refuse a private key in any form, then parse exactly one
X.509 certificate (PEM or DER) with `cryptography` and judge it.

Nothing here touches the database or the disk: it takes bytes and returns a `ParsedCertificate`
or raises `EvidenceRefused` with the design system's message (certificates/refusals.py)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from django.utils import timezone

from evidence.refusals import EMPTY, EvidenceRefused

from . import refusals
from .models import KeyType

MIN_RSA_BITS = 2048
MIN_EC_BITS = 256
# RFC 5280 4.1.2.2: a serial number is at most 20 octets (40 hexadecimal digits in the register).
MAX_SERIAL_OCTETS = 20

# Every PEM private key: "PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY", "ENCRYPTED PRIVATE
# KEY", "DSA PRIVATE KEY", "OPENSSH PRIVATE KEY", whatever the spacing around the label.
_PEM_PRIVATE_KEY = re.compile(rb"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----")
_PEM_CERTIFICATE = re.compile(
    rb"-----BEGIN (?:X509 |TRUSTED )?CERTIFICATE-----(.*?)-----END (?:X509 |TRUSTED )?"
    rb"CERTIFICATE-----",
    re.DOTALL,
)
_PEM_ANY = b"-----BEGIN "
# PKCS#12 (PFX): SEQUENCE { INTEGER 3, ContentInfo { OID pkcs7-data or pkcs7-signedData, … } }.
_PKCS7_DATA = bytes.fromhex("06092a864886f70d010701")
_PKCS7_SIGNED = bytes.fromhex("06092a864886f70d010702")


@dataclass(frozen=True)
class ParsedCertificate:
    der: bytes
    subject: str
    issuer: str
    serial: str
    fingerprint_sha256: str
    not_before: datetime
    not_after: datetime
    key_type: KeyType
    key_size: int


def contains_private_key(data: bytes) -> bool:
    """True for a PEM file with any private key block, a PKCS#12/PFX bundle (with or without a
    password), and a DER private key (PKCS#1, SEC1 or PKCS#8, encrypted or not)."""
    if _PEM_PRIVATE_KEY.search(data):
        return True
    if data.lstrip().startswith(_PEM_ANY):
        return False
    return _looks_like_pkcs12(data) or _is_der_private_key(data)


def _der_header(data: bytes, offset: int) -> tuple[int, int, int] | None:
    """(tag, length, offset of the content) of the DER element at `offset`, or None."""
    if offset + 2 > len(data):
        return None
    tag, first = data[offset], data[offset + 1]
    offset += 2
    if first < 0x80:
        return tag, first, offset
    count = first & 0x7F
    if count == 0 or count > 4 or offset + count > len(data):
        return None
    return tag, int.from_bytes(data[offset : offset + count], "big"), offset + count


def _looks_like_pkcs12(data: bytes) -> bool:
    outer = _der_header(data, 0)
    if outer is None or outer[0] != 0x30:
        return False
    version = _der_header(data, outer[2])
    if version is None or version[0] != 0x02 or version[1] != 1:
        return False
    if version[2] >= len(data) or data[version[2]] != 3:
        return False
    content = _der_header(data, version[2] + 1)
    if content is None or content[0] != 0x30:
        return False
    oid = data[content[2] : content[2] + len(_PKCS7_DATA)]
    if oid in (_PKCS7_DATA, _PKCS7_SIGNED):
        return True
    try:  # belt and braces: anything cryptography itself reads as PKCS#12
        pkcs12.load_pkcs12(data, None)
    except Exception:  # noqa: BLE001 - any failure means "not readable without a password"
        return False
    return True


def _is_der_private_key(data: bytes) -> bool:
    try:
        serialization.load_der_private_key(data, password=None)
    except TypeError:
        return True  # an encrypted PKCS#8 key: it asked for a password
    except (ValueError, Exception):  # noqa: BLE001 - not a key cryptography can read
        return False
    return True


def _load(data: bytes) -> x509.Certificate:
    if data.lstrip().startswith(_PEM_ANY):
        blocks = _PEM_CERTIFICATE.findall(data)
        if len(blocks) > 1:
            raise EvidenceRefused(refusals.MORE_THAN_ONE, reason=f"{len(blocks)} PEM certificates")
        try:
            certificates = x509.load_pem_x509_certificates(data)
        except ValueError as error:
            raise EvidenceRefused(refusals.NOT_A_CERTIFICATE, reason=str(error)) from error
        if len(certificates) != 1:
            raise EvidenceRefused(
                refusals.MORE_THAN_ONE, reason=f"{len(certificates)} PEM certificates"
            )
        return certificates[0]
    try:
        return x509.load_der_x509_certificate(data)
    except ValueError as error:
        raise EvidenceRefused(refusals.NOT_A_CERTIFICATE, reason=str(error)) from error


def _key(certificate: x509.Certificate) -> tuple[KeyType, int]:
    try:
        key = certificate.public_key()
    except (UnsupportedAlgorithm, ValueError) as error:  # an algorithm cryptography cannot read
        raise EvidenceRefused(refusals.UNSUPPORTED_KEY, reason=str(error)) from error
    if isinstance(key, rsa.RSAPublicKey):
        if key.key_size < MIN_RSA_BITS:
            raise EvidenceRefused(refusals.weak_rsa(key.key_size), reason="weak RSA key")
        return KeyType.RSA, key.key_size
    if isinstance(key, ec.EllipticCurvePublicKey):
        if key.curve.key_size < MIN_EC_BITS:
            raise EvidenceRefused(refusals.weak_ec(key.curve.key_size), reason="weak EC key")
        return KeyType.EC, key.curve.key_size
    if isinstance(key, ed25519.Ed25519PublicKey):
        return KeyType.ED25519, 256
    if isinstance(key, ed448.Ed448PublicKey):
        return KeyType.ED448, 456
    kind = "DSA" if isinstance(key, dsa.DSAPublicKey) else type(key).__name__
    raise EvidenceRefused(refusals.UNSUPPORTED_KEY, reason=f"{kind} key")


def _serial_octets(serial: int) -> int:
    """How many octets the serial number's DER INTEGER content takes (its sign bit included)."""
    return ((serial if serial >= 0 else ~serial).bit_length() + 8) // 8


def _local_date(value: datetime) -> date:
    return timezone.localtime(value).date()


def certificate_parse(data: bytes, *, now: datetime) -> ParsedCertificate:
    """The one certificate in `data`, judged at `now`; EvidenceRefused for a private key, no
    certificate, more than one, a certificate expired or not yet valid, or a weak key."""
    if not data.strip():
        raise EvidenceRefused(EMPTY, reason="the file has no bytes")
    if contains_private_key(data):
        raise EvidenceRefused(refusals.PRIVATE_KEY, reason="a private key")
    certificate = _load(data)
    try:
        not_before = certificate.not_valid_before_utc
        not_after = certificate.not_valid_after_utc
        subject = certificate.subject.rfc4514_string()
        issuer = certificate.issuer.rfc4514_string()
    except ValueError as error:
        raise EvidenceRefused(refusals.NOT_A_CERTIFICATE, reason=str(error)) from error
    if not_after <= now:
        raise EvidenceRefused(refusals.expired(_local_date(not_after)), reason="expired")
    if not_before > now:
        raise EvidenceRefused(
            refusals.not_yet_valid(_local_date(not_before)), reason="not yet valid"
        )
    if _serial_octets(certificate.serial_number) > MAX_SERIAL_OCTETS:
        raise EvidenceRefused(refusals.SERIAL_TOO_LONG, reason="serial number over 20 octets")
    key_type, key_size = _key(certificate)
    der = certificate.public_bytes(serialization.Encoding.DER)
    return ParsedCertificate(
        der=der,
        subject=subject,
        issuer=issuer,
        serial=format(certificate.serial_number, "X"),
        fingerprint_sha256=hashlib.sha256(der).hexdigest().upper(),
        not_before=not_before,
        not_after=not_after,
        key_type=key_type,
        key_size=key_size,
    )
