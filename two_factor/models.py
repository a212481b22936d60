"""A person's authenticator app and their recovery codes (ADR 0010).

The rows hold only the current state; what happened (set up, codes used, failures, resets) is in
the audit log, written by two_factor/services.py."""

from typing import NoReturn

from django.conf import settings
from django.db import models

from core.models import TimestampedModel

_READ_THROUGH_STORAGE = (
    "The TOTP secret is stored encrypted: use two_factor.secret_storage.authenticator_secret "
    "and authenticator_secret_set"
)


class Authenticator(TimestampedModel):
    """The TOTP authenticator app a user set up: one per user.

    `confirmed_at` is set once the person has entered a code from the app, which proves the app
    holds the secret; only then does sign-in ask for a code. `last_used_step` is the TOTP time
    step (30-second window) of the last code accepted, so no code is accepted twice.

    `secret_encrypted` is the TOTP secret as a Fernet token under TWO_FACTOR_ENCRYPTION_KEYS:
    only two_factor/secret_storage.py reads or writes it. `secret` raises (RuntimeError, not
    AttributeError, which a template or getattr with a default would take for "absent"), so
    code written for the old plain column fails rather than reading or setting nothing."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="authenticator"
    )
    secret_encrypted = models.TextField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_used_step = models.BigIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Authenticator of {self.user}"

    @property
    def secret(self) -> NoReturn:
        raise RuntimeError(_READ_THROUGH_STORAGE)

    @secret.setter
    def secret(self, value: str) -> NoReturn:
        raise RuntimeError(_READ_THROUGH_STORAGE)

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class RecoveryCode(TimestampedModel):
    """One single-use recovery code, stored as the SHA-256 of the code: the codes are random
    (about 79 bits), so a slow password hash adds nothing and would make each check costly."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recovery_codes"
    )
    code_hash = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "code_hash"], name="recovery_code_unique")
        ]

    def __str__(self) -> str:
        return f"Recovery code of {self.user}"


class Passkey(TimestampedModel):
    """A passkey (a WebAuthn credential, ADR 0043) a person registered: a second factor, and a
    way to sign in without a password. The service keeps only the credential's id and public
    key; the private key never leaves the person's authenticator.

    `sign_count` is the authenticator's counter at the last use: one that goes backwards is
    refused as a possible clone (the library checks it). Adding and removing are audited by
    two_factor/passkey_services.py."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="passkeys"
    )
    name = models.CharField(max_length=100)
    credential_id = models.BinaryField(max_length=1023, unique=True)
    public_key = models.BinaryField()
    sign_count = models.BigIntegerField(default=0)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Passkey {self.name} of {self.user}"
