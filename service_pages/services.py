"""Writes for the service pages: feedback."""

from __future__ import annotations

import uuid

from django.db import transaction
from django.utils import timezone

from audit.services import Auditor

from .models import Feedback, Satisfaction


@transaction.atomic
def feedback_record(
    *, satisfaction: Satisfaction, improve: str, page: str, submission: uuid.UUID | None = None
) -> Feedback:
    """Keep one piece of feedback, and audit that it came, without who sent it: feedback is
    anonymous whether or not its writer was signed in (the privacy notice says so). The same
    form sent twice (its ``submission`` id) is kept once: the second is the first."""
    if submission is not None:
        feedback, created = Feedback.objects.get_or_create(
            submission=submission,
            defaults={
                "received_at": timezone.now(),
                "satisfaction": satisfaction,
                "improve": improve,
                "page": page,
            },
        )
        if not created:
            return feedback
    else:
        feedback = Feedback.objects.create(
            received_at=timezone.now(), satisfaction=satisfaction, improve=improve, page=page
        )
    Auditor(actor=None).record(
        action="feedback.received",
        obj=feedback,
        after={"satisfaction": feedback.satisfaction, "page": feedback.page},
    )
    return feedback
