"""Sign the audit chain's head, outside the database (for cron, once a day, and on demand):
exit 0 naming the checkpoint written, non-zero, writing nothing, when the chain or a checkpoint
fails `audit_verify`'s check (ADR 0009)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from audit.services import checkpoint_create
from audit.verify import ChainBroken
from core.signing import PackKeyError, load_public_key


class Command(BaseCommand):
    help = (
        "Sign the audit chain's head, and the hash of every entry since the last checkpoint, "
        "with the service's key, and keep the checkpoint in the evidence storage. Refuses a "
        "chain that audit_verify finds broken."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--public-key",
            metavar="FILE",
            action="append",
            default=[],
            help="a PEM Ed25519 public key whose checkpoints count too (a key used before the "
            "service's key was rotated); may be given more than once",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            keys = [load_public_key(Path(f).read_bytes()) for f in options["public_key"]]
        except (OSError, ValueError, PackKeyError) as exc:
            raise CommandError(f"--public-key: {exc}") from exc
        try:
            written = checkpoint_create(public_keys=keys)
        except ChainBroken as exc:
            raise CommandError(f"{exc}\nNo checkpoint was signed.") from exc
        for checkpoint in written:
            self.stdout.write(
                f"Audit checkpoint signed: entries {checkpoint.first} to {checkpoint.sequence}, "
                f"head {checkpoint.hash}, in {checkpoint.name}"
            )
