"""Remove what the privacy notice says is not kept past its period (run it from cron once a
day; README "Retention"). `--dry-run` lists what a run would remove, and removes nothing."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from service_pages.retention import retention_apply, retention_due


class Command(BaseCommand):
    help = "Delete spent invitation and password reset links and old feedback (privacy notice)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="list what would be removed; remove nothing"
        )

    def handle(self, *args: Any, dry_run: bool, **options: Any) -> None:
        now = timezone.now()
        if dry_run:
            for due in retention_due(now):
                ids = [str(pk) for pk in due.rows.values_list("pk", flat=True)]
                self.stdout.write(
                    f"Would remove {len(ids)} {due.kind} (kept {due.period_days} days)"
                )
                for pk in ids:
                    self.stdout.write(f"  {pk}")
            return
        removed = retention_apply(now=now)
        if not removed:
            self.stdout.write("Nothing is past its retention period")
        for kind, ids in removed.items():
            self.stdout.write(f"Removed {len(ids)} {kind}")
            for pk in ids:
                self.stdout.write(f"  {pk}")
