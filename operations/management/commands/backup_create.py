"""Back up the database (pg_dump, custom format) and the evidence storage, with a manifest of
each object's key, size and SHA-256, into a new folder (ADR 0041; README "Backups")."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from operations.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Write a backup into FOLDER (new or empty): the database as pg_dump's custom format, "
        "every object of the evidence storage, and manifest.json (key, size, SHA-256 of each). "
        "Exits non-zero if an accepted evidence file is missing or differs from its row. "
        "PostgreSQL only."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = backup_create(directory=options["folder"])
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Backup written to {report.directory}: the database and {report.files} files "
            f"({report.bytes} bytes)"
        )
