from __future__ import annotations

import uuid

from django.db import models


class Satisfaction(models.TextChoices):
    VERY_SATISFIED = "very_satisfied", "Very satisfied"
    SATISFIED = "satisfied", "Satisfied"
    NEITHER = "neither", "Neither satisfied nor dissatisfied"
    DISSATISFIED = "dissatisfied", "Dissatisfied"
    VERY_DISSATISFIED = "very_dissatisfied", "Very dissatisfied"


class Feedback(models.Model):
    """What someone thought of the service, from the phase banner's feedback link. Anonymous by
    design, signed in or not: no user, no email, no address; the form asks people not to type
    personal information, and the privacy notice says how long it is kept."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    received_at = models.DateTimeField(db_index=True)
    satisfaction = models.CharField(max_length=20, choices=Satisfaction.choices)
    improve = models.TextField(blank=True)
    # The service's own page the link was followed from (a path, never a full address).
    page = models.CharField(max_length=200, blank=True)
    # The form's own id, made when the form was shown: a double click, or the form sent again
    # from the browser's history, keeps one piece of feedback, not two.
    submission = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"Feedback received {self.received_at:%Y-%m-%d %H:%M}"
