"""A reviewer's requests for changes, collected answer by answer before they are sent together.

Each reviewer collects their own: the writes here are the only ones, each audited, and the one
read, ``change_drafts_of``, gives a reviewer only the drafts they wrote. Sending makes them one
``changes_request`` decision (one transition, one notice to the organisation) and removes them."""

from __future__ import annotations

from django.db import transaction

from accounts.models import User
from accounts.rules import can_review
from applications.models import Application
from applications.services import application_lock
from applications.states import Stage2State
from audit.services import Auditor
from questionnaire.selectors import response_for, response_journey
from workflow.decisions.review import (
    COMMENT_MAX,
    NOT_YOURS,
    DecisionRefused,
    StaleDecision,
    changes_request,
)
from workflow.models import ChangeRequest, ChangeRequestDraft
from workflow.selectors import submission_latest, upload_statuses

ENTER_COMMENT = "Enter a comment"
COMMENT_TOO_LONG = "Comment must be 2,000 characters or fewer"
NOTHING_TO_SEND = "Request a change to at least one answer before you send"


class DraftRefused(Exception):
    """The request for a change cannot be kept. ``message`` says why, for the comment box."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def change_drafts_of(*, application: Application, reviewer: User) -> dict[str, ChangeRequestDraft]:
    """The changes ``reviewer`` has collected on ``application``, by question id, in the order
    they were written. Another reviewer's are never included."""
    drafts = ChangeRequestDraft.objects.filter(application=application, reviewer=reviewer)
    return {draft.question_id: draft for draft in drafts.order_by("updated_at", "pk")}


def _may_collect(application: Application, actor: User) -> None:
    if not can_review(actor):
        raise PermissionError("Only NHS England reviewers can request changes")
    if application.stage2_state != Stage2State.IN_REVIEW:
        raise DraftRefused("You can only request changes to an application in review")
    if application.stage2_reviewer_id != actor.pk:
        raise DraftRefused(NOT_YOURS)


@transaction.atomic
def change_draft_save(
    *, application: Application, actor: User, question_id: str, comment: str
) -> ChangeRequestDraft:
    """Keep (or replace) ``actor``'s request for a change to one submitted answer, audited with
    the words before and after. Saving the same words twice (a double submit) changes nothing
    and records nothing."""
    application = application_lock(application)
    _may_collect(application, actor)
    comment = comment.strip()
    if not comment:
        raise DraftRefused(ENTER_COMMENT)
    if len(comment) > COMMENT_MAX:
        raise DraftRefused(COMMENT_TOO_LONG)
    submission = submission_latest(application)
    submitted = (
        {a["question_id"]: a["revision"] for a in submission.snapshot["answers"]}
        if submission
        else {}
    )
    # A file question (question 15) with a file sent can be asked about too, as changes_request
    # allows: its status is what the reviewer read.
    files = {
        qid
        for qid, status in upload_statuses(
            application, response_journey(response_for(application))
        ).items()
        if status.file is not None
    }
    if question_id not in submitted and question_id not in files:
        raise DraftRefused("You can only request changes to answers that were submitted")
    draft = ChangeRequestDraft.objects.filter(
        application=application, reviewer=actor, question_id=question_id
    ).first()
    before = draft.comment if draft else None
    if draft is not None and draft.comment == comment:
        return draft
    if draft is None:
        draft = ChangeRequestDraft(application=application, reviewer=actor, question_id=question_id)
    draft.revision = submitted.get(question_id)
    draft.comment = comment
    draft.save()
    Auditor(actor).record(
        action="review.change_draft_save",
        obj=draft,
        organisation=application.organisation,
        before={"question_id": question_id, "comment": before} if before is not None else None,
        after={"question_id": question_id, "comment": comment, "revision": draft.revision},
    )
    return draft


@transaction.atomic
def change_draft_remove(*, application: Application, actor: User, question_id: str) -> bool:
    """Remove ``actor``'s request for a change to one answer, audited. Removing one that is not
    there (a double submit, or one already sent) does nothing and says so (False)."""
    if not can_review(actor):
        raise PermissionError("Only NHS England reviewers can request changes")
    application = application_lock(application)
    draft = ChangeRequestDraft.objects.filter(
        application=application, reviewer=actor, question_id=question_id
    ).first()
    if draft is None:
        return False
    Auditor(actor).record(
        action="review.change_draft_remove",
        obj=draft,
        organisation=application.organisation,
        before={"question_id": question_id, "comment": draft.comment},
    )
    draft.delete()
    return True


@transaction.atomic
def change_drafts_send(
    *, application: Application, actor: User, expected_version: int
) -> ChangeRequest:
    """Send every change ``actor`` has collected as one "changes requested" decision (through
    ``changes_request``, which checks the version, the state and the assignment, and audits), and
    remove them. A second send of the same page is refused as stale."""
    drafts = change_drafts_of(application=application, reviewer=actor)
    if not drafts:
        application = application_lock(application)
        if application.stage2_version != expected_version:
            raise StaleDecision
        raise DecisionRefused(NOTHING_TO_SEND)
    change_request = changes_request(
        application=application,
        actor=actor,
        expected_version=expected_version,
        comments={qid: draft.comment for qid, draft in drafts.items()},
    )
    ChangeRequestDraft.objects.filter(application=application, reviewer=actor).delete()
    return change_request
