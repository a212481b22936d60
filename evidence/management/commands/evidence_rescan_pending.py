"""Scan again every evidence file that waits for the scanner and is due (for cron)."""

from typing import Any

from django.core.management.base import BaseCommand

from evidence.rescan import evidence_rescan_due


class Command(BaseCommand):
    help = "Scan again the evidence files waiting in quarantine whose next attempt is due."

    def handle(self, *args: Any, **options: Any) -> None:
        outcomes = evidence_rescan_due()
        summary = ", ".join(f"{n} {outcome}" for outcome, n in sorted(outcomes.items()))
        self.stdout.write(summary or "Nothing to scan")
