"""Fernet keys from settings: the keys that encrypt the TOTP secrets at rest (ADR 0010). Here,
below two_factor, so that the start-up checks can read the setting without importing it.

Fernet (from `cryptography`) is AES-128-CBC with an HMAC-SHA256 over the whole token, so a wrong
key or a changed token is refused, never decrypted into something else. Several keys, newest
first, make a MultiFernet: the first encrypts, every one decrypts, which is how a key is rotated."""

from __future__ import annotations

from collections.abc import Sequence

from cryptography.fernet import Fernet

MAKE_ONE = (
    'python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'
)


class EncryptionKeyError(Exception):
    """A key that is missing or is not a Fernet key. The message never holds the key."""


def parse_fernet_keys(keys: Sequence[str]) -> tuple[Fernet, ...]:
    """The keys, newest first, in that order; each must be 32 bytes in URL-safe base64."""
    if not keys:
        raise EncryptionKeyError("holds no key")
    fernets = []
    for position, key in enumerate(keys, start=1):
        try:
            fernets.append(Fernet(key.strip()))
        except (ValueError, TypeError):
            # `from None`: the key's own text must not reach a log through the traceback.
            raise EncryptionKeyError(
                f"key {position} of {len(keys)} is not a Fernet key (32 bytes in URL-safe "
                f"base64); make one with {MAKE_ONE}"
            ) from None
    return tuple(fernets)
