from django.db import models


class JobRun(models.Model):
    """When a scheduled job (cron) last finished, and whether it succeeded: one row a job,
    overwritten each run. Operational state for the metrics endpoint (ADR 0040), not a record
    anyone may ask about later, so it is not audited and keeps no history; the jobs' own
    outcomes are audited where they change anything."""

    name = models.CharField(max_length=50, primary_key=True)
    finished_at = models.DateTimeField()
    succeeded = models.BooleanField()

    def __str__(self) -> str:
        outcome = "succeeded" if self.succeeded else "failed"
        return f"{self.name} {outcome} at {self.finished_at:%Y-%m-%d %H:%M}"
