"""Re-encrypting every TOTP secret with the newest key (`manage.py two_factor_rotate_key`).

To rotate: put a new key first in TWO_FACTOR_ENCRYPTION_KEYS, keeping the old one after it, and
deploy (secrets still decrypt with the old key, new ones are encrypted with the new); run the
command; then remove the old key."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction

from audit.services import Auditor

from .models import Authenticator
from .secret_storage import authenticator_secret_rotate

if TYPE_CHECKING:
    from accounts.models import User


@dataclass(frozen=True)
class KeyRotation:
    re_encrypted: int
    already_current: int


@transaction.atomic
def authenticator_secrets_rotate(*, actor: User | None) -> KeyRotation:
    """Re-encrypt every authenticator's secret with the newest key. Secrets already encrypted
    with it are left alone, so running it again re-encrypts none.

    All or nothing: the rows are locked while they are re-encrypted, and a secret no key
    decrypts raises SecretUnreadable with nothing changed. One audit entry counts the rows; it
    holds neither a secret nor a key."""
    re_encrypted = already_current = 0
    for authenticator in Authenticator.objects.select_for_update().order_by("pk"):
        if authenticator_secret_rotate(authenticator):
            # Not updated_at: the person's app is the same one it was.
            authenticator.save(update_fields=["secret_encrypted"])
            re_encrypted += 1
        else:
            already_current += 1
    Auditor(actor).record(
        action="two_factor.encryption_key_rotated",
        obj=None,
        after={"re_encrypted": re_encrypted, "already_current": already_current},
    )
    return KeyRotation(re_encrypted=re_encrypted, already_current=already_current)
