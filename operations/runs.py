"""When each scheduled job last ran (ADR 0040): the daily jobs call `job_run_record` as they
finish, and the metrics endpoint reports how long ago that was."""

from enum import StrEnum

from django.utils import timezone

from .models import JobRun


class Job(StrEnum):
    DSPT_RECHECK = "dspt_recheck"
    CERTIFICATE_CHECK = "certificate_check"
    AUDIT_VERIFY = "audit_verify"


def job_run_record(job: Job, *, succeeded: bool = True) -> None:
    """Record that `job` finished now: one upsert, whether or not it has run before; a later
    run overwrites an earlier one."""
    JobRun.objects.bulk_create(
        [JobRun(name=str(job), finished_at=timezone.now(), succeeded=succeeded)],
        update_conflicts=True,
        unique_fields=["name"],
        update_fields=["finished_at", "succeeded"],
    )
