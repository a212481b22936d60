"""The daily DSPT re-check (run it from cron once a day; README "Daily DSPT re-check").

`--date YYYY-MM-DD` runs it as if it were that day, to see what it would do on 1 July. It acts
as it would on that day: holds and warnings are real."""

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from questionnaire import definitions
from workflow.continuous.dspt_recheck import dspt_recheck


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--date must be a date as YYYY-MM-DD, not {text!r}") from None


class Command(BaseCommand):
    help = "Re-check the DSPT of every submitted application: holds on lapse, warnings before."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", default="", help="the day to judge on (default today)")

    def handle(self, *args: Any, date: str, **options: Any) -> None:
        today = _day(date) if date else definitions.today()
        summary = dspt_recheck(today)
        self.stdout.write(f"DSPT re-check for {today.isoformat()}: {summary}")
