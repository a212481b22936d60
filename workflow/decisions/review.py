"""NHS England's decisions on Stage 2, and the stages after it.

Each decision is a transition (or a recorded change) with who, when and why, audited, made with
the application row locked. Each takes the ``stage2_version`` the reviewer's page showed: a
decision made on a stale page (someone decided first) is refused, never applied twice."""

from __future__ import annotations

from django.db import transaction

from accounts.models import User
from accounts.rules import can_review, is_member_of
from applications.models import Application
from applications.services import application_lock
from applications.states import Stage2State
from audit.services import Auditor
from core.text import plural
from questionnaire.engine.journey import Journey
from questionnaire.engine.rules import Evaluation, evaluate
from questionnaire.models import AnswerRevision
from questionnaire.selectors import response_for, response_journey
from workflow.applicant.attestations import (
    AttestationNeed,
    attestation_blockers,
    attestation_needs_now,
)
from workflow.models import (
    ChangeRequest,
    ChangeRequestItem,
    Hold,
    HoldOrigin,
    ReviewerAssignment,
    StageCompletion,
)
from workflow.notices import notice_decision
from workflow.selectors import (
    can_withdraw,
    stage3_blockers,
    submission_latest,
    upload_statuses,
)
from workflow.state_machine.holds import hold_lift, hold_raise
from workflow.state_machine.transitions import stage2_touch, stage2_transition

STALE = (
    "Someone else has made a decision on this application since you opened the page. "
    "Check the application again before you decide"
)
COMMENT_MAX = 2000


class DecisionRefused(Exception):
    """The decision cannot be made now. ``messages`` say why, in words to show the reviewer."""

    def __init__(self, *messages: str):
        super().__init__(" ".join(messages))
        self.messages = list(messages)


class StaleDecision(DecisionRefused):
    def __init__(self) -> None:
        super().__init__(STALE)


class CommentTooLong(DecisionRefused):
    """Comments over the limit, by question id, for the page to show beside each one."""

    def __init__(self, question_ids: list[str]):
        super().__init__("Comment must be 2,000 characters or fewer")
        self.question_ids = question_ids


NOT_YOURS = "Another reviewer has this application. Take over the review before you decide"


def _assigned_to(application: Application, actor: User) -> None:
    """Requesting changes and approving belong to the reviewer who has the application; another
    reviewer takes it over first, which is recorded."""
    if application.stage2_reviewer_id != actor.pk:
        raise DecisionRefused(NOT_YOURS)


def _locked_for_decision(
    application: Application, actor: User, expected_version: int
) -> Application:
    if not can_review(actor):
        raise PermissionError("Only NHS England reviewers can decide")
    application = application_lock(application)
    if application.stage2_version != expected_version:
        raise StaleDecision
    return application


@transaction.atomic
def review_start(*, application: Application, actor: User, expected_version: int) -> None:
    """Start reviewing a submission and take it, or take over a review another reviewer has.
    The takeover is recorded with who had it before."""
    application = _locked_for_decision(application, actor, expected_version)
    previous = application.stage2_reviewer
    if application.stage2_state == Stage2State.SUBMITTED:
        stage2_transition(
            application=application,
            to_state=Stage2State.IN_REVIEW,
            actor=actor,
            reason=f"Review started by {actor.email}.",
        )
        notice_decision(
            application=application,
            decision="review started",
            reason="NHS England has started to review your Stage 2 answers.",
        )
    elif previous == actor:
        raise DecisionRefused("You are already reviewing this application")
    elif application.stage2_state == Stage2State.DRAFT or application.stage2_state == (
        Stage2State.WITHDRAWN
    ):
        raise DecisionRefused("This application has not been submitted for review")
    else:
        stage2_touch(application)
    application.stage2_reviewer = actor
    application.save(update_fields=["stage2_reviewer", "updated_at"])
    ReviewerAssignment.objects.create(
        application=application, reviewer=actor, previous_reviewer=previous
    )
    Auditor(actor).record(
        action="review.assign",
        obj=application,
        organisation=application.organisation,
        before={"reviewer": previous.email if previous else None},
        after={"reviewer": actor.email},
    )


@transaction.atomic
def changes_request(
    *,
    application: Application,
    actor: User,
    expected_version: int,
    comments: dict[str, str],
) -> ChangeRequest:
    """Send the application back to the applicant, naming the answers to change with a comment on
    each. Each comment points at the exact revision of the answer it is about, or, for a file
    question with a file sent (question 15), at the file its upload status is about."""
    application = _locked_for_decision(application, actor, expected_version)
    if application.stage2_state != Stage2State.IN_REVIEW:
        raise DecisionRefused("You can only request changes to an application in review")
    _assigned_to(application, actor)
    comments = {qid: text.strip() for qid, text in comments.items() if text.strip()}
    if not comments:
        raise DecisionRefused("Enter a comment on at least one answer")
    submission = submission_latest(application)
    if submission is None:
        raise DecisionRefused("This application has not been submitted for review")
    submitted = {a["question_id"]: a["revision"] for a in submission.snapshot["answers"]}
    response = response_for(application)
    journey = response_journey(response)
    files = {
        question_id: status.file
        for question_id, status in upload_statuses(application, journey).items()
        if status.file is not None
    }
    unknown = [qid for qid in comments if qid not in submitted and qid not in files]
    if unknown:
        raise DecisionRefused("You can only comment on answers that were submitted")
    too_long = [qid for qid, text in comments.items() if len(text) > COMMENT_MAX]
    if too_long:
        raise CommentTooLong(too_long)
    change_request = ChangeRequest.objects.create(
        application=application, submission=submission, requested_by=actor
    )
    order = {q.id: i for i, q in enumerate(journey.applicable_questions())}
    named = sorted(
        (qid for qid in dict.fromkeys([*submitted, *files]) if qid in comments),
        key=lambda qid: order.get(qid, len(order)),
    )
    # Each comment points at what the reviewer read: the revision that was submitted, or the file.
    for question_id in named:
        ChangeRequestItem.objects.create(
            change_request=change_request,
            question_id=question_id,
            revision=AnswerRevision.objects.get(
                response=response, question_id=question_id, revision=submitted[question_id]
            )
            if question_id in submitted
            else None,
            evidence=files[question_id] if question_id not in submitted else None,
            comment=comments[question_id],
        )
    stage2_transition(
        application=application,
        to_state=Stage2State.CHANGES_REQUESTED,
        actor=actor,
        reason=f"Changes requested to {plural(len(comments), 'answer')}.",
    )
    notice_decision(
        application=application,
        decision="changes requested",
        reason=f"NHS England has asked you to change {plural(len(comments), 'answer')}. Each one "
        "has a comment that says what is needed. Change them, then submit Stage 2 again.",
    )
    Auditor(actor).record(
        action="review.request_changes",
        obj=change_request,
        organisation=application.organisation,
        after={"comments": comments},
    )
    return change_request


def approval_blockers(application: Application) -> list[str]:
    """Why Stage 2 cannot be approved now, in words to show the reviewer."""
    journey = response_journey(response_for(application))
    open_holds = application.holds.filter(lifted_at__isnull=True).count()
    return approval_blockers_for(
        application, journey, evaluate(journey), open_holds, attestation_needs_now(application)
    )


def approval_blockers_for(
    application: Application,
    journey: Journey,
    evaluation: Evaluation,
    open_holds: int,
    attestation_needs: list[AttestationNeed],
) -> list[str]:
    """``approval_blockers`` from what a page has already read."""
    reasons = []
    if open_holds:
        reasons.append(
            f"Onboarding is paused by {open_holds} open hold(s). Lift every hold before approving"
        )
    elif application.stage2_state != Stage2State.IN_REVIEW:
        reasons.append("Start the review before you approve")
    for rule in evaluation.blocks:
        number = journey.definition.question(rule.question).number
        reasons.append(f"Question {number} blocks approval: {rule.reason}")
    for rule in evaluation.pauses:
        number = journey.definition.question(rule.question).number
        reasons.append(f"Question {number} pauses onboarding now: {rule.reason}")
    if not journey.is_complete():
        reasons.append("Some questions are unanswered")
    reasons += attestation_blockers(attestation_needs)
    return reasons


@transaction.atomic
def stage2_approve(*, application: Application, actor: User, expected_version: int) -> None:
    """Approve Stage 2. Refused while any answer blocks, any hold is open, a required attestation
    is missing (not asked, waiting, declined or void), or the review has not started, with the
    reasons."""
    application = _locked_for_decision(application, actor, expected_version)
    blockers = approval_blockers(application)
    if not blockers:
        _assigned_to(application, actor)
    if blockers:
        raise DecisionRefused(*blockers)
    stage2_transition(
        application=application,
        to_state=Stage2State.APPROVED,
        actor=actor,
        reason=f"Stage 2 approved by {actor.email}.",
    )
    notice_decision(
        application=application,
        decision="stage 2 approved",
        reason="NHS England has approved your Stage 2 Governance Assurance. "
        + (
            "Stage 3, Home Community ID integration, can start."
            if not stage3_blockers(application)
            else "Stage 3 can start once: " + " ".join(stage3_blockers(application))
        ),
    )


@transaction.atomic
def reviewer_hold_raise(
    *, application: Application, actor: User, expected_version: int, reason: str
) -> Hold:
    """Pause onboarding for a reason the applicant will read."""
    application = _locked_for_decision(application, actor, expected_version)
    if application.stage2_state in (Stage2State.DRAFT, Stage2State.WITHDRAWN):
        raise DecisionRefused("You can only pause an application that has been submitted")
    reason = reason.strip()
    if not reason:
        raise DecisionRefused("Enter why onboarding is paused")
    if len(reason) > COMMENT_MAX:
        raise DecisionRefused("Reason must be 2,000 characters or fewer")
    return hold_raise(
        application=application, origin=HoldOrigin.REVIEWER, reason=reason, actor=actor
    )


@transaction.atomic
def reviewer_hold_lift(
    *, application: Application, hold_id: str, actor: User, expected_version: int, reason: str
) -> None:
    application = _locked_for_decision(application, actor, expected_version)
    hold = application.holds.filter(pk=hold_id, lifted_at__isnull=True).first()
    if hold is None:
        raise StaleDecision
    if hold.origin != HoldOrigin.REVIEWER:
        raise DecisionRefused("Only the part of the service that raised this hold can lift it")
    reason = reason.strip()
    if not reason:
        raise DecisionRefused("Enter why you are lifting the hold")
    if len(reason) > COMMENT_MAX:
        raise DecisionRefused("Reason must be 2,000 characters or fewer")
    hold.application = application
    hold_lift(hold=hold, actor=actor, reason=reason)


@transaction.atomic
def application_withdraw(*, application: Application, actor: User, reason: str) -> None:
    """The applicant withdraws the application. It cannot be undone."""
    application = application_lock(application)
    if not is_member_of(actor, application.organisation):
        raise PermissionError("Only members of the organisation can withdraw")
    if not can_withdraw(application):
        raise DecisionRefused("This application cannot be withdrawn")
    stage2_transition(
        application=application,
        to_state=Stage2State.WITHDRAWN,
        actor=actor,
        reason=reason.strip() or "Withdrawn by the applicant.",
    )
    notice_decision(
        application=application,
        decision="withdrawn",
        reason=f"{actor.email} withdrew the application.",
    )


@transaction.atomic
def stage_complete(
    *, application: Application, actor: User, expected_version: int, stage: int, note: str
) -> StageCompletion:
    """Mark stage 3, 4 or 5 complete, in order, with a note. Stage 3 needs Stage 2 approved and,
    for a Data Controller, the signed Acceptable Usage Policy accepted."""
    application = _locked_for_decision(application, actor, expected_version)
    if stage not in (3, 4, 5):
        raise DecisionRefused("Only stages 3, 4 and 5 can be marked complete")
    note = note.strip()
    if not note:
        raise DecisionRefused("Enter a note about how the stage was completed")
    if len(note) > COMMENT_MAX:
        raise DecisionRefused("Note must be 2,000 characters or fewer")
    done = set(application.stage_completions.values_list("stage", flat=True))
    if stage in done:
        raise StaleDecision
    blockers = stage3_blockers(application, for_reviewer=True)
    if blockers:
        raise DecisionRefused(*blockers)
    if stage > 3 and stage - 1 not in done:
        raise DecisionRefused(f"Complete stage {stage - 1} first")
    completion = StageCompletion.objects.create(
        application=application, stage=stage, note=note, completed_by=actor
    )
    stage2_touch(application)
    notice_decision(
        application=application,
        decision=f"stage {stage} complete",
        reason=f"NHS England has marked stage {stage} complete: {note}",
    )
    Auditor(actor).record(
        action="stage.complete",
        obj=application,
        subject=f"stage{stage}",
        organisation=application.organisation,
        after={"stage": stage, "note": note},
    )
    return completion
