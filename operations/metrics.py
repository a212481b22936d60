"""The Prometheus endpoint's own gauges (ADR 0040), computed from the database at each scrape:
what an operator is paged for. Counts only, never a name, email address or answer; one
aggregate query a family (the scrape's query count is pinned by a test).

Request metrics (counts and durations by route) are kept by operations.middleware in the process
that served the request; under gunicorn, PROMETHEUS_MULTIPROC_DIR adds up every worker's."""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import datetime, time, timedelta

from django.db.models import Count, Q
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from applications.models import Application
from applications.states import Stage2State
from evidence.models import EvidenceFile, ScanStatus
from notifications.models import Notification, NotificationStatus
from questionnaire import definitions
from review.dashboard import overdue_cutoff
from workflow.decisions.review_times import WITH_NHS_ENGLAND, review_target
from workflow.models import Hold, HoldOrigin

from .models import JobRun
from .runs import Job

SECONDS_A_DAY = 86400


def _gauge(name: str, documentation: str, label: str, values: dict[str, float]) -> Metric:
    family = GaugeMetricFamily(name, documentation, labels=[label])
    for value, count in values.items():
        family.add_metric([value], count)
    return family


class ServiceCollector(Collector):
    """The service's gauges, read at the moment Prometheus asks."""

    def collect(self) -> Iterator[Metric]:
        yield from self._applications()
        yield from self._submissions()
        yield from self._holds()
        yield from self._emails()
        yield from self._scans()
        yield from self._jobs()

    def _applications(self) -> Iterator[Metric]:
        found = dict(
            Application.objects.order_by()
            .values_list("stage2_state")
            .annotate(n=Count("pk"))
            .values_list("stage2_state", "n")
        )
        yield _gauge(
            "nir_applications",
            "Applications by Stage 2 state.",
            "state",
            {state.value: found.get(state.value, 0) for state in Stage2State},
        )

    def _submissions(self) -> Iterator[Metric]:
        today = definitions.today()
        target = review_target()
        boundary = timezone.make_aware(
            datetime.combine(overdue_cutoff(today, target) + timedelta(days=1), time.min)
        )
        counts = Application.objects.filter(stage2_state__in=WITH_NHS_ENGLAND).aggregate(
            waiting=Count("pk"), overdue=Count("pk", filter=Q(stage2_submitted_at__lt=boundary))
        )
        yield GaugeMetricFamily(
            "nir_submissions_waiting",
            "Submissions waiting on NHS England (submitted or in review).",
            value=counts["waiting"],
        )
        yield GaugeMetricFamily(
            "nir_submissions_overdue",
            f"Submissions waiting longer than the target of {target} working days.",
            value=counts["overdue"],
        )
        yield GaugeMetricFamily(
            "nir_review_target_working_days",
            "The published target for a Stage 2 decision, in working days.",
            value=target,
        )

    def _holds(self) -> Iterator[Metric]:
        found = dict(
            Hold.objects.filter(lifted_at__isnull=True)
            .order_by()
            .values_list("origin")
            .annotate(n=Count("pk"))
            .values_list("origin", "n")
        )
        yield _gauge(
            "nir_holds_open",
            "Open holds by origin.",
            "origin",
            {origin.value: found.get(origin.value, 0) for origin in HoldOrigin},
        )

    def _emails(self) -> Iterator[Metric]:
        counts = Notification.objects.aggregate(
            waiting=Count("pk", filter=Q(status=NotificationStatus.QUEUED)),
            failed=Count("pk", filter=Q(status=NotificationStatus.FAILED)),
        )
        yield _gauge(
            "nir_emails",
            "Emails in the notifications outbox still to send (waiting) or given up on (failed).",
            "status",
            {"waiting": counts["waiting"], "failed": counts["failed"]},
        )

    def _scans(self) -> Iterator[Metric]:
        counts = EvidenceFile.objects.aggregate(
            waiting=Count("pk", filter=Q(scan_status=ScanStatus.PENDING)),
            failed=Count("pk", filter=Q(scan_status=ScanStatus.REFUSED)),
        )
        yield GaugeMetricFamily(
            "nir_evidence_files_waiting_for_scan",
            "Evidence files in quarantine waiting for the malware scan.",
            value=counts["waiting"],
        )
        yield GaugeMetricFamily(
            "nir_evidence_scan_failures",
            "Evidence files that could not be scanned after every attempt.",
            value=counts["failed"],
        )

    def _jobs(self) -> Iterator[Metric]:
        now = timezone.now()
        runs = {run.name: run for run in JobRun.objects.all()}
        age = GaugeMetricFamily(
            "nir_job_last_run_age_days",
            "Days since each daily job last finished (+Inf when it never has).",
            labels=["job"],
        )
        succeeded = GaugeMetricFamily(
            "nir_job_last_run_succeeded",
            "Whether each daily job's last run succeeded (1) or failed (0).",
            labels=["job"],
        )
        for job in Job:
            run = runs.get(job.value)
            age.add_metric(
                [job.value],
                (now - run.finished_at).total_seconds() / SECONDS_A_DAY if run else math.inf,
            )
            if run:
                succeeded.add_metric([job.value], int(run.succeeded))
        yield age
        yield succeeded
        verified = runs.get(Job.AUDIT_VERIFY.value)
        if verified:  # never verified: no sample, rather than a made-up result
            yield GaugeMetricFamily(
                "nir_audit_chain_intact",
                "The audit chain's last verification (manage.py audit_verify): 1 intact, 0 broken.",
                value=int(verified.succeeded),
            )
