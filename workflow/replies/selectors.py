"""Reading replies: what a reply may answer, and the replies a person may read, both scoped to
the reader (the organisation's own members, or NHS England). ADR 0037."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from accounts.models import User
from accounts.rules import can_review, is_member_of
from applications.models import Application
from questionnaire.engine.answers import format_date
from questionnaire.selectors import response_definition
from workflow.models import (
    ChangeRequestItem,
    CommentVisibility,
    DocumentRequest,
    DocumentRequestStatus,
    Hold,
    Reply,
    ReplyTo,
    ReviewComment,
)
from workflow.replies.records import TARGET_FIELDS

# The reviewer's section page that shows the replies to each kind (review/sections.py).
SECTIONS = {
    ReplyTo.HOLD: "holds",
    ReplyTo.COMMENT: "comments",
    ReplyTo.CHANGE_REQUEST: "answers",
    ReplyTo.DOCUMENT_REQUEST: "evidence",
}


class ReplyTargetNotFound(Exception):
    """Nothing of that kind and id that the reader may reply to on this application."""


@dataclass(frozen=True)
class ReplyTarget:
    """One thing NHS England said that the organisation may answer: the record, its words, and
    what it is, in words ("A hold raised on 3 December 2026")."""

    to: ReplyTo
    record: Hold | ReviewComment | ChangeRequestItem | DocumentRequest
    said: str
    about: str

    @property
    def section(self) -> str:
        return SECTIONS[self.to]


def _day(record_time: object) -> str:
    return format_date(timezone.localdate(record_time))  # type: ignore[arg-type]


def _question(application: Application, question_id: str) -> str:
    response = application.stage2_response
    question = response_definition(response).question_or_none(question_id) if response else None
    return f"question {question.number}: {question.title}" if question else "an answer"


def target_of(application: Application, record: object) -> ReplyTarget:
    """What ``record`` (a hold, comment, change request item or document request of
    ``application``) is, in words."""
    if isinstance(record, Hold):
        return ReplyTarget(
            ReplyTo.HOLD, record, record.reason, f"A hold raised on {_day(record.raised_at)}"
        )
    if isinstance(record, ReviewComment):
        about = f"A comment from NHS England on {_day(record.created_at)}"
        return ReplyTarget(ReplyTo.COMMENT, record, record.text, about)
    if isinstance(record, ChangeRequestItem):
        about = f"A change request for {_question(application, record.question_id)}"
        return ReplyTarget(ReplyTo.CHANGE_REQUEST, record, record.comment, about)
    if isinstance(record, DocumentRequest):
        about = f"The document request: {record.title}"
        return ReplyTarget(ReplyTo.DOCUMENT_REQUEST, record, record.note, about)
    raise TypeError(f"Nothing to reply to in {record!r}")


def reply_target(
    *, user: User, application: Application, to: str, target_id: uuid.UUID | int
) -> ReplyTarget:
    """The thing of kind ``to`` with ``target_id`` on ``application``, for a member of its
    organisation: a hold, a comment meant for the applicant (never an internal one), one
    answer's change request, or a document request. ReplyTargetNotFound otherwise."""
    if not is_member_of(user, application.organisation):
        raise ReplyTargetNotFound(to)
    found: object
    try:
        if to == ReplyTo.HOLD:
            found = application.holds.get(pk=target_id)
        elif to == ReplyTo.COMMENT:
            found = application.review_comments.get(
                pk=target_id, visibility=CommentVisibility.APPLICANT
            )
        elif to == ReplyTo.CHANGE_REQUEST:
            found = ChangeRequestItem.objects.get(
                pk=target_id, change_request__application=application
            )
        elif to == ReplyTo.DOCUMENT_REQUEST:
            found = application.document_requests.get(pk=target_id)
        else:
            raise ReplyTargetNotFound(to)
    except (
        Hold.DoesNotExist,
        ReviewComment.DoesNotExist,
        ChangeRequestItem.DoesNotExist,
        DocumentRequest.DoesNotExist,
    ) as missing:
        raise ReplyTargetNotFound(to) from missing
    return target_of(application, found)


def replies_for(
    *, user: User, application: Application, to: Iterable[str] | None = None
) -> list[Reply]:
    """The replies ``user`` may read on ``application``, oldest first (of the kinds ``to``, or
    every kind): NHS England reads every one, the organisation's members their own
    organisation's, anyone else none."""
    if not (can_review(user) or is_member_of(user, application.organisation)):
        return []
    return replies_on(application, to)


def replies_on(application: Application, to: Iterable[str] | None = None) -> list[Reply]:
    """The replies on ``application``, for a page that has already read the application through a
    selector scoped to its reader (the organisation's pages), with what each answers."""
    replies = application.replies.select_related(
        "author", "hold", "comment", "change_item__change_request", "document_request"
    )
    if to is not None:
        replies = replies.filter(to__in=list(to))
    return list(replies)


@dataclass(frozen=True)
class ReplyThread:
    """One thing replied to, and its replies, oldest first."""

    target: ReplyTarget
    replies: list[Reply]


def reply_threads(application: Application, replies: Iterable[Reply]) -> list[ReplyThread]:
    """``replies`` (read with what they answer) by the thing they answer, the thing with the
    latest reply first."""
    threads: dict[object, list[Reply]] = {}
    for reply in replies:
        threads.setdefault((reply.to, reply.target_id), []).append(reply)
    ordered = sorted(threads.values(), key=lambda group: group[-1].created_at, reverse=True)
    return [
        ReplyThread(
            target_of(application, getattr(group[0], TARGET_FIELDS[ReplyTo(group[0].to)])),
            group,
        )
        for group in ordered
    ]


def replies_by_target(replies: Iterable[Reply]) -> dict[object, list[Reply]]:
    """Replies grouped by the id of what they answer, oldest first in each group."""
    grouped: dict[object, list[Reply]] = {}
    for reply in replies:
        grouped.setdefault(reply.target_id, []).append(reply)
    return grouped


def replies_waiting(application: Application, replies: list[Reply]) -> list[ReplyTarget]:
    """What the organisation has replied about that NHS England has not acted on since: a hold
    still open, a document request not yet accepted or withdrawn, a change request not yet
    answered by a resubmission, a comment with no later comment from NHS England. One target
    each, the latest reply first. ``replies`` are read with what they answer (``replies_on``);
    this reads at most one more query (the latest comment, when a comment has a reply)."""
    latest: dict[object, Reply] = {}
    for reply in replies:
        latest[(reply.to, reply.target_id)] = reply
    last_comment = None
    if any(reply.to == ReplyTo.COMMENT for reply in latest.values()):
        last_comment = (
            application.review_comments.order_by("-created_at")
            .values_list("created_at", flat=True)
            .first()
        )
    waiting = []
    for reply in sorted(latest.values(), key=lambda r: r.created_at, reverse=True):
        record = getattr(reply, TARGET_FIELDS[ReplyTo(reply.to)])
        if isinstance(record, Hold):
            still = record.is_open
        elif isinstance(record, DocumentRequest):
            still = record.status in (DocumentRequestStatus.OPEN, DocumentRequestStatus.ANSWERED)
        elif isinstance(record, ChangeRequestItem):
            still = record.change_request.resubmission_id is None
        else:
            still = last_comment is None or last_comment <= reply.created_at
        if still:
            waiting.append(target_of(application, record))
    return waiting
