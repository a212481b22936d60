"""Import a snapshot of the DSPT's published register (README "DSPT register")."""

from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from dspt_register.parsing import RegisterFileError
from dspt_register.services import dspt_register_import


class Command(BaseCommand):
    help = (
        "Import a CSV snapshot of the DSPT's published statuses (organisation code, name, "
        "status, publication date). Importing the same file again adds nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the CSV file")
        parser.add_argument(
            "--date", default="", help="the day the register was taken, YYYY-MM-DD (default today)"
        )

    def handle(self, *args: Any, file: str, date: str, **options: Any) -> None:
        taken_on = timezone.localdate()
        if date:
            try:
                taken_on = _parse(date)
            except ValueError:
                raise CommandError(f"--date must be a date as YYYY-MM-DD, not {date!r}") from None
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"There is no file at {file}")
        try:
            result = dspt_register_import(
                open_file=lambda: path.open("rb"),
                source=path.name,
                taken_on=taken_on,
                actor=None,
            )
        except RegisterFileError as error:
            raise CommandError(f"{path.name}: {error}. Nothing was imported.") from None
        snapshot = result.snapshot
        if result.created:
            self.stdout.write(
                f"Imported the DSPT register of {snapshot.taken_on.isoformat()} from "
                f"{path.name}: {snapshot.entries_count} organisations."
            )
        else:
            self.stdout.write(
                f"{path.name} was already imported on "
                f"{snapshot.imported_at.date().isoformat()} (the register of "
                f"{snapshot.taken_on.isoformat()}): nothing to do."
            )


def _parse(text: str) -> date:
    return date.fromisoformat(text)
