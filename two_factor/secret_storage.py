"""The TOTP secret at rest (ADR 0010): Fernet-encrypted under TWO_FACTOR_ENCRYPTION_KEYS.

This module is the only reader and writer of `Authenticator.secret_encrypted`: services read the
secret with `authenticator_secret` and store one with `authenticator_secret_set`, and the key
rotation re-encrypts through `authenticator_secret_rotate`. The keys come from the environment,
newest first (core.fernet_keys): the first encrypts, any of them decrypts. Outside production,
with none given, one development key is generated once into TWO_FACTOR_DEV_KEY_FILE and kept.

A secret no key decrypts raises SecretUnreadable, and nothing catches it: a missing or wrong key
must stop the request loudly, never read as a wrong code (which would count towards the lockout
and look like the person's mistake)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

from core.fernet_keys import EncryptionKeyError, parse_fernet_keys
from core.key_files import key_file_write_once

if TYPE_CHECKING:
    from .models import Authenticator


class SecretUnreadable(Exception):
    """No key in TWO_FACTOR_ENCRYPTION_KEYS decrypts a stored secret: the key it was encrypted
    with is missing from the setting, or the stored value was changed."""


def authenticator_secret(authenticator: Authenticator) -> str:
    """The authenticator's TOTP secret, decrypted. Raises SecretUnreadable."""
    return secret_decrypt(authenticator.secret_encrypted)


def authenticator_secret_set(authenticator: Authenticator, secret: str) -> None:
    """Put `secret`, encrypted with the newest key, on the authenticator (the caller saves it)."""
    authenticator.secret_encrypted = secret_encrypt(secret)


def authenticator_secret_rotate(authenticator: Authenticator) -> bool:
    """Re-encrypt the authenticator's secret with the newest key, unless it already is (then it
    is left as it is, so a second rotation changes nothing). Whether it changed; the caller
    saves. Raises SecretUnreadable."""
    newest, *_ = _keys()
    token = authenticator.secret_encrypted
    try:
        newest.decrypt(token)
    except (InvalidToken, ValueError):
        pass
    else:
        return False
    try:
        authenticator.secret_encrypted = MultiFernet(_keys()).rotate(token).decode("ascii")
    except (InvalidToken, ValueError):
        raise _unreadable() from None
    return True


def secret_encrypt(secret: str) -> str:
    return MultiFernet(_keys()).encrypt(secret.encode("ascii")).decode("ascii")


def secret_decrypt(token: str) -> str:
    try:
        return MultiFernet(_keys()).decrypt(token).decode("ascii")
    except (InvalidToken, ValueError):
        raise _unreadable() from None


def _unreadable() -> SecretUnreadable:
    return SecretUnreadable(
        "No key in TWO_FACTOR_ENCRYPTION_KEYS decrypts a stored two-factor secret: add the key "
        "it was encrypted with (keys are newest first; keep an old key until "
        "`manage.py two_factor_rotate_key` has re-encrypted every secret)"
    )


def _keys() -> tuple[Fernet, ...]:
    configured = tuple(settings.TWO_FACTOR_ENCRYPTION_KEYS)
    if configured:
        return _keys_for(configured)
    if settings.IS_PRODUCTION:
        raise EncryptionKeyError("TWO_FACTOR_ENCRYPTION_KEYS must be set in production")
    return _development_keys(Path(settings.TWO_FACTOR_DEV_KEY_FILE))


@cache
def _keys_for(configured: tuple[str, ...]) -> tuple[Fernet, ...]:
    try:
        return parse_fernet_keys(configured)
    except EncryptionKeyError as error:
        raise EncryptionKeyError(f"TWO_FACTOR_ENCRYPTION_KEYS: {error}") from None


@cache
def _development_keys(path: Path) -> tuple[Fernet, ...]:
    """Outside production, with no keys set: one generated once and kept in a file, so secrets
    stored yesterday still decrypt after a restart. Never used in production."""
    if not path.exists():
        key_file_write_once(path, Fernet.generate_key() + b"\n")
    try:
        return parse_fernet_keys(path.read_text(encoding="ascii").split())
    except EncryptionKeyError as error:
        raise EncryptionKeyError(f"TWO_FACTOR_DEV_KEY_FILE ({path}): {error}") from None
