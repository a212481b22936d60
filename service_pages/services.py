"""Writes for the service pages: feedback."""

from __future__ import annotations

import uuid

from django.db import transaction
from django.utils import timezone

from audit.services import Auditor
from audit.throttle import (
    ANONYMOUS_CLIENT_LIMIT,
    audit_left_out,
    audit_limit_reached,
    client_over_limit,
)
from core.paths import path_without_tokens
from core.text import clean_text

from .models import Feedback, Satisfaction

# Feedback kept (and audited) from one client address within audit.throttle's window before
# more from it is not; and from everyone, a backstop against many addresses at once.
FEEDBACK_CLIENT_LIMIT = ANONYMOUS_CLIENT_LIMIT
FEEDBACK_AUDIT_LIMIT = 1000


@transaction.atomic
def feedback_record(
    *,
    satisfaction: Satisfaction,
    improve: str,
    page: str,
    submission: uuid.UUID | None = None,
    client: str | None = None,
) -> Feedback | None:
    """Keep one piece of feedback, and audit that it came, without who sent it: feedback is
    anonymous whether or not its writer was signed in (the privacy notice says so). The same
    form sent twice (its ``submission`` id) is kept once: the second is the first. The text is
    kept clean (ADR 0007), and the page without any link's token in it.

    Anyone may send feedback, and each entry takes the audit chain's lock. So that one sender
    cannot crowd out everyone else's, past FEEDBACK_CLIENT_LIMIT from one ``client`` address
    within audit.throttle's window (counted without keeping the address,
    audit.throttle.client_over_limit), and past FEEDBACK_AUDIT_LIMIT from everyone (a backstop:
    nothing in the audit may say who sent it), feedback is neither kept nor audited, and a log
    line says so (None)."""
    improve = clean_text(improve)
    page = path_without_tokens(clean_text(page))
    if submission is not None:
        kept = Feedback.objects.filter(submission=submission).first()
        if kept is not None:
            return kept
    if (
        client is not None
        and client_over_limit(
            action="feedback.received", client=client, limit=FEEDBACK_CLIENT_LIMIT
        )
    ) or audit_limit_reached(action="feedback.received", limit=FEEDBACK_AUDIT_LIMIT):
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
