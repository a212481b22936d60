"""Ed25519 keys from settings: the assurance pack's signing key (ADR 0026). Here, below the
workflow, so that the start-up checks can read the setting without importing the workflow."""

from __future__ import annotations

import base64

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey


class PackKeyError(Exception):
    pass


def parse_private_key(text: str) -> Ed25519PrivateKey:
    """An Ed25519 private key as PEM (PKCS #8), or that PEM base64-encoded, or the raw 32-byte
    seed base64-encoded."""
    text = text.strip()
    try:
        if "-----BEGIN" not in text:
            raw = base64.b64decode(text, validate=True)
            if len(raw) == 32:
                return Ed25519PrivateKey.from_private_bytes(raw)
            text = raw.decode("ascii")
        key = serialization.load_pem_private_key(text.encode("ascii"), password=None)
    except (ValueError, TypeError, UnicodeDecodeError) as exc:
        raise PackKeyError("is not an Ed25519 private key (PEM, or base64)") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise PackKeyError("is a private key, but not Ed25519")
    return key
