"""Sign the audit chain's head, outside the database (for cron, once a day, and on demand):
exit 0 naming the checkpoint written, non-zero, writing nothing, when the chain or a checkpoint
fails `audit_verify`'s check (ADR 0009)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from audit.management.public_keys import public_key_option_add, public_keys_given
from audit.services import checkpoint_create
from audit.verify import ChainBroken


class Command(BaseCommand):
    help = (
        "Sign the audit chain's head, and the hash of every entry since the last checkpoint, "
        "with the service's key, and keep the checkpoint in the evidence storage. Refuses a "
        "chain that audit_verify finds broken."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        public_key_option_add(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        keys = public_keys_given(options)
        try:
            written = checkpoint_create(public_keys=keys)
        except ChainBroken as exc:
            raise CommandError(f"{exc}\nNo checkpoint was signed.") from exc
        for checkpoint in written:
            self.stdout.write(
                f"Audit checkpoint signed: entries {checkpoint.first} to {checkpoint.sequence}, "
                f"head {checkpoint.hash}, in {checkpoint.name}"
            )
