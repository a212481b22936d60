"""Scan again every evidence file that waits for the scanner and is due, and delete what killed
requests left in quarantine (for cron)."""

from typing import Any

from django.core.management.base import BaseCommand

from evidence.rescan import evidence_rescan_due, quarantine_sweep


class Command(BaseCommand):
    help = (
        "Scan again the evidence files waiting in quarantine whose next attempt is due, and "
        "delete files in quarantine that no request or pending row has owned for an hour."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        outcomes = evidence_rescan_due()
        summary = ", ".join(f"{n} {outcome}" for outcome, n in sorted(outcomes.items()))
        self.stdout.write(summary or "Nothing to scan")
        if deleted := quarantine_sweep():
            self.stdout.write(f"{deleted} abandoned file(s) deleted from quarantine")
