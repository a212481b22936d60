"""Scanning again a file that waits in quarantine because the scanner gave no verdict.

`evidence_store` records such a file as "pending" (its bytes in quarantine, named after its row)
and enqueues `evidence_scan_task` for when the first retry is due. Each attempt scans the file
outside any transaction, then locks the row and, if it is still pending, records the outcome:

- clean: the file goes to the evidence storage and is accepted ("evidence.accept");
- infected: its bytes are deleted ("evidence.infected", with the signature);
- no verdict again: the next attempt is due after a delay that doubles each time
  (EVIDENCE_SCAN_RETRY_SECONDS, then twice that, …); after EVIDENCE_SCAN_MAX_ATTEMPTS attempts
  in all the file is refused and its bytes deleted ("evidence.scan_refuse").

Where the task backend can run a task later (the database backend), each retry is enqueued for
when it is due; wherever a task is lost, `manage.py evidence_rescan_pending` (cron) scans what is
due. Two attempts at once are harmless: the second finds the row no longer pending.
"""

from __future__ import annotations

import logging
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from audit.services import Auditor

from .models import EvidenceFile, ScanStatus
from .scanning import evidence_scan
from .storage import quarantine_dir, quarantine_discard, quarantine_path, storage_put

logger = logging.getLogger(__name__)

SCAN_FIELDS = ["scan_status", "scan_result", "scan_attempts", "next_scan_at", "scanned_at"]


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th attempt without a verdict."""
    return timedelta(seconds=settings.EVIDENCE_SCAN_RETRY_SECONDS * 2 ** (attempts - 1))


@task()
def evidence_scan_task(evidence_id: str) -> str:
    """The background task: one more attempt at scanning one pending file."""
    return evidence_scan_retry(evidence_id=uuid.UUID(evidence_id))


def evidence_scan_enqueue_on_commit(evidence_id: uuid.UUID, *, run_after: datetime) -> None:
    """Enqueue the retry for `run_after`, once the current transaction commits. A backend that
    cannot wait (the immediate one of the tests) gets nothing: the cron sweep does it when due."""

    def enqueue() -> None:
        if not evidence_scan_task.get_backend().supports_defer:
            return
        evidence_scan_task.using(run_after=run_after).enqueue(str(evidence_id))

    transaction.on_commit(enqueue, robust=True)


def evidence_scan_retry(*, evidence_id: uuid.UUID, now: datetime | None = None) -> str:
    """Scan a pending file once more and record the outcome. Returns "clean", "infected",
    "pending" (no verdict yet; retried later), "refused" (no verdict after the last attempt) or
    "skipped" (not pending, or no scanner configured now)."""
    now = now or timezone.now()
    if not EvidenceFile.objects.filter(pk=evidence_id, scan_status=ScanStatus.PENDING).exists():
        return "skipped"
    path = quarantine_path(evidence_id)
    outcome = evidence_scan(path) if path.exists() else None
    if outcome is not None and outcome.status == ScanStatus.NOT_SCANNED:
        return "skipped"  # never accept unscanned a file that was waiting for the scanner
    with transaction.atomic():
        row = (
            EvidenceFile.objects.select_for_update()
            .select_related("application__organisation")
            .filter(pk=evidence_id, scan_status=ScanStatus.PENDING)
            .first()
        )
        if row is None:
            return "skipped"
        row.scan_attempts += 1
        auditor = Auditor(None)
        organisation = row.application.organisation
        if outcome is None:
            row.scan_status = ScanStatus.REFUSED
            row.scan_result = "the quarantined file is missing"
            row.next_scan_at = None
            action = "evidence.scan_refuse"
        elif outcome.status == ScanStatus.CLEAN:
            storage_put(row.storage_name, path)
            row.scan_status = ScanStatus.CLEAN
            row.scan_result = outcome.result
            row.scanned_at = timezone.now()
            row.next_scan_at = None
            action = "evidence.accept"
        elif outcome.status == ScanStatus.INFECTED:
            row.scan_status = ScanStatus.INFECTED
            row.scan_result = outcome.result
            row.scanned_at = timezone.now()
            row.next_scan_at = None
            action = "evidence.infected"
            logger.warning("Evidence %s contains %s: deleted", row.pk, outcome.signature)
        elif row.scan_attempts >= settings.EVIDENCE_SCAN_MAX_ATTEMPTS:
            row.scan_status = ScanStatus.REFUSED
            row.scan_result = outcome.result
            row.next_scan_at = None
            action = "evidence.scan_refuse"
            logger.error("Evidence %s could not be scanned: %s", row.pk, outcome.result)
        else:
            row.scan_result = outcome.result
            row.next_scan_at = now + retry_delay(row.scan_attempts)
            action = "evidence.scan_pending"
            evidence_scan_enqueue_on_commit(row.pk, run_after=row.next_scan_at)
        row.save(update_fields=SCAN_FIELDS)
        auditor.record(
            action=action,
            obj=row,
            subject=row.purpose,
            organisation=organisation,
            after={
                "scan_status": row.scan_status,
                "scan_result": row.scan_result,
                "scan_attempts": row.scan_attempts,
                "signature": outcome.signature if outcome is not None else "",
            },
        )
    if row.scan_status != ScanStatus.PENDING:
        # After the row says so: a crash before here leaves a stray file, never a lost one.
        quarantine_discard(path)
    return str(row.scan_status)


def evidence_rescan_due(*, now: datetime | None = None, limit: int = 100) -> Counter[str]:
    """Attempt every pending file whose next attempt is due; count the outcomes."""
    now = now or timezone.now()
    due = (
        EvidenceFile.objects.filter(scan_status=ScanStatus.PENDING, next_scan_at__lte=now)
        .order_by("next_scan_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    return Counter(evidence_scan_retry(evidence_id=pk, now=now) for pk in list(due))


# An upload still being received is at most gunicorn's request timeout old (300 seconds,
# config/gunicorn.conf.py); a file in quarantine this much older belongs to no request.
ABANDONED_AFTER = timedelta(hours=1)


def quarantine_sweep(*, now: datetime | None = None) -> int:
    """Delete what a killed request left in quarantine (issue 27, ADR 0047): an upload it was
    receiving (`upload-*.part`), and a file it had named after a row its transaction never
    committed (`<id>.pending` with no row still pending), once older than ABANDONED_AFTER. A file
    is scratch space, never evidence: accepted files are in the evidence storage, and a pending
    row's file is kept. Returns how many were deleted."""
    cutoff = (now or timezone.now()) - ABANDONED_AFTER
    folder = quarantine_dir()
    candidates = [
        path
        for path in [*folder.glob("upload-*.part"), *folder.glob("*.pending")]
        if datetime.fromtimestamp(path.stat().st_mtime, tz=UTC) < cutoff
    ]
    named = {path.stem for path in candidates if path.suffix == ".pending"}
    waiting = {
        str(pk)
        for pk in EvidenceFile.objects.filter(
            pk__in=[stem for stem in named if _is_uuid(stem)], scan_status=ScanStatus.PENDING
        ).values_list("pk", flat=True)
    }
    deleted = 0
    for path in candidates:
        if path.suffix == ".pending" and path.stem in waiting:
            continue
        path.unlink(missing_ok=True)
        deleted += 1
    if deleted:
        logger.warning("Deleted %s abandoned file(s) from quarantine", deleted)
    return deleted


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True
