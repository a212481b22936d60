"""Writes of Stage 2 answers: the response, each answer and its revisions.

These are the questionnaire's own writes. The Stage 2 workflow (``workflow.services``) decides
when they may happen: it locks the application row, checks the state and the route, and calls
these inside its transaction. Each records an audit entry and an append-only revision."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Max
from django.utils import timezone

from accounts.models import User
from applications.models import Application
from audit.services import Auditor

from .definitions import current_definition
from .engine.answers import display_value
from .engine.schema import Question
from .models import Answer, AnswerChange, AnswerRevision, Response


def response_create(*, application: Application, actor: User) -> Response:
    """The application's Stage 2 response, pinned to the current questionnaire version."""
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


def _next_revision(response: Response, question_id: str) -> int:
    latest = AnswerRevision.objects.filter(response=response, question_id=question_id).aggregate(
        latest=Max("revision")
    )["latest"]
    return (latest or 0) + 1


def answer_record(
    *,
    response: Response,
    question: Question,
    existing: Answer | None,
    value: dict[str, Any],
    actor: User,
) -> Answer:
    """Store ``value`` as the answer to ``question``, with a new revision when it changed.

    Guarantees: the latest revision always equals the stored answer, and ``Answer.version`` is
    the revision number, so an answer discarded and answered again never reuses a version a
    stale page could hold. Called by the workflow with the application row locked."""
    if existing is not None and existing.value == value:
        return existing
    now = timezone.now()
    # The stored answer is the latest revision (above), so the next follows it; only a question
    # answered for the first time, or again after a discard, asks the revisions.
    revision = (
        existing.version + 1 if existing is not None else _next_revision(response, question.id)
    )
    wording = question.wording()
    before = existing.value if existing is not None else None
    if existing is None:
        answer = Answer.objects.create(
            response=response,
            question_id=question.id,
            definition_version=response.definition_version,
            wording=wording,
            value=value,
            answered_by=actor,
            answered_at=now,
            version=revision,
        )
    else:
        answer = existing
        answer.value = value
        answer.wording = wording
        answer.answered_by = actor
        answer.answered_at = now
        answer.version = revision
        answer.save()
    AnswerRevision.objects.create(
        response=response,
        question_id=question.id,
        revision=revision,
        change=AnswerChange.SET,
        definition_version=response.definition_version,
        wording=wording,
        value=value,
        display=display_value(question, value),
        answered_by=actor,
        answered_at=now,
    )
    Auditor(actor).record(
        action="answer.create" if existing is None else "answer.update",
        obj=answer,
        subject=question.id,
        organisation=response.application.organisation,
        before=before,
        after=value,
    )
    return answer


def answer_discard(*, response: Response, answer: Answer, actor: User) -> None:
    """Take an answer off the route (its branch no longer applies), keeping its history: the
    discard is a revision, and every earlier revision stays."""
    revision = _next_revision(response, answer.question_id)
    AnswerRevision.objects.create(
        response=response,
        question_id=answer.question_id,
        revision=revision,
        change=AnswerChange.DISCARDED,
        definition_version=answer.definition_version,
        wording=answer.wording,
        value=None,
        display=[],
        answered_by=actor,
        answered_at=timezone.now(),
    )
    Auditor(actor).record(
        action="answer.discard",
        obj=answer,
        subject=answer.question_id,
        organisation=response.application.organisation,
        before=answer.value,
    )
    answer.delete()


def answer_confirm_copied(*, response: Response, answer: Answer, actor: User) -> Answer:
    """The applicant has confirmed (or changed) an answer copied from an earlier application
    (ADR 0020): it is theirs now, and no longer marked. Does nothing to an answer not marked."""
    if answer.copied_from_id is None:
        return answer
    source = answer.copied_from
    copied_answered_at = answer.copied_answered_at
    answer.copied_from = None
    answer.copied_answered_at = None
    answer.save(update_fields=["copied_from", "copied_answered_at"])
    Auditor(actor).record(
        action="answer.confirm_copied",
        obj=answer,
        subject=answer.question_id,
        organisation=response.application.organisation,
        before={
            "copied_from": source.reference if source else None,
            "answered_at": copied_answered_at.isoformat() if copied_answered_at else None,
        },
        after=answer.value,
    )
    return answer


def answer_mark_copied(
    *, answer: Answer, source: Application, source_answered_at: datetime
) -> Answer:
    """Mark a just-recorded answer as copied from ``source`` (ADR 0020). The copy's own audit
    entries are the answer's ``answer.create`` and the response's ``response.reuse``."""
    answer.copied_from = source
    answer.copied_answered_at = source_answered_at
    answer.save(update_fields=["copied_from", "copied_answered_at"])
    return answer
