"""Why a certificate file is not accepted, in the design system's words.

Refusals are `evidence.refusals.EvidenceRefused`, as for any other file: `.message` is for the
page, `.reason` for the audit log only."""

from __future__ import annotations

from datetime import date

PRIVATE_KEY = "The selected file contains a private key. Upload only the public certificate"
NOT_A_CERTIFICATE = "The selected file must be a certificate in PEM or DER format"
MORE_THAN_ONE = "The selected file must contain only one certificate"
SERIAL_TOO_LONG = (
    "The selected certificate has a serial number longer than 20 bytes. Upload a certificate "
    "from a certificate authority that follows RFC 5280"
)
UNSUPPORTED_KEY = (
    "The selected certificate must have an RSA, elliptic curve, Ed25519 or Ed448 public key"
)


def date_text(value: date) -> str:
    """3 March 2026: the design system's dates."""
    return f"{value.day} {value:%B %Y}"


def expired(on: date) -> str:
    return f"The selected certificate expired on {date_text(on)}. Upload a current certificate"


def not_yet_valid(from_: date) -> str:
    return (
        f"The selected certificate is not valid until {date_text(from_)}. "
        "Upload a current certificate"
    )


def weak_rsa(bits: int) -> str:
    return (
        f"The selected certificate has a {bits}-bit RSA key. Upload a certificate with an RSA key "
        "of at least 2048 bits"
    )


def weak_ec(bits: int) -> str:
    return (
        f"The selected certificate has a {bits}-bit elliptic curve key. Upload a certificate with "
        "an elliptic curve key of at least 256 bits"
    )
