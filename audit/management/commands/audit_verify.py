"""Check the audit log's hash chain against the signed checkpoints (for cron): exit 0 when
intact, non-zero naming the first entry that was changed, moved, removed or rewritten, and any
checkpoint that does not verify. Each run's result is kept (accounts.models.ChainCheck, ADR 0039)
for the administration home."""

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import ChainCheck
from audit.management.public_keys import public_key_option_add, public_keys_given
from audit.verify import verify_chain
from operations.runs import Job, job_run_record


class Command(BaseCommand):
    help = (
        "Walk the audit log's hash chain, compare it with every signed checkpoint "
        "(manage.py audit_checkpoint), and name the first entry whose content, order or presence "
        "was changed, or whose history was rewritten. Exits non-zero when it finds one."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--expect-head",
            metavar="HASH",
            help="a head hash printed by an earlier run: fail unless the chain still contains it "
            "(finds entries removed from the end)",
        )
        public_key_option_add(parser)
        parser.add_argument(
            "--max-checkpoint-age",
            metavar="HOURS",
            type=float,
            help="fail unless a checkpoint was signed within this many hours",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        keys = public_keys_given(options)
        age = options["max_checkpoint_age"]
        report = verify_chain(
            expect_head=options["expect_head"],
            public_keys=keys,
            max_checkpoint_age=timedelta(hours=age) if age is not None else None,
        )
        # What it found, for the administration home (ADR 0039); that the job ran, with the
        # other daily jobs, for the metrics (ADR 0040).
        ChainCheck.objects.create(
            intact=report.intact,
            entries=report.entries,
            head=report.head,
            problems="\n".join(report.problems),
        )
        job_run_record(Job.AUDIT_VERIFY, succeeded=report.intact)
        if not report.intact:
            raise CommandError("\n".join(report.problems))
        if report.checkpoints:
            assert report.last_signed_at is not None
            self.stdout.write(
                f"Checked against {report.checkpoints} checkpoints: entries 1 to "
                f"{report.signed_to} as signed, the last at {report.last_signed_at.isoformat()}"
            )
        # Last, and the head last on it: cron keeps this line's last word (README "Production").
        self.stdout.write(f"Audit chain intact: {report.entries} entries, head {report.head}")
