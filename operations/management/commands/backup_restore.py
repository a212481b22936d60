"""Restore a backup written by backup_create into an empty database and an empty evidence
storage, checking every file against the manifest and every evidence row (ADR 0041)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from operations.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore the backup in FOLDER into this database, which must have no tables, and the "
        "evidence storage, which must be empty. Exits non-zero, naming each, when a file differs "
        "from the manifest or an accepted evidence row's file is missing or differs from the "
        "row. Run audit_verify afterwards. PostgreSQL only."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = backup_restore(directory=options["folder"])
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Restored from {report.directory}: the database and {report.files} files "
            f"({report.bytes} bytes), each matching the manifest and its evidence row"
        )
