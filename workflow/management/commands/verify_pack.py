"""Check an assurance pack (ADR 0026): its Ed25519 signature, the SHA-256 of every part and the
hash of every audit entry. Exits 0 when all hold; otherwise non-zero, naming the first mismatch.

By default it checks against this service's key; `--public-key FILE` checks against a PEM public
key instead (the one published at /.well-known/nir-assurance-pack-key.pem)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.signing import PackKeyError
from workflow.assurance_pack.pack import (
    PackMismatch,
    load_public_key,
    signing_key,
    verify_pack,
    withheld_count,
)


class Command(BaseCommand):
    help = "Verify an assurance pack: signature, every part's SHA-256 and the audit hashes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("pack", help="the pack's .zip file")
        parser.add_argument("--public-key", default="", help="a PEM Ed25519 public key file")

    def handle(self, *args: Any, pack: str, public_key: str, **options: Any) -> None:
        try:
            content = Path(pack).read_bytes()
            key = (
                load_public_key(Path(public_key).read_bytes())
                if public_key
                else signing_key().public_key()
            )
        except (OSError, ValueError, PackKeyError) as exc:
            raise CommandError(str(exc)) from exc
        try:
            manifest = verify_pack(content, key)
        except PackMismatch as exc:
            raise CommandError(f"{pack}: {exc}") from exc
        self.stdout.write(
            f"{pack}: verified: {manifest['reference']}, signature and "
            f"{len(manifest['parts'])} parts and {len(manifest['evidence'])} evidence hashes"
        )
        withheld = withheld_count(content)
        if withheld:
            self.stdout.write(
                f"{withheld} audit entries have an email address withheld from this reader: "
                "their hashes cannot be checked from the pack (NHS England checks them with "
                "audit_verify)"
            )
