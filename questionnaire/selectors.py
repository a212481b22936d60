"""Reads of Stage 2 answers. Callers pass an application already fetched through a selector
scoped to the user (applications.selectors), so these never widen what a user can see."""

from __future__ import annotations

import uuid

from accounts.models import User
from applications.models import Application
from applications.selectors import application_get_for_member

from . import definitions
from .engine.journey import Journey
from .engine.rules import Evaluation, evaluate
from .engine.schema import Definition
from .models import Answer, AnswerReuse, Response

# What a Stage 2 page reads with the application (application_with_answers): its response and
# the response's reuse in one query, its answers in a second. Not the applications that answers
# were copied from: a page that shows their references reads them when there are any
# (reuse_notes).
RESPONSE_RELATED = ("stage2_response", "stage2_response__reuse")


def application_with_answers(
    *, user: User, application_id: uuid.UUID, answers: bool = True
) -> Application:
    """For the applicant's Stage 2 pages: the member's application (else 404) with its response,
    the response's reuse and its answers, read together: the answers are kept on the response
    (``answers_read``) for answers_by_question. With ``answers`` false, the application and its
    response alone."""
    # Without the answers (an answer posted, which the service reads under its lock), the page
    # is shown only when the answer is refused, and reads the reuse then.
    application = application_get_for_member(
        user=user,
        application_id=application_id,
        related=RESPONSE_RELATED if answers else RESPONSE_RELATED[:1],
    )
    if answers:
        # What prefetch_related("stage2_response__answers") would read, without its machinery,
        # which cost more than the query itself on every Stage 2 page (issue 12).
        response = application.stage2_response
        response.answers_read = {
            answer.question_id: answer for answer in Answer.objects.filter(response=response)
        }
    return application


def response_for(application: Application) -> Response:
    """The application's response: the one read with it, when it was (application_with_answers)."""
    return application.stage2_response


def response_definition(response: Response) -> Definition:
    return definitions.definition_for(response.definition_id, response.definition_version)


def answers_by_question(response: Response) -> dict[str, Answer]:
    """The response's answers by question: those read with it, when they were
    (application_with_answers), else read now."""
    if response.answers_read is not None:
        return dict(response.answers_read)
    return {a.question_id: a for a in response.answers.all()}


def response_reuse(response: Response) -> AnswerReuse | None:
    """Where the response's answers were copied from, if they were (ADR 0020)."""
    try:
        return response.reuse
    except AnswerReuse.DoesNotExist:
        return None


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
