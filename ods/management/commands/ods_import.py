"""Import an ODS organisation file: the monthly full XML file or a DSE CSV report (ADR 0017)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ods.parsing import OdsFileInvalid
from ods.services import ods_import


class Command(BaseCommand):
    help = (
        "Import ODS organisation data from FILE: ODS's full XML file (OrgRefData) or a CSV "
        "report of ODS Data Search and Export. Streamed; importing again updates, never "
        "duplicates."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the XML or CSV file")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            with path.open("rb") as stream:
                result = ods_import(stream=stream, source=path.name)
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}") from None
        except OdsFileInvalid as invalid:
            raise CommandError(str(invalid)) from None
        self.stdout.write(str(result))
