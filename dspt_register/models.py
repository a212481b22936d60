"""Snapshots of the DSPT's published register: each organisation's status and publication date
as the Data Security and Protection Toolkit published them on a day (issue 13, ADR 0023).

A snapshot is imported whole and never changed afterwards; the latest one (by its date, then by
when it was imported) is what applications are compared with."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class RegisterStatus(models.TextChoices):
    """The register's statuses, with the same values as the questionnaire's DSPT options."""

    STANDARDS_EXCEEDED = "standards_exceeded", "Standards Exceeded"
    STANDARDS_MET = "standards_met", "Standards Met"
    APPROACHING_STANDARDS = "approaching_standards", "Approaching Standards"
    STANDARDS_NOT_MET = "standards_not_met", "Standards Not Met"
    NOT_PUBLISHED = "not_published", "Not Published"


# Higher is better: a declared status above the register's is flagged for the reviewer.
STATUS_RANK = {
    RegisterStatus.STANDARDS_EXCEEDED: 4,
    RegisterStatus.STANDARDS_MET: 3,
    RegisterStatus.APPROACHING_STANDARDS: 2,
    RegisterStatus.STANDARDS_NOT_MET: 1,
    RegisterStatus.NOT_PUBLISHED: 0,
}


class DsptSnapshot(models.Model):
    """One imported file: the day the register was taken on, and the file's SHA-256, which makes
    importing the same file again a no-op."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    taken_on = models.DateField()
    source = models.CharField(max_length=1000)
    sha256 = models.CharField(max_length=64, unique=True)
    entries_count = models.PositiveIntegerField(default=0)
    imported_at = models.DateTimeField(auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["-taken_on", "-imported_at"], name="dspt_snapshot_latest")]

    def __str__(self) -> str:
        return f"DSPT register of {self.taken_on.isoformat()}"


class DsptRegisterEntry(models.Model):
    """One organisation in a snapshot: its latest publication in that file."""

    snapshot = models.ForeignKey(DsptSnapshot, on_delete=models.CASCADE, related_name="entries")
    ods_code = models.CharField(max_length=10)
    name = models.CharField(max_length=500)
    status = models.CharField(max_length=30, choices=RegisterStatus.choices)
    published = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot", "ods_code"], name="one_register_entry_per_code"
            )
        ]

    def __str__(self) -> str:
        return f"{self.ods_code}: {self.status}"
