from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from core.models import TimestampedModel

from .risk import Likelihood, Severity, risk

LIKELIHOOD_CHOICES = [(x.value, x.value) for x in Likelihood]
SEVERITY_CHOICES = [(x.value, x.value) for x in Severity]


class HazardStatus(models.TextChoices):
    OPEN = "Open", "Open"
    MITIGATED = "Mitigated", "Mitigated"
    CLOSED = "Closed", "Closed"


class LogSource(models.TextChoices):
    """Which hazard log the answer to the hazard log question speaks of (ADR 0045)."""

    FILE = "file", "A hazard log file the organisation holds and uploads when asked"
    IN_SERVICE = "in_service", "The hazard log kept in this service"


class HazardLog(TimestampedModel):
    """An application's hazard log. Approval by the CSO is cleared by any change to it, and
    each change makes a new version: an approval names the version it approved (ADR 0045)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    application = models.OneToOneField(
        "applications.Application", on_delete=models.PROTECT, related_name="hazard_log"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # One more at each change of its hazards (import, add, change, remove).
    version = models.PositiveIntegerField(default=1)
    approved_version = models.PositiveIntegerField(null=True, blank=True)
    # SHA-256 of the rows approved (hazards.lock.hazard_rows_fingerprint), so what the CSO
    # approved is on record (ADR 0048); "" for an approval made before it was kept.
    approved_fingerprint = models.CharField(max_length=64, blank=True, default="")
    # Who made the version there is now: under the organisation's "someone else" rule
    # (ADR 0012) they may not approve it, nor be asked to (ADR 0048).
    version_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Which log the answer to the hazard log question (10 for a controller, 9 for a supplier)
    # speaks of: this one, or a file as before (ADR 0045).
    answer_source = models.CharField(
        max_length=20, choices=LogSource.choices, default=LogSource.FILE
    )

    @property
    def is_approved(self) -> bool:
        """Approved, and the approval is of the version there is now."""
        return self.approved_at is not None and self.approved_version == self.version


class Hazard(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    log = models.ForeignKey(HazardLog, on_delete=models.CASCADE, related_name="hazards")
    position = models.PositiveIntegerField()
    reference = models.CharField(max_length=20)
    description = models.TextField()
    causes = models.TextField()
    effects = models.TextField()
    initial_likelihood = models.CharField(max_length=20, choices=LIKELIHOOD_CHOICES)
    initial_severity = models.CharField(max_length=20, choices=SEVERITY_CHOICES)
    controls = models.TextField()
    residual_likelihood = models.CharField(max_length=20, choices=LIKELIHOOD_CHOICES)
    residual_severity = models.CharField(max_length=20, choices=SEVERITY_CHOICES)
    justification = models.TextField(blank=True)
    owner = models.CharField(max_length=200)
    status = models.CharField(max_length=20, choices=HazardStatus.choices)
    # One more at each change through the form, so that a form loaded before someone else's
    # change is refused rather than overwriting it (hazards.services.StaleHazard).
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["log", "reference"], name="hazard_reference_unique")
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.description[:60]}"

    @property
    def initial_risk(self) -> int:
        return risk(Likelihood(self.initial_likelihood), Severity(self.initial_severity))

    @property
    def residual_risk(self) -> int:
        return risk(Likelihood(self.residual_likelihood), Severity(self.residual_severity))
