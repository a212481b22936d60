"""The certificate register's daily check (cron), or what it would do on a given day."""

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from workflow.continuous.certificates import certificate_check


class Command(BaseCommand):
    help = (
        "Warn suppliers 90, 30 and 7 days before a certificate expires (once each) and, on "
        "expiry, pause their approved applications. --date runs it as on another day."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="the day to run it as on, YYYY-MM-DD (default today)")

    def handle(self, *args: Any, **options: Any) -> None:
        day = None
        if options["date"]:
            try:
                day = date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError("--date must be a real date, YYYY-MM-DD") from None
        self.stdout.write(str(certificate_check(day=day)))
