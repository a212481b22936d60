"""Writes: storing a received file as evidence. Every outcome is in the audit log."""

from __future__ import annotations

import contextlib
import logging
import os
import uuid
from typing import TYPE_CHECKING

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from audit.services import Auditor

from .inspection import EXTENSIONS, evidence_inspect
from .models import EvidenceFile, ScanStatus
from .names import download_name_make, original_name_clean
from .refusals import EMPTY, TRY_AGAIN, VIRUS, EvidenceRefused, too_large_message
from .rescan import evidence_scan_enqueue_on_commit, retry_delay
from .scanning import evidence_scan
from .storage import evidence_storage, quarantine_path, storage_name_for, storage_put
from .upload import Received

if TYPE_CHECKING:
    from accounts.models import User
    from applications.models import Application

logger = logging.getLogger(__name__)

PURPOSE_MAX_LENGTH = 100


def evidence_store(
    *, application: Application, purpose: str, received: Received, actor: User | None
) -> EvidenceFile:
    """Judge a received file and, when it passes, keep it as the next revision of `purpose`.

    Guarantees, in order:
    - A file that is empty, not smaller than EVIDENCE_MAX_BYTES, not an allowed type by its
      content, a zip that fails its checks (evidence/inspection.py) or password protected is
      refused (EvidenceRefused), its bytes deleted and no row written; the audit log has
      "evidence.refuse" with the reason.
    - Otherwise it is scanned (outside any transaction) and a new EvidenceFile row is written,
      revision = the purpose's last + 1, under a lock on the application row:
      - clean, or not scanned because no scanner is configured: the file is copied to the
        evidence storage first, then the row is written ("evidence.accept"/
        "evidence.accept_unscanned") and returned. This is the only way this function returns.
      - infected: the bytes are deleted, the row is kept with the signature (so reviewers can
        see an infected file was sent) and "evidence.infected" is audited; then EvidenceRefused
        "The selected file contains a virus" is raised.
      - no verdict (scanner unreachable, timed out or in error): the row is kept as "pending",
        the file waits in quarantine under its row's id, a retry is enqueued
        (evidence/rescan.py) and "evidence.scan_pending" audited; then EvidenceRefused "… could
        not be uploaded – try again" is raised. The row stays, unaccepted, so that the retry
        can accept it later; a file is never shown as accepted before a clean scan.
    The received file is gone from where it was received when this returns or raises.
    """
    if not purpose or len(purpose) > PURPOSE_MAX_LENGTH:
        raise ValueError(f"purpose must be 1 to {PURPOSE_MAX_LENGTH} characters: {purpose!r}")
    auditor = Auditor(actor)
    organisation = application.organisation
    original_name = original_name_clean(received.original_name)
    try:
        if received.size == 0:
            raise EvidenceRefused(EMPTY, reason="the file has no bytes")
        if received.size >= settings.EVIDENCE_MAX_BYTES:
            raise EvidenceRefused(too_large_message(), reason=f"{received.size} bytes")
        inspection = evidence_inspect(received.path)
    except EvidenceRefused as refused:
        received.discard()
        auditor.record(
            action="evidence.refuse",
            obj=application,
            subject=purpose,
            organisation=organisation,
            after={
                "original_name": original_name,
                "size": received.size,
                "sha256": received.sha256,
                "message": refused.message,
                "reason": refused.reason,
            },
        )
        raise

    outcome = evidence_scan(received.path)
    evidence_id = uuid.uuid4()
    storage_name = storage_name_for(application.pk, evidence_id, EXTENSIONS[inspection.kind][0])
    accepted = outcome.status in (ScanStatus.CLEAN, ScanStatus.NOT_SCANNED)
    pending = outcome.status == ScanStatus.PENDING
    if accepted:
        _storage_put_or_refuse(
            storage_name, received, auditor=auditor, application=application, purpose=purpose
        )
    now = timezone.now()
    try:
        if pending:
            os.replace(received.path, quarantine_path(evidence_id))
        with transaction.atomic():
            application_model = apps.get_model("applications", "Application")
            application_model.objects.select_for_update().filter(pk=application.pk).get()
            last = EvidenceFile.objects.filter(application=application, purpose=purpose).aggregate(
                last=Max("revision")
            )["last"]
            evidence = EvidenceFile.objects.create(
                id=evidence_id,
                application=application,
                purpose=purpose,
                revision=(last or 0) + 1,
                original_name=original_name,
                download_name=download_name_make(original_name, inspection.kind),
                size=received.size,
                kind=inspection.kind,
                mime_type=inspection.mime_type,
                sha256=received.sha256,
                storage_name=storage_name,
                scan_status=outcome.status,
                scan_result=outcome.result,
                scan_attempts=0 if outcome.status == ScanStatus.NOT_SCANNED else 1,
                next_scan_at=now + retry_delay(1) if pending else None,
                scanned_at=None if pending or outcome.status == ScanStatus.NOT_SCANNED else now,
                uploaded_by=actor,
            )
            auditor.record(
                action={
                    ScanStatus.CLEAN: "evidence.accept",
                    ScanStatus.NOT_SCANNED: "evidence.accept_unscanned",
                    ScanStatus.INFECTED: "evidence.infected",
                    ScanStatus.PENDING: "evidence.scan_pending",
                }[outcome.status],
                obj=evidence,
                subject=purpose,
                organisation=organisation,
                after={
                    "revision": evidence.revision,
                    "original_name": original_name,
                    "size": evidence.size,
                    "kind": evidence.kind,
                    "sha256": evidence.sha256,
                    "scan_status": evidence.scan_status,
                    "scan_result": evidence.scan_result,
                    "signature": outcome.signature,
                },
            )
            if pending:
                evidence_scan_enqueue_on_commit(evidence.pk, run_after=evidence.next_scan_at)
    except BaseException:
        if accepted:
            evidence_storage().delete(storage_name)
        quarantine_path(evidence_id).unlink(missing_ok=True)
        raise
    finally:
        received.discard()

    if outcome.status == ScanStatus.INFECTED:
        logger.warning("Evidence %s contains %s: deleted", evidence.pk, outcome.signature)
        raise EvidenceRefused(VIRUS, reason=outcome.result)
    if pending:
        logger.warning("Evidence %s waits for the scanner: %s", evidence.pk, outcome.result)
        raise EvidenceRefused(TRY_AGAIN, reason=outcome.result)
    return evidence


def evidence_download_record(*, evidence: EvidenceFile, actor: User) -> None:
    """Audit that ``actor`` was sent the file: who and which file (its purpose, revision, name
    and SHA-256), never its bytes. The caller had it from ``evidence_get_for_user``."""
    Auditor(actor).record(
        action="evidence.download",
        obj=evidence,
        subject=evidence.purpose,
        organisation=evidence.application.organisation,
        after={
            "revision": evidence.revision,
            "name": evidence.download_name,
            "sha256": evidence.sha256,
        },
    )


def _storage_put_or_refuse(
    storage_name: str,
    received: Received,
    *,
    auditor: Auditor,
    application: Application,
    purpose: str,
) -> None:
    """Copy the file to the evidence storage, or, when the storage refuses it (a full disk, a
    bucket refusing writes), refuse the upload with the design system's "try again" and record
    nothing as accepted (issue 27, ADR 0047): no row, the file gone from quarantine and from the
    storage, the refusal audited as every refusal is."""
    try:
        storage_put(storage_name, received.path)
    except Exception as error:
        logger.exception("The evidence storage refused %s", storage_name)
        with contextlib.suppress(Exception):
            evidence_storage().delete(storage_name)
        received.discard()
        auditor.record(
            action="evidence.refuse",
            obj=application,
            subject=purpose,
            organisation=application.organisation,
            after={
                "original_name": original_name_clean(received.original_name),
                "size": received.size,
                "sha256": received.sha256,
                "message": TRY_AGAIN,
                "reason": "the evidence storage refused the file",
            },
        )
        raise EvidenceRefused(TRY_AGAIN, reason="the evidence storage refused the file") from error
