"""Writes for the service pages: feedback."""

from __future__ import annotations

import uuid

from django.db import transaction
from django.utils import timezone

from audit.services import Auditor
from audit.throttle import audit_left_out, audit_limit_reached
from core.paths import path_without_tokens
from core.text import clean_text

from .models import Feedback, Satisfaction

# Feedback kept (and audited) within audit.throttle's window before more is not.
FEEDBACK_AUDIT_LIMIT = 100


@transaction.atomic
def feedback_record(
    *, satisfaction: Satisfaction, improve: str, page: str, submission: uuid.UUID | None = None
) -> Feedback | None:
    """Keep one piece of feedback, and audit that it came, without who sent it: feedback is
    anonymous whether or not its writer was signed in (the privacy notice says so). The same
    form sent twice (its ``submission`` id) is kept once: the second is the first. The text is
    kept clean (ADR 0007), and the page without any link's token in it.

    Anyone may send feedback, and each entry takes the audit chain's lock: past
    FEEDBACK_AUDIT_LIMIT within audit.throttle's window (from anyone: nothing may say who sent
    it), feedback is neither kept nor audited, and a log line says so (None)."""
    improve = clean_text(improve)
    page = path_without_tokens(clean_text(page))
    if submission is not None:
        kept = Feedback.objects.filter(submission=submission).first()
        if kept is not None:
            return kept
    if audit_limit_reached(action="feedback.received", limit=FEEDBACK_AUDIT_LIMIT):
        audit_left_out("feedback.received")
        return None
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
