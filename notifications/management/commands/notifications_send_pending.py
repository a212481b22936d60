"""Send every queued notification whose attempt is due (run it from cron every few minutes).

The worker sends notifications as they are queued and retries them when they are due; this
sweep catches any the worker lost (a crash, a restart, a task backend that cannot wait).
"""

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from notifications.delivery import notifications_send_due


class Command(BaseCommand):
    help = "Send queued notifications whose next attempt is due (for cron)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--grace-seconds",
            type=int,
            default=60,
            help="leave notifications due less than this long ago to the worker (default 60)",
        )
        parser.add_argument(
            "--limit", type=int, default=500, help="most notifications to attempt (default 500)"
        )

    def handle(self, *args: Any, grace_seconds: int, limit: int, **options: Any) -> None:
        outcomes = notifications_send_due(grace=timedelta(seconds=grace_seconds), limit=limit)
        self.stdout.write(
            f"Sent {outcomes['sent']}, to retry {outcomes['retry']}, "
            f"failed {outcomes['failed']}, skipped {outcomes['skipped']}."
        )
