"""Writes for Stage 2 answers and submission. Each runs in a transaction with the application row
locked (so two tabs or a double click cannot interleave) and records an audit entry."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.rules import is_member_of
from applications.models import Application
from applications.services import application_lock, stage2_apply_pause, stage2_transition
from applications.states import EDITABLE_STATES, SUBMITTABLE_STATES, Stage2State
from audit.services import Auditor

from .definitions import current_definition
from .engine.conditions import MAIN_FIELD
from .engine.journey import Journey
from .engine.rules import Evaluation, evaluate
from .engine.schema import Question
from .models import Answer, Response
from .selectors import answers_by_question, response_for, response_journey, submission_ready

# Question 1 decides the role; the application keeps a copy for listing and review.
ROLE_QUESTION_ID = "role"


class AnswerNotEditable(Exception):
    """Stage 2 is not in a state in which the applicant may change answers."""


class QuestionNotAvailable(Exception):
    """The question is not on the route, or an earlier question is unanswered."""


class StaleAnswer(Exception):
    """Someone else changed this answer since the page was loaded."""

    def __init__(self, current: Answer | None):
        super().__init__("The answer changed since the page was loaded")
        self.current = current


class DiscardNotConfirmed(Exception):
    """The change would discard other answers and the applicant has not confirmed it."""

    def __init__(self, discarded: list[Question]):
        super().__init__(f"{len(discarded)} answers would be discarded")
        self.discarded = discarded


@dataclass(frozen=True)
class SaveResult:
    answer: Answer
    journey: Journey
    evaluation: Evaluation
    paused: bool


class SubmitStatus(StrEnum):
    SUBMITTED = "submitted"
    ALREADY_SUBMITTED = "already_submitted"
    NOT_READY = "not_ready"


def response_create(*, application: Application, actor: User) -> Response:
    definition = current_definition()
    response = Response.objects.create(
        application=application,
        definition_id=definition.id,
        definition_version=definition.version,
    )
    Auditor(actor).record(
        action="response.create",
        obj=response,
        organisation=application.organisation,
        after={"definition_id": definition.id, "definition_version": definition.version},
    )
    return response


def answers_discarded_by(
    journey: Journey, question: Question, value: dict[str, Any], stored: dict[str, Answer]
) -> list[Question]:
    """Questions whose stored answers leave the route if ``question`` is answered ``value``."""
    if not question.discards_other_answers_on_change:
        return []
    after = Journey(
        definition=journey.definition,
        answers={**{q: a.value for q, a in stored.items()}, question.id: value},
        today=journey.today,
        dspt_deadline=journey.dspt_deadline,
    )
    on_route = {q.id for q in after.applicable_questions()}
    return [q for q in journey.definition.questions if q.id in stored and q.id not in on_route]


@transaction.atomic
def answer_save(
    *,
    application: Application,
    question_id: str,
    value: dict[str, Any],
    expected_version: int,
    actor: User,
    discard_confirmed: bool = False,
) -> SaveResult:
    """Save one answer and re-judge the rules.

    Guarantees: the applicant is a member of the organisation; Stage 2 is editable; the question
    is reachable on the route; nobody changed the answer since ``expected_version`` was read; a
    change that discards other answers was confirmed. Pauses and resumes Stage 2 as the pause
    rules now say, in the same transaction."""
    application = application_lock(application)
    if not is_member_of(actor, application.organisation):
        raise PermissionError("Only members of the organisation can answer")
    if application.stage2_state not in EDITABLE_STATES:
        raise AnswerNotEditable(application.stage2_state)
    response = response_for(application)
    stored = answers_by_question(response)
    journey = response_journey(response, stored)
    if not journey.can_visit(question_id):
        raise QuestionNotAvailable(question_id)
    question = journey.definition.question(question_id)
    existing = stored.get(question_id)
    if expected_version != (existing.version if existing else 0):
        raise StaleAnswer(existing)

    auditor = Auditor(actor)
    organisation = application.organisation
    discarded = answers_discarded_by(journey, question, value, stored)
    if discarded and not discard_confirmed:
        raise DiscardNotConfirmed(discarded)
    for gone in discarded:
        old = stored.pop(gone.id)
        auditor.record(
            action="answer.discard",
            obj=old,
            subject=old.question_id,
            organisation=organisation,
            before=old.value,
        )
        old.delete()

    if existing is None:
        answer = Answer.objects.create(
            response=response,
            question_id=question.id,
            definition_version=response.definition_version,
            wording=question.wording(),
            value=value,
            answered_by=actor,
            answered_at=timezone.now(),
        )
        auditor.record(
            action="answer.create",
            obj=answer,
            subject=question.id,
            organisation=organisation,
            after=value,
        )
    elif existing.value != value:
        before = existing.value
        existing.value = value
        existing.wording = question.wording()
        existing.answered_by = actor
        existing.answered_at = timezone.now()
        existing.version += 1
        existing.save()
        answer = existing
        auditor.record(
            action="answer.update",
            obj=answer,
            subject=question.id,
            organisation=organisation,
            before=before,
            after=value,
        )
    else:
        answer = existing
    stored[question.id] = answer

    if question.id == ROLE_QUESTION_ID:
        _application_sync_role(application, value, auditor)

    journey = response_journey(response, stored)
    evaluation = evaluate(journey)
    stage2_apply_pause(
        application=application,
        pause_reasons=[rule.reason for rule in evaluation.pauses],
        actor=actor,
    )
    return SaveResult(answer, journey, evaluation, application.stage2_state == Stage2State.PAUSED)


def _application_sync_role(
    application: Application, value: dict[str, Any], auditor: Auditor
) -> None:
    before = {
        "role": application.role,
        "product_name": application.product_name,
        "product_version": application.product_version,
    }
    after = {
        "role": value.get(MAIN_FIELD, ""),
        "product_name": value.get("product_name", ""),
        "product_version": value.get("product_version", ""),
    }
    if before == after:
        return
    for name, new in after.items():
        setattr(application, name, new)
    application.save(update_fields=[*after, "updated_at"])
    auditor.record(
        action="application.role_change",
        obj=application,
        organisation=application.organisation,
        before=before,
        after=after,
    )


@transaction.atomic
def response_submit(*, application: Application, actor: User) -> SubmitStatus:
    """Submit Stage 2 for review.

    Guarantees: submits once however many times it is called (a second call reports
    ALREADY_SUBMITTED); never submits an incomplete, blocked or paused response. If the rules
    now pause Stage 2 (a DSPT publication lapsed since the last answer), the pause is recorded."""
    application = application_lock(application)
    if not is_member_of(actor, application.organisation):
        raise PermissionError("Only members of the organisation can submit")
    if application.stage2_state not in SUBMITTABLE_STATES | {Stage2State.PAUSED}:
        return SubmitStatus.ALREADY_SUBMITTED
    response = response_for(application)
    journey = response_journey(response)
    evaluation = evaluate(journey)
    stage2_apply_pause(
        application=application,
        pause_reasons=[rule.reason for rule in evaluation.pauses],
        actor=actor,
    )
    if not submission_ready(application, journey, evaluation):
        return SubmitStatus.NOT_READY
    stage2_transition(
        application=application,
        to_state=Stage2State.SUBMITTED,
        actor=actor,
        reason="Submitted by the applicant for review.",
    )
    Auditor(actor).record(
        action="response.submit",
        obj=response,
        organisation=application.organisation,
        after={
            "definition_version": response.definition_version,
            "answers": journey.relevant_answers(),
            "flags": [rule.id for rule in evaluation.flags],
            "notes": [rule.id for rule in evaluation.notes],
        },
    )
    return SubmitStatus.SUBMITTED
