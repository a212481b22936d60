"""One uploaded file of evidence: an append-only row per revision.

Rows are never deleted, and every column is fixed when the row is written except the scan's
(`scan_status`, `scan_result`, `scan_attempts`, `next_scan_at`, `scanned_at`), which change
only while the file waits for the scanner ("pending") and once more when that wait ends (clean,
infected or refused). Database triggers (migration 0001) refuse any other UPDATE, any change
of a row that is no longer pending, and every DELETE, however it arrives (ADR 0005, 0008).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class EvidenceKind(models.TextChoices):
    """What the file is, judged by its content (evidence/inspection.py), never by its name."""

    PDF = "pdf", "PDF"
    DOCX = "docx", "DOCX"
    ODT = "odt", "ODT"
    PNG = "png", "PNG"
    JPEG = "jpeg", "JPEG"
    ZIP = "zip", "ZIP"


class ScanStatus(models.TextChoices):
    # Waiting in quarantine for the scanner, which could not be reached; retried in the background.
    PENDING = "pending", "Waiting for the malware scan"
    CLEAN = "clean", "Scanned: no malware found"
    # The bytes were deleted; the row and the audit entry say which signature matched.
    INFECTED = "infected", "Contains a virus"
    # No scanner is configured (development only): stored and accepted, and marked as such.
    NOT_SCANNED = "not_scanned", "Not scanned: malware scanning is not configured"
    # The scanner never managed to scan it (EVIDENCE_SCAN_MAX_ATTEMPTS): the bytes were deleted.
    REFUSED = "refused", "Could not be scanned"


ACCEPTED_STATUSES = (ScanStatus.CLEAN, ScanStatus.NOT_SCANNED)
# The columns a trigger lets change, and only while the row is pending.
SCAN_COLUMNS = ("scan_status", "scan_result", "scan_attempts", "next_scan_at", "scanned_at")


class EvidenceFile(models.Model):
    """One revision of the file sent for one purpose of one application."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # PROTECT: applications are never deleted, and a row with evidence must keep it.
    application = models.ForeignKey(
        "applications.Application", on_delete=models.PROTECT, related_name="evidence_files"
    )
    # What the file answers, chosen by the caller: "question:c_aup", "document_request:<uuid>".
    purpose = models.CharField(max_length=100)
    # 1, 2, … per application and purpose; a new upload is a new revision, the old one stays.
    revision = models.PositiveIntegerField()
    original_name = models.CharField(max_length=1000)
    download_name = models.CharField(max_length=255)
    size = models.BigIntegerField()
    kind = models.CharField(max_length=10, choices=EvidenceKind.choices)
    mime_type = models.CharField(max_length=100)
    sha256 = models.CharField(max_length=64)
    # Where the bytes are in the "evidence" storage once accepted; named when the row is made.
    storage_name = models.CharField(max_length=500)
    scan_status = models.CharField(max_length=20, choices=ScanStatus.choices)
    # The scanner's reply ("stream: OK", the signature found) or why it could not scan.
    scan_result = models.TextField(blank=True)
    scan_attempts = models.PositiveIntegerField(default=0)
    next_scan_at = models.DateTimeField(null=True, blank=True)
    scanned_at = models.DateTimeField(null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["application", "purpose", "revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "purpose", "revision"],
                name="evidence_one_row_per_revision",
            )
        ]
        indexes = [models.Index(fields=["scan_status", "next_scan_at"])]

    def __str__(self) -> str:
        return f"{self.download_name} (revision {self.revision})"

    @property
    def accepted(self) -> bool:
        return self.scan_status in ACCEPTED_STATUSES
