"""Re-encrypt every two-factor secret with the newest key in TWO_FACTOR_ENCRYPTION_KEYS
(ADR 0010). Audited (two_factor.encryption_key_rotated); running it again re-encrypts none."""

from django.core.management.base import BaseCommand, CommandError

from two_factor.key_rotation import authenticator_secrets_rotate
from two_factor.secret_storage import SecretUnreadable


class Command(BaseCommand):
    help = "Re-encrypt every two-factor secret with the newest TWO_FACTOR_ENCRYPTION_KEYS key."

    def handle(self, *args: object, **options: object) -> None:
        try:
            rotation = authenticator_secrets_rotate(actor=None)
        except SecretUnreadable as error:
            raise CommandError(f"{error}. Nothing was re-encrypted.") from None
        self.stdout.write(
            f"Re-encrypted {rotation.re_encrypted} two-factor secret(s) with the newest key; "
            f"{rotation.already_current} already used it."
        )
