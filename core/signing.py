"""Ed25519 keys from settings: the service's signing key, which signs assurance packs (ADR 0026)
and the audit chain's checkpoints (ADR 0009). Here, below the workflow and the audit log, so that
both, and the start-up checks, read it without importing each other."""

from __future__ import annotations

import base64
from functools import cache
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings

from core.key_files import key_file_write_once


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


def _development_key() -> Ed25519PrivateKey:
    """Outside production, with no key set: one generated once and kept in a file, so the
    published key and verify_pack agree across restarts. Never used in production."""
    if settings.IS_PRODUCTION:
        raise PackKeyError("ASSURANCE_SIGNING_KEY must be set in production")
    path = Path(settings.ASSURANCE_DEV_KEY_FILE)
    if path.exists():
        return parse_private_key(path.read_text())
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    # Private from the start, and another process's key kept if it wrote one first.
    key_file_write_once(path, pem)
    return parse_private_key(path.read_text())


@cache
def _key_for(configured: str) -> Ed25519PrivateKey:
    return parse_private_key(configured) if configured else _development_key()


def signing_key() -> Ed25519PrivateKey:
    """The service's key, ASSURANCE_SIGNING_KEY (a development key when it is empty)."""
    return _key_for(settings.ASSURANCE_SIGNING_KEY)


def public_key_pem(key: Ed25519PublicKey | None = None) -> bytes:
    key = key or signing_key().public_key()
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def load_public_key(pem: bytes) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(pem)
    if not isinstance(key, Ed25519PublicKey):
        raise PackKeyError("the public key is not Ed25519")
    return key
