"""Holds on Stage 2 and the submissions made of it."""

import uuid

from django.conf import settings
from django.db import models


class HoldOrigin(models.TextChoices):
    RULE = "rule", "A rule on the answers"
    REVIEWER = "reviewer", "NHS England"
    DSPT_RECHECK = "dspt_recheck", "The daily DSPT re-check"
    CERTIFICATE = "certificate", "An expired certificate"


class Hold(models.Model):
    """One reason Stage 2 is paused. Stage 2 is paused while any hold is open.

    Each origin lifts only its own holds: a rule hold is lifted when the answers no longer
    trigger its rule, a reviewer's hold only by a reviewer."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    application = models.ForeignKey(
        "applications.Application", on_delete=models.PROTECT, related_name="holds"
    )
    origin = models.CharField(max_length=20, choices=HoldOrigin.choices)
    # For a rule hold, the rule that raised it; it is lifted when that rule no longer applies.
    rule_id = models.CharField(max_length=100, blank=True)
    # In words the applicant understands: why onboarding is paused, and what lifts the hold.
    reason = models.TextField()
    action = models.TextField(blank=True)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField(auto_now_add=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lift_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["raised_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "origin", "rule_id"],
                condition=models.Q(lifted_at__isnull=True) & ~models.Q(origin="reviewer"),
                name="one_open_hold_per_cause",
            )
        ]

    def __str__(self) -> str:
        return f"{self.application}: {self.get_origin_display()} hold"

    @property
    def is_open(self) -> bool:
        return self.lifted_at is None


class Submission(models.Model):
    """A fixed, provable copy of the whole response at one submission: the snapshot and the
    SHA-256 of its canonical JSON. Never updated."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    application = models.ForeignKey(
        "applications.Application", on_delete=models.PROTECT, related_name="submissions"
    )
    number = models.PositiveIntegerField()
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField()
    snapshot = models.JSONField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["application", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "number"], name="one_submission_per_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.application} submission {self.number}"

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise ValueError("Submissions are append-only")
        super().save(*args, **kwargs)  # type: ignore[arg-type]
