"""Reviewers' comments on an application: internal (NHS England only) or for the applicant.

The one write is ``review_comment_add``; the one read is ``review_comments_visible_to``, which
gives an applicant only the comments meant for them (ADR 0018)."""

from __future__ import annotations

from django.db import transaction

from accounts.models import User
from accounts.rules import can_review, is_member_of
from applications.models import Application
from applications.services import application_lock
from audit.services import Auditor
from workflow.models import CommentVisibility, ReviewComment

COMMENT_TEXT_MAX = 2000


class CommentRefused(Exception):
    """The comment cannot be added. ``errors`` maps each field to the message to show by it."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(" ".join(errors.values()))
        self.errors = errors


def comment_problems(*, text: str, visibility: str) -> dict[str, str]:
    errors = {}
    if not text.strip():
        errors["comment-text"] = "Enter a comment"
    elif len(text.strip()) > COMMENT_TEXT_MAX:
        errors["comment-text"] = f"Comment must be {COMMENT_TEXT_MAX:,} characters or fewer"
    if visibility not in CommentVisibility.values:
        errors["comment-visibility"] = "Select who can see the comment"
    return errors


@transaction.atomic
def review_comment_add(
    *, application: Application, actor: User, text: str, visibility: str
) -> ReviewComment:
    """Add a reviewer's comment, audited. Only NHS England reviewers and administrators comment;
    the comment is written under the application's row lock, and a repeat of the latest comment
    (a double submit) adds nothing."""
    if not can_review(actor):
        raise PermissionError("Only NHS England reviewers can comment")
    errors = comment_problems(text=text, visibility=visibility)
    if errors:
        raise CommentRefused(errors)
    application = application_lock(application)
    # A double submit (the same words, for the same people, from the same reviewer, twice in a
    # row) is one comment: the second finds the first under the lock and adds nothing.
    latest = ReviewComment.objects.filter(application=application).order_by("-created_at", "-pk")
    previous = latest.first()
    if (
        previous is not None
        and previous.author_id == actor.pk
        and previous.visibility == visibility
        and previous.text == text.strip()
    ):
        return previous
    comment = ReviewComment.objects.create(
        application=application, author=actor, visibility=visibility, text=text.strip()
    )
    # The audit entry says who wrote which comment for whom; the words stay in the comment.
    Auditor(actor).record(
        action="review_comment.add",
        obj=comment,
        organisation=application.organisation,
        after={"application": str(application.pk), "visibility": visibility},
    )
    return comment


def review_comments_visible_to(*, user: User, application: Application) -> list[ReviewComment]:
    """The comments ``user`` may read on ``application``, oldest first: every one for NHS England,
    only those for the applicant for the organisation's members, none for anyone else."""
    comments = ReviewComment.objects.filter(application=application).select_related("author")
    if can_review(user):
        return list(comments)
    if is_member_of(user, application.organisation):
        return list(comments.filter(visibility=CommentVisibility.APPLICANT))
    return []
