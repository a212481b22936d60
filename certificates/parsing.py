"""Reading an uploaded certificate file: refuse a private key in any form, then parse exactly one
X.509 certificate (PEM or DER) with `cryptography` and judge it.

A PEM certificate is found anywhere in a text file: after a byte order mark (UTF-8, or UTF-16 as
Windows PowerShell writes), and among other text, such as the `Bag Attributes`, `subject=` and
`issuer=` lines of `openssl pkcs12 -nokeys` or the dump of `openssl x509 -text`. Because text
around the block is accepted, the private key check reads the whole file in every form a key
could have been pasted or concatenated into it (ADR 0015, amended for issue 22).

Nothing here touches the database or the disk: it takes bytes and returns a `ParsedCertificate`
or raises `EvidenceRefused` with the design system's message (certificates/refusals.py)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from django.utils import timezone

from core.text import has_control_characters
from evidence.refusals import EMPTY, EvidenceRefused

from . import refusals
from .models import KeyType

MIN_RSA_BITS = 2048
MIN_EC_BITS = 256
# RFC 5280 4.1.2.2: a serial number is at most 20 octets (40 hexadecimal digits in the register).
MAX_SERIAL_OCTETS = 20

# Every armoured private key: PEM's "PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY",
# "ENCRYPTED PRIVATE KEY", "DSA PRIVATE KEY", "OPENSSH PRIVATE KEY", and OpenPGP's "PGP PRIVATE KEY
# BLOCK" and RFC 4716's "---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----", whatever the dashes. The
# label before PRIVATE KEY is bounded so that a file of "BEGIN BEGIN …" is read in linear time.
_PEM_PRIVATE_KEY = re.compile(rb"BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY")
# Private keys written as text without armour: PuTTY's .ppk, and OpenSSL's `-text` dump of a key
# ("Private-Key: (2048 bit, 2 primes)", "ED25519 Private-Key:").
_TEXT_PRIVATE_KEY = re.compile(rb"PuTTY-User-Key-File-|Private-Key:")
# A PEM (RFC 7468) boundary line. Blocks are found by pairing these in one pass: a pattern
# spanning BEGIN to END would rescan the rest of the file from every unterminated BEGIN, which
# for a 1MB file of them is minutes of CPU.
_PEM_BOUNDARY = re.compile(rb"-----(BEGIN|END) ([A-Z0-9 ]{1,64})-----")
_CERTIFICATE_LABELS = (b"CERTIFICATE", b"X509 CERTIFICATE", b"TRUSTED CERTIFICATE")
_PEM_ANY = b"-----BEGIN "
# A line of nothing but base64, and how long a run of them must be to hold a key (the shortest
# DER private key, an Ed25519 PKCS#8, is 48 bytes: 64 characters).
_BASE64_LINE = re.compile(rb"[A-Za-z0-9+/]+={0,2}")
_BASE64_KEY_MIN = 64
_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
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


def _as_text(data: bytes) -> bytes:
    """The file's bytes without a byte order mark, UTF-16 turned into UTF-8; anything else as it
    is. A DER file never starts with a byte order mark (it starts with a SEQUENCE, 0x30)."""
    if data.startswith(_UTF8_BOM):
        return data[len(_UTF8_BOM) :]
    if data.startswith(_UTF16_BOMS):
        try:
            return data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            return data
    return data


@dataclass(frozen=True)
class _PemBlock:
    label: bytes
    start: int
    end: int


def _pem_blocks(text: bytes) -> list[_PemBlock]:
    """Every complete PEM block: a BEGIN line and the END line that next follows it, with the
    same label (a BEGIN left open is no block, as for OpenSSL's reader)."""
    blocks: list[_PemBlock] = []
    opened: re.Match[bytes] | None = None
    for boundary in _PEM_BOUNDARY.finditer(text):
        if boundary.group(1) == b"BEGIN":
            opened = boundary
            continue
        if opened is not None and opened.group(2) == boundary.group(2):
            blocks.append(_PemBlock(opened.group(2), opened.start(), boundary.end()))
        opened = None
    return blocks


def _around_pem_blocks(text: bytes, blocks: list[_PemBlock]) -> list[bytes]:
    """The pieces of the file before, between and after its PEM blocks."""
    edges = [0, *(edge for block in blocks for edge in (block.start, block.end)), len(text)]
    return [text[start:end] for start, end in zip(edges[::2], edges[1::2], strict=True)]


def _base64_runs(piece: bytes) -> Iterator[bytes]:
    """Each run of consecutive lines holding only base64, decoded, if long enough for a key."""
    run: list[bytes] = []
    for line in [*piece.splitlines(), b""]:
        line = line.strip()
        if line and _BASE64_LINE.fullmatch(line):
            run.append(line)
            continue
        joined = b"".join(run)
        run = []
        if len(joined) >= _BASE64_KEY_MIN:
            try:
                yield base64.b64decode(joined + b"=" * (-len(joined) % 4))
            except (binascii.Error, ValueError):
                continue


def _first_der_element(data: bytes) -> bytes:
    """The DER element `data` starts with, whatever follows it (a line feed, the next file)."""
    header = _der_header(data, 0)
    return data[: header[2] + header[1]] if header else b""


def _is_binary_key(data: bytes) -> bool:
    return _looks_like_pkcs12(data) or _is_der_private_key(data)


def contains_private_key(data: bytes) -> bool:
    """True for a file holding a private key in any form: an armoured block (PEM, OpenPGP, SSH2,
    OpenSSH), PuTTY's format or OpenSSL's text dump of a key, a PKCS#12/PFX bundle (with or
    without a password), a DER private key (PKCS#1, SEC1 or PKCS#8, encrypted or not), and, next
    to a PEM certificate, a DER key, a PKCS#12 bundle or a key's unarmoured base64. The file may
    start with a byte order mark or be UTF-16."""
    text = _as_text(data)
    for form in (data, text):
        if _PEM_PRIVATE_KEY.search(form) or _TEXT_PRIVATE_KEY.search(form):
            return True
    if _is_binary_key(data):
        return True
    if _PEM_ANY not in text:
        return False
    # A PEM file: what is around its blocks may be a key concatenated to the certificate.
    for piece in _around_pem_blocks(text, _pem_blocks(text)):
        if (first := _first_der_element(piece.lstrip())) and _is_binary_key(first):
            return True
        if any(_is_binary_key(decoded) for decoded in _base64_runs(piece)):
            return True
    return False


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


def _is_text(piece: bytes) -> bool:
    try:
        return not has_control_characters(piece.decode("utf-8"))
    except UnicodeDecodeError:
        return False


def _load(data: bytes) -> x509.Certificate:
    """The one certificate: the whole file as DER, or the one PEM certificate block in a text
    file, whatever text is around it."""
    try:
        return x509.load_der_x509_certificate(data)
    except (ValueError, x509.InvalidVersion) as error:
        der_error = error  # DER is strict (no byte may follow): not DER, so it must be PEM
    text = _as_text(data)
    blocks = _pem_blocks(text)
    certificates = [block for block in blocks if block.label in _CERTIFICATE_LABELS]
    if not certificates:
        raise EvidenceRefused(refusals.NOT_A_CERTIFICATE, reason=str(der_error))
    if len(certificates) > 1:
        raise EvidenceRefused(
            refusals.MORE_THAN_ONE, reason=f"{len(certificates)} PEM certificates"
        )
    if not all(_is_text(piece) for piece in _around_pem_blocks(text, blocks)):
        raise EvidenceRefused(
            refusals.NOT_A_CERTIFICATE, reason="bytes that are not text around the PEM block"
        )
    block = certificates[0]
    try:
        return x509.load_pem_x509_certificate(text[block.start : block.end])
    except (ValueError, x509.InvalidVersion) as error:
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
