"""Answer once, reuse many (issue 13, ADR 0020).

An organisation starting a new application can start from the answers of its latest submitted
(or approved) application of a role. Every copied answer stays marked until the applicant
confirms or changes it, and Stage 2 cannot be submitted while one is. A question whose wording
or options changed between the two questionnaire versions is not copied (the applicant answers
it again), nor are DSPT answers whose publication is no longer current, nor files.

A supplier's product-level answers (medical device class, DCB0129, PKI) can be shared across its
applications for the same product and version: changing one in one application offers to change
it in the others that can still be changed, each change saved and audited as the applicant's own.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.rules import is_applicant, is_member_of
from applications.models import Application
from applications.selectors import applications_visible_to
from applications.services import application_lock, application_role_set
from applications.states import Role, Stage2State
from audit.services import Auditor
from questionnaire import definitions
from questionnaire.engine.conditions import MAIN_FIELD
from questionnaire.engine.journey import Journey
from questionnaire.engine.rules import evaluate
from questionnaire.engine.schema import QuestionKind
from questionnaire.models import Answer, AnswerReuse
from questionnaire.selectors import (
    answers_by_question,
    response_definition,
    response_for,
    response_journey,
)
from questionnaire.services import answer_mark_copied, answer_record
from workflow.continuous.dspt import DSPT_QUESTIONS, dspt_standing
from workflow.selectors import Editability
from workflow.services import (
    ROLE_QUESTION_ID,
    AnswerNotEditable,
    QuestionNotAvailable,
    StaleAnswer,
    answer_save,
)
from workflow.state_machine.holds import holds_sync_rules

# Why a question's answer was not copied.
NOT_COPIED_CHANGED = "changed"
NOT_COPIED_DSPT = "dspt_not_current"

# A supplier's answers about its product rather than its organisation: medical device (and its
# class), DCB0129 compliance and PKI controls. The same product and version answers them alike.
PRODUCT_QUESTION_IDS = ("s_medical_device", "s_dcb0129", "s_pki")


class ReuseRefused(Exception):
    """The application cannot start from that application's answers (any more)."""


# --- Reads, scoped to the user.


def reuse_sources_for(user: User) -> list[Application]:
    """What the user's organisation may start from: for each role, its latest application that
    has been submitted (approved included) and not withdrawn. Never another organisation's."""
    if not is_applicant(user):
        return []
    latest: dict[str, Application] = {}
    candidates = (
        applications_visible_to(user)
        .filter(stage2_submitted_at__isnull=False)
        .exclude(stage2_state=Stage2State.WITHDRAWN)
        .exclude(role="")
        .order_by("-stage2_submitted_at", "-created_at")
    )
    for application in candidates:
        latest.setdefault(application.role, application)
    return sorted(latest.values(), key=lambda a: a.stage2_submitted_at, reverse=True)


def reuse_offered(application: Application, user: User) -> list[Application]:
    """The applications the new ``application`` may start from: only while it is a draft with
    no answers and has not started from another already."""
    if application.stage2_state != Stage2State.DRAFT:
        return []
    response = response_for(application)
    if response.answers.exists() or AnswerReuse.objects.filter(response=response).exists():
        return []
    return [a for a in reuse_sources_for(user) if a.pk != application.pk]


def reuse_of(application: Application) -> AnswerReuse | None:
    return (
        AnswerReuse.objects.filter(response__application=application)
        .select_related("source")
        .first()
    )


# --- Writes.


@transaction.atomic
def answers_reuse(*, application: Application, source: Application, actor: User) -> AnswerReuse:
    """Start ``application``'s answers from ``source``'s.

    Guarantees: only a member of the organisation, only from an application ``reuse_sources_for``
    offers them (their own organisation's, submitted, not withdrawn), only into a draft with no
    answers yet, once (the application row is locked, so a double submit copies once and the
    second is refused). Copies each answer on the source's route that is on the new route too,
    except files, questions asked differently in the new questionnaire version, and DSPT
    answers no longer current today. Each copy is an answer of the actor's, with its revision
    and audit entry, marked as copied until confirmed."""
    application = application_lock(application)
    if not is_member_of(actor, application.organisation):
        raise PermissionError("Only members of the organisation can start from earlier answers")
    offered = {a.pk: a for a in reuse_offered(application, actor)}
    if source.pk not in offered or offered[source.pk].organisation_id != (
        application.organisation_id
    ):
        raise ReuseRefused(source.reference)
    source = offered[source.pk]
    response = response_for(application)
    target = response_definition(response)
    source_response = response_for(source)
    source_answers = answers_by_question(source_response)
    source_journey = response_journey(source_response, source_answers)
    today = definitions.today()
    deadline = definitions.dspt_deadline()
    relevant = source_journey.relevant_answers()
    standing = dspt_standing(source.role, relevant, today, deadline)
    dspt_ids = {qid for pair in DSPT_QUESTIONS.values() for qid in (pair.status, pair.published)}

    values: dict[str, dict[str, object]] = {}
    copied: list[str] = []
    not_copied: dict[str, str] = {}
    for question in source_journey.applicable_questions():
        answer = source_answers.get(question.id)
        if answer is None or question.id not in relevant or question.kind is QuestionKind.FILE:
            continue
        new_question = target.question_or_none(question.id)
        if new_question is None:
            continue
        if new_question.asked_as() != question.asked_as() or answer.wording != (
            new_question.wording()
        ):
            not_copied[question.id] = NOT_COPIED_CHANGED
            continue
        if question.id in dspt_ids and (standing is None or not standing.current):
            not_copied[question.id] = NOT_COPIED_DSPT
            continue
        route = Journey(target, values, today, deadline).applicable_questions()
        if new_question not in route:
            continue
        recorded = answer_record(
            response=response,
            question=new_question,
            existing=None,
            value=answer.value,
            actor=actor,
        )
        answer_mark_copied(answer=recorded, source=source, source_answered_at=answer.answered_at)
        values[question.id] = answer.value
        copied.append(question.id)

    role_answer = values.get(ROLE_QUESTION_ID)
    if role_answer is not None:
        application_role_set(
            application=application,
            role=str(role_answer.get(MAIN_FIELD, "")),
            product_name=str(role_answer.get("product_name", "")),
            product_version=str(role_answer.get("product_version", "")),
            actor=actor,
        )
    reuse = AnswerReuse.objects.create(
        response=response,
        source=source,
        not_copied=not_copied,
        chosen_by=actor,
        chosen_at=timezone.now(),
    )
    holds_sync_rules(
        application=application,
        evaluation=evaluate(Journey(target, values, today, deadline)),
        actor=actor,
    )
    Auditor(actor).record(
        action="response.reuse",
        obj=response,
        organisation=application.organisation,
        after={"source": source.reference, "copied": copied, "not_copied": not_copied},
    )
    return reuse


# --- Product-level answers shared across a supplier's applications.


@dataclass(frozen=True)
class SharedAnswer:
    """Another application of the same product whose answer to the question can be changed to
    match, and differs now."""

    application: Application
    version: int


def product_siblings(application: Application, question_id: str) -> list[SharedAnswer]:
    """The organisation's other applications for the same product and version whose answer to
    the product-level ``question_id`` differs from this application's and can be changed now.
    ``application`` was fetched through a selector scoped to the user; this reads only its own
    organisation's applications."""
    if (
        question_id not in PRODUCT_QUESTION_IDS
        or application.role != Role.SUPPLIER
        or not application.product_name
    ):
        return []
    mine = answers_by_question(response_for(application)).get(question_id)
    if mine is None:
        return []
    others = (
        Application.objects.filter(
            organisation_id=application.organisation_id,
            role=Role.SUPPLIER,
            product_name=application.product_name,
            product_version=application.product_version,
        )
        .exclude(pk=application.pk)
        .exclude(stage2_state=Stage2State.WITHDRAWN)
        .order_by("created_at")
    )
    found = []
    for other in others:
        response = response_for(other)
        stored = answers_by_question(response)
        journey = response_journey(response, stored)
        if not journey.can_visit(question_id):
            continue
        if not Editability(other).question(journey, question_id):
            continue
        theirs = stored.get(question_id)
        if theirs is not None and theirs.value == mine.value:
            continue
        found.append(SharedAnswer(other, theirs.version if theirs else 0))
    return found


def product_answer_share(
    *, application: Application, question_id: str, actor: User
) -> list[Application]:
    """Give each of ``product_siblings`` this application's answer to ``question_id``, each
    through ``answer_save`` (its own lock, checks, revision and audit entry) with an
    ``answer.share`` entry naming where it came from. An application that can no longer take it
    (submitted meanwhile, or changed again in another tab) is left as it is. Returns those
    changed."""
    if not is_member_of(actor, application.organisation):
        raise PermissionError("Only members of the organisation can change answers")
    mine: Answer | None = answers_by_question(response_for(application)).get(question_id)
    if mine is None:
        return []
    changed = []
    for sibling in product_siblings(application, question_id):
        try:
            with transaction.atomic():
                saved = answer_save(
                    application=sibling.application,
                    question_id=question_id,
                    value=mine.value,
                    expected_version=sibling.version,
                    actor=actor,
                )
                Auditor(actor).record(
                    action="answer.share",
                    obj=saved.answer,
                    subject=question_id,
                    organisation=application.organisation,
                    after={"from": application.reference, "value": mine.value},
                )
        except (AnswerNotEditable, QuestionNotAvailable, StaleAnswer):
            continue
        changed.append(sibling.application)
    return changed
