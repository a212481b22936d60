"""The Stage 2 workflow: starting an application, answering, and submitting.

Both sides call into these, and nothing they call imports them back (ADR 0006). Each runs in
one transaction with the application row locked, so two tabs or a double click cannot
interleave, and every write records an audit entry."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from accounts.models import User
from accounts.rules import is_applicant, is_member_of
from accounts.services import organisation_name_from_ods
from applications.models import Application
from applications.services import application_create, application_lock, application_role_set
from applications.states import Stage2State
from audit.services import Auditor
from evidence.models import EvidenceFile
from evidence.services import evidence_store
from evidence.upload import Received
from ods.selectors import OdsCheck, ods_code_check
from questionnaire.engine.answers import display_value
from questionnaire.engine.conditions import MAIN_FIELD
from questionnaire.engine.journey import Journey
from questionnaire.engine.rules import Evaluation, evaluate
from questionnaire.engine.schema import Question, QuestionKind
from questionnaire.models import Answer, Response
from questionnaire.selectors import answers_by_question, response_for, response_journey
from questionnaire.services import (
    answer_confirm_copied,
    answer_discard,
    answer_record,
    response_create,
)
from workflow.applicant.attestations import attestations_void_stale
from workflow.applicant.declaration import Declaration, declaration_for
from workflow.models import Submission
from workflow.notices import notice_submitted
from workflow.selectors import (
    Editability,
    change_request_open,
    question_purpose,
    stage2_working_state,
    submission_ready,
)
from workflow.state_machine.holds import holds_sync_rules
from workflow.state_machine.states import SUBMITTABLE_STATES
from workflow.state_machine.transitions import stage2_transition

# Question 1 decides the role; the application keeps a copy for listing and review.
ROLE_QUESTION_ID = "role"


class AnswerNotEditable(Exception):
    """Stage 2 is not in a state in which the applicant may change this answer."""


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
    # The declaration's words changed after the page was shown: the person must read them again.
    DECLARATION_CHANGED = "declaration_changed"


class OdsRefused(Exception):
    """The organisation's ODS code is unknown or closed in the imported ODS data (ADR 0017)."""

    def __init__(self, check: OdsCheck) -> None:
        super().__init__(check.outcome.value)
        self.check = check


@transaction.atomic
def application_start(*, actor: User, scope: str) -> Application:
    """Start an application for the actor's organisation, in draft, with its Stage 2 response
    pinned to the current questionnaire version.

    When ODS data has been imported (ADR 0017), the organisation's ODS code must be an active
    organisation in it: an unknown or closed one raises OdsRefused and nothing is written. An
    active one gives the organisation ODS's official name (a renamed organisation follows)."""
    if is_applicant(actor):
        organisation = actor.membership.organisation
        check = ods_code_check(organisation.ods_code)
        if check.refused:
            raise OdsRefused(check)
        if check.official_name:
            organisation_name_from_ods(
                organisation=organisation, name=check.official_name, actor=actor
            )
    application = application_create(actor=actor, scope=scope)
    response_create(application=application, actor=actor)
    return application


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

    Guarantees: the applicant is a member of the organisation; the answer is editable (a
    pause never makes it so: in draft every answer is, in "changes requested" only those the
    reviewer named and questions newly on the route); the question is
    reachable on the route; nobody changed the answer since ``expected_version`` was read; a
    change that discards other answers was confirmed. In the same transaction, voids any
    attestation of an answer that changed or was discarded, raises a hold
    for each pause rule the answers now trigger and lifts each rule hold they no longer do;
    holds of other origins stay as they are."""
    application = application_lock(application)
    if not is_member_of(actor, application.organisation):
        raise PermissionError("Only members of the organisation can answer")
    editability = Editability(application)
    if not editability.any:
        raise AnswerNotEditable(application.stage2_state)
    response = response_for(application)
    stored = answers_by_question(response)
    journey = response_journey(response, stored)
    if not journey.can_visit(question_id):
        raise QuestionNotAvailable(question_id)
    if not editability.question(journey, question_id):
        raise AnswerNotEditable(application.stage2_state)
    question = journey.definition.question(question_id)
    existing = stored.get(question_id)
    if expected_version != (existing.version if existing else 0):
        raise StaleAnswer(existing)

    discarded = answers_discarded_by(journey, question, value, stored)
    if discarded and not discard_confirmed:
        raise DiscardNotConfirmed(discarded)
    for gone in discarded:
        answer_discard(response=response, answer=stored.pop(gone.id), actor=actor)

    answer = answer_record(
        response=response, question=question, existing=existing, value=value, actor=actor
    )
    # Saving a copied answer, changed or not, is the applicant confirming it (ADR 0020).
    answer = answer_confirm_copied(response=response, answer=answer, actor=actor)
    stored[question.id] = answer
    # An attestation is of one revision of an answer: a change voids it, and a discard too.
    attestations_void_stale(
        application=application,
        stored=stored,
        actor=actor,
        changed={question.id, *(gone.id for gone in discarded)},
    )
    if question.id == ROLE_QUESTION_ID:
        application_role_set(
            application=application,
            role=value.get(MAIN_FIELD, ""),
            product_name=value.get("product_name", ""),
            product_version=value.get("product_version", ""),
            actor=actor,
        )

    journey = response_journey(response, stored)
    evaluation = evaluate(journey)
    holds_sync_rules(application=application, evaluation=evaluation, actor=actor)
    return SaveResult(answer, journey, evaluation, application.stage2_state == Stage2State.PAUSED)


@transaction.atomic
def answer_remove(*, application: Application, question_id: str, actor: User) -> None:
    """Take one answer off the application, its history kept (a question naming key personnel
    when no one is recorded in its role now, ADR 0038).

    Guarantees: the applicant is a member of the organisation; the answer is editable, as
    answer_save checks; in the same transaction, as answer_save does, voids any attestation of
    the answer and re-judges the rules (holds raised or lifted). Nothing when there is no
    answer."""
    application = application_lock(application)
    if not is_member_of(actor, application.organisation):
        raise PermissionError("Only members of the organisation can answer")
    response = response_for(application)
    stored = answers_by_question(response)
    if question_id not in stored:
        return
    if not Editability(application).question(response_journey(response, stored), question_id):
        raise AnswerNotEditable(application.stage2_state)
    answer_discard(response=response, answer=stored.pop(question_id), actor=actor)
    attestations_void_stale(
        application=application, stored=stored, actor=actor, changed={question_id}
    )
    evaluation = evaluate(response_journey(response, stored))
    holds_sync_rules(application=application, evaluation=evaluation, actor=actor)


@transaction.atomic
def stage2_submit(
    *, application: Application, actor: User, declaration_digest: str
) -> SubmitStatus:
    """Submit Stage 2 for review, under the declaration whose SHA-256 the person was shown.

    Guarantees: submits once however many times it is called (a second call reports
    ALREADY_SUBMITTED); never submits an incomplete, blocked or paused response, nor under words
    the person did not read (DECLARATION_CHANGED). If the rules now pause Stage 2 (a DSPT
    publication lapsed since the last answer), the hold is raised. Each submission stores a
    snapshot of the whole response, the declaration's exact words included, with its SHA-256."""
    application = application_lock(application)
    if not is_member_of(actor, application.organisation):
        raise PermissionError("Only members of the organisation can submit")
    if stage2_working_state(application) not in SUBMITTABLE_STATES:
        return SubmitStatus.ALREADY_SUBMITTED
    response = response_for(application)
    journey = response_journey(response)
    evaluation = evaluate(journey)
    holds_sync_rules(application=application, evaluation=evaluation, actor=actor)
    if not submission_ready(application, journey, evaluation):
        return SubmitStatus.NOT_READY
    declaration = declaration_for(user=actor, organisation=application.organisation)
    if not constant_time_compare(declaration.digest, declaration_digest):
        return SubmitStatus.DECLARATION_CHANGED
    change_request = change_request_open(application)
    resubmission = change_request is not None
    stage2_transition(
        application=application,
        to_state=Stage2State.SUBMITTED,
        actor=actor,
        reason="Resubmitted by the applicant after changes."
        if resubmission
        else "Submitted by the applicant for review.",
    )
    submission = submission_record(
        application=application,
        response=response,
        journey=journey,
        evaluation=evaluation,
        actor=actor,
        declaration=declaration,
    )
    if change_request is not None:
        change_request.resubmission = submission
        change_request.save(update_fields=["resubmission"])
    application.stage2_flagged = bool(evaluation.flags)
    application.save(update_fields=["stage2_flagged", "updated_at"])
    notice_submitted(application=application, resubmission=resubmission)
    Auditor(actor).record(
        action="response.submit",
        obj=response,
        organisation=application.organisation,
        after={
            "definition_version": response.definition_version,
            "answers": journey.relevant_answers(),
            "flags": [rule.id for rule in evaluation.flags],
            "notes": [rule.id for rule in evaluation.notes],
            "submission": submission.number,
            "sha256": submission.sha256,
            "declaration": declaration.text,
        },
    )
    return SubmitStatus.SUBMITTED


def snapshot_digest(snapshot: dict[str, Any]) -> str:
    """SHA-256 of the snapshot's canonical JSON (sorted keys, no spaces, UTF-8)."""
    canonical = json.dumps(snapshot, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def submission_record(
    *,
    application: Application,
    response: Response,
    journey: Journey,
    evaluation: Evaluation,
    actor: User,
    declaration: Declaration,
) -> Submission:
    """Fix what was submitted: every answer on the route with the wording shown and its
    revision, the flags, and who submitted when, with the SHA-256 that proves it unchanged."""
    number = (application.submissions.aggregate(latest=Max("number"))["latest"] or 0) + 1
    now = timezone.now()
    stored = {a.question_id: a for a in response.answers.select_related("answered_by")}
    answers = []
    for question in journey.applicable_questions():
        answer = stored.get(question.id)
        if answer is None:
            continue
        answers.append(
            {
                "question_id": question.id,
                "number": question.number,
                "wording": answer.wording,
                "value": answer.value,
                "display": display_value(question, answer.value),
                "revision": answer.version,
                "answered_by": answer.answered_by.email,
                "answered_at": answer.answered_at.isoformat(),
            }
        )
    snapshot = {
        "reference": application.reference,
        "submission": number,
        "organisation": {
            "name": application.organisation.name,
            "ods_code": application.organisation.ods_code,
        },
        "role": application.role,
        "scope": application.scope,
        "product": {"name": application.product_name, "version": application.product_version},
        "questionnaire": {"id": response.definition_id, "version": response.definition_version},
        "submitted_by": actor.email,
        "submitted_at": now.isoformat(),
        "declaration": {
            "text": declaration.text,
            "by": {"name": actor.full_name, "email": actor.email},
        },
        "answers": answers,
        "flags": [{"rule": rule.id, "reason": rule.reason} for rule in evaluation.flags],
        "notes": [{"rule": rule.id, "reason": rule.reason} for rule in evaluation.notes],
    }
    submission = Submission.objects.create(
        application=application,
        number=number,
        submitted_by=actor,
        submitted_at=now,
        snapshot=snapshot,
        sha256=snapshot_digest(snapshot),
    )
    Auditor(actor).record(
        action="submission.record",
        obj=submission,
        organisation=application.organisation,
        after={"number": number, "sha256": submission.sha256},
    )
    return submission


def question_file_upload(
    *, application: Application, question_id: str, received: Received, actor: User
) -> EvidenceFile:
    """Keep a file sent for a file question (question 15's signed Acceptable Usage Policy) as the
    next revision of its evidence.

    Guarantees: only a member of the organisation, only for a file question on the route, and
    not once the application is withdrawn. Unlike an answer, the file can be sent after
    submission, even after approval: Stage 2 can be submitted without it, and Stage 3 waits for
    it. The file is judged, scanned and stored by ``evidence_store`` (outside a transaction: the
    scan is slow), which raises ``EvidenceRefused`` with the design system's message."""
    if not is_member_of(actor, application.organisation):
        received.discard()
        raise PermissionError("Only members of the organisation can upload")
    journey = response_journey(response_for(application))
    question = journey.definition.question_or_none(question_id)
    on_route = {q.id for q in journey.applicable_questions()}
    if (
        question is None
        or question.kind is not QuestionKind.FILE
        or question_id not in on_route
        or application.stage2_state == Stage2State.WITHDRAWN
    ):
        received.discard()
        raise QuestionNotAvailable(question_id)
    return evidence_store(
        application=application,
        purpose=question_purpose(question_id),
        received=received,
        actor=actor,
    )
