"""Key people named once (ADR 0038): a question that names key personnel in a role (the
definition's ``names_role``: the controller's Clinical Safety Officers (question 8) and incident
management leads (question 12), the supplier's Clinical Safety Officer (question 6)) and the
application's key personnel are one record. The key personnel are the record; the question's
answer is written from them, in the same transaction as every change to them, as a new revision
of the answer (history kept, audited as any answer). Recording a person on the question's page
records them in the key personnel, and a change on the key personnel pages changes the answer."""

from __future__ import annotations

import uuid
from collections.abc import Collection

from django.db import transaction

from accounts.models import User
from applications.models import Application
from attestations import services
from attestations.models import KeyPerson
from attestations.selectors import key_person_get
from questionnaire.engine.conditions import MAIN_FIELD
from questionnaire.engine.schema import Question
from questionnaire.selectors import answers_by_question, response_for, response_journey
from workflow.applicant import attestations as attestations_workflow
from workflow.applicant.attestations import AttestationRefused
from workflow.services import AnswerNotEditable, answer_remove, answer_save

NOT_OPEN = (
    "You cannot change the {what} now: question {number} is not open to change. NHS England "
    "must ask for changes to it first"
)


def person_line(person: KeyPerson) -> str:
    """How the answer names one person: name, job title and, for a registered role, the
    professional registration."""
    line = f"{person.full_name}, {person.job_title}"
    if person.professional_body or person.registration_number:
        line += f", {person.professional_body} {person.registration_number}".rstrip()
    return line


def answer_text(people: list[KeyPerson]) -> str:
    """The answer of a question naming these people: one line each, in the order recorded."""
    return "\n".join(person_line(person) for person in people)


def people_named_by(application: Application, question: Question) -> list[KeyPerson]:
    return [p for p in application.key_personnel.all() if p.role == question.names_role]


def _answers_write_through(application: Application, roles: Collection[str], actor: User) -> None:
    """Write each question on the route that names one of ``roles`` from the key personnel, as
    a new revision when it differs; a question not reached yet is written when its page is
    continued from. Refused (and so rolled back) where the answer may not change now."""
    response = response_for(application)
    stored = answers_by_question(response)
    journey = response_journey(response, stored)
    for question in journey.applicable_questions():
        if question.names_role is None or question.names_role not in roles:
            continue
        if not journey.can_visit(question.id) and question.id not in stored:
            continue
        answers_sync(application=application, question=question, actor=actor)


def answers_sync(
    *, application: Application, question: Question, actor: User, confirm: bool = False
) -> bool:
    """Make the answer of ``question`` name the key personnel recorded in its role now: a new
    revision when they differ, the answer discarded when no one is recorded. Returns whether
    anyone is named. With ``confirm`` (the applicant continuing from the question's page), an
    answer copied from an earlier application that already names them is saved unchanged, which
    confirms it (ADR 0020). Refused where the answer may not change now."""
    people = people_named_by(application, question)
    text = answer_text(people)
    response = response_for(application)
    existing = answers_by_question(response).get(question.id)
    current = existing.value.get(MAIN_FIELD) if existing else None
    copied = existing is not None and existing.copied_from_id is not None
    if current == (text or None) and not (confirm and copied and text):
        return bool(people)
    try:
        if text:
            answer_save(
                application=application,
                question_id=question.id,
                value={MAIN_FIELD: text},
                expected_version=existing.version if existing else 0,
                actor=actor,
            )
        elif existing is not None:
            answer_remove(application=application, question_id=question.id, actor=actor)
    except AnswerNotEditable:
        raise AttestationRefused(
            NOT_OPEN.format(what=question.title.lower(), number=question.number)
        ) from None
    return bool(people)


@transaction.atomic
def key_person_save(
    *,
    application: Application,
    person_id: uuid.UUID | None,
    details: services.PersonDetails,
    actor: User,
) -> KeyPerson:
    """Add or change one of the key personnel (``workflow.applicant.attestations``), and write
    through every answer that names their role, before and after the change."""
    before = key_person_get(application, person_id).role if person_id else None
    person = attestations_workflow.key_person_save(
        application=application, person_id=person_id, details=details, actor=actor
    )
    _answers_write_through(application, {person.role, before or person.role}, actor)
    return person


@transaction.atomic
def key_person_remove(*, application: Application, person_id: uuid.UUID, actor: User) -> None:
    """Remove one of the key personnel, and write through every answer that names their role."""
    role = key_person_get(application, person_id).role
    attestations_workflow.key_person_remove(
        application=application, person_id=person_id, actor=actor
    )
    _answers_write_through(application, {role}, actor)
