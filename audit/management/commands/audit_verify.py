"""Check the audit log's hash chain (for cron): exit 0 when intact, non-zero naming the first
entry that was changed, moved or removed."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from audit.verify import verify_chain


class Command(BaseCommand):
    help = (
        "Walk the audit log's hash chain and name the first entry whose content, order or "
        "presence was changed. Exits non-zero when it finds one."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--expect-head",
            metavar="HASH",
            help="a head hash printed by an earlier run: fail unless the chain still contains it "
            "(finds entries removed from the end)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_chain(expect_head=options["expect_head"])
        if not report.intact:
            raise CommandError(f"Audit chain broken: {report.problem}")
        self.stdout.write(f"Audit chain intact: {report.entries} entries, head {report.head}")
