"""Reads of Stage 2 answers. Callers pass an application already fetched through a selector
scoped to the user (applications.selectors), so these never widen what a user can see."""

from __future__ import annotations

from applications.models import Application

from . import definitions
from .engine.journey import Journey
from .engine.rules import Evaluation, evaluate
from .engine.schema import Definition
from .models import Answer, AnswerReuse, Response


def response_for(application: Application) -> Response:
    return Response.objects.get(application=application)


def response_definition(response: Response) -> Definition:
    return definitions.definition_for(response.definition_id, response.definition_version)


def answers_by_question(response: Response) -> dict[str, Answer]:
    return {a.question_id: a for a in response.answers.select_related("copied_from")}


def response_reuse(response: Response) -> AnswerReuse | None:
    """Where the response's answers were copied from, if they were (ADR 0020)."""
    return AnswerReuse.objects.filter(response=response).select_related("source").first()


def response_journey(response: Response, answers: dict[str, Answer] | None = None) -> Journey:
    if answers is None:
        answers = answers_by_question(response)
    return Journey(
        definition=response_definition(response),
        answers={qid: answer.value for qid, answer in answers.items()},
        today=definitions.today(),
        dspt_deadline=definitions.dspt_deadline(),
    )


def response_evaluation(journey: Journey) -> Evaluation:
    return evaluate(journey)


def answer_values_for_applications(
    application_ids: list[object], question_ids: list[str]
) -> dict[object, dict[str, dict[str, object]]]:
    """The stored values of ``question_ids`` for many applications in one query, by application
    id then question id: for the service's own daily jobs, which act on every application (never
    for a page, whose reads are scoped to the user)."""
    values: dict[object, dict[str, dict[str, object]]] = {}
    rows = Answer.objects.filter(
        response__application_id__in=application_ids, question_id__in=question_ids
    ).values_list("response__application_id", "question_id", "value")
    for application_id, question_id, value in rows:
        values.setdefault(application_id, {})[question_id] = value
    return values
