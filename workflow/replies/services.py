"""Writing a reply: the organisation answering NHS England (ADR 0037)."""

from __future__ import annotations

import uuid

from django.db import transaction

from accounts.models import User
from accounts.rules import is_member_of
from applications.models import Application
from applications.services import application_lock
from audit.services import Auditor
from core.text import clean_text
from workflow.models import Reply
from workflow.notices import notice_reply
from workflow.replies.records import REPLY_TEXT_MAX, TARGET_FIELDS, ReplyTo
from workflow.replies.selectors import reply_target

REPLY_REQUIRED = "Enter your reply"
REPLY_TOO_LONG = f"Reply must be {REPLY_TEXT_MAX:,} characters or fewer"


class ReplyRefused(Exception):
    """The reply cannot be sent; ``message`` is the design system's error to show by the box."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def reply_problem(text: str) -> str:
    """The error for ``text`` as a reply (after its control characters are removed), or ""."""
    text = clean_text(text).strip()
    if not text:
        return REPLY_REQUIRED
    if len(text) > REPLY_TEXT_MAX:
        return REPLY_TOO_LONG
    return ""


@transaction.atomic
def reply_add(
    *,
    application: Application,
    actor: User,
    to: str,
    target_id: uuid.UUID | int,
    text: str,
) -> Reply:
    """Record a member's reply to one thing NHS England said on ``application`` (a hold, a
    comment for the applicant, a change request on one answer, a document request), audit it,
    and email the assigned reviewer (or every reviewer when none is assigned).

    Guarantees: only a member of the application's organisation replies, and only to a thing of
    that application they can see (``reply_target``; ReplyTargetNotFound otherwise); the text
    is kept without control characters, 1 to 2,000 characters (ReplyRefused otherwise); the
    reply is written under the application's row lock, and the same words sent again by the
    same person to the same thing, with nothing in between (a double submit), are one reply."""
    if not is_member_of(actor, application.organisation):
        raise PermissionError("Only the organisation's members can reply")
    problem = reply_problem(text)
    if problem:
        raise ReplyRefused(problem)
    text = clean_text(text).strip()
    application = application_lock(application)
    target = reply_target(user=actor, application=application, to=to, target_id=target_id)
    field = TARGET_FIELDS[ReplyTo(to)]
    previous = (
        Reply.objects.filter(application=application, to=to, **{field: target.record})
        .order_by("-created_at", "-pk")
        .first()
    )
    if previous is not None and previous.author_id == actor.pk and previous.text == text:
        return previous
    reply = Reply.objects.create(
        application=application, to=to, author=actor, text=text, **{field: target.record}
    )
    # The audit entry says who replied to what; the words stay in the reply, as a comment's do.
    Auditor(actor).record(
        action="reply.add",
        obj=reply,
        organisation=application.organisation,
        after={"application": str(application.pk), "to": to, "target": str(target.record.pk)},
    )
    notice_reply(application=application, about=target.about, section=target.section)
    return reply
