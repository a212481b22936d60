"""A question that cannot be changed now opens read-only (issue 25 item 6, ADR 0036): the
question, the current answer and why it cannot be changed, in the applicant's terms. A change
posted to it is refused with the same words, and nothing is saved (the service refuses it:
``workflow.services.AnswerNotEditable``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from applications.models import Application
from applications.states import Stage2State
from workflow.selectors import stage2_working_state

from .engine.answers import display_value
from .engine.schema import Question

WITH_NHS_ENGLAND = (
    "They cannot be changed while NHS England has them. If NHS England asks for a change, you "
    "will be able to change the answers it names."
)
WHY = {
    Stage2State.SUBMITTED: f"You have sent your answers to NHS England. {WITH_NHS_ENGLAND}",
    Stage2State.IN_REVIEW: f"NHS England is reviewing your answers. {WITH_NHS_ENGLAND}",
    Stage2State.CHANGES_REQUESTED: (
        "NHS England has asked you to change other answers, not this one. Until you send your "
        "changes, you can change only the answers NHS England named."
    ),
    Stage2State.APPROVED: "NHS England has approved stage 2, so its answers cannot be changed.",
    Stage2State.WITHDRAWN: "This application has been withdrawn, so its answers cannot be changed.",
}
PAUSED = "Your onboarding is paused."


def not_changeable_reason(application: Application) -> str:
    """Why no answer (or not this one) can be changed now, from the application's state; while
    paused, the state the pause paused decides."""
    reason = WHY.get(Stage2State(stage2_working_state(application)), "")
    if application.stage2_state == Stage2State.PAUSED:
        return f"{PAUSED} {reason}".strip()
    return reason


def read_only_question(
    request: HttpRequest,
    context: dict[str, Any],
    the_question: Question,
    urls: dict[str, str],
) -> HttpResponse:
    """The question and its current answer with why it cannot be changed; a POST gets the same
    page with 409 Conflict, so nothing looks saved."""
    answers = context["journey"].relevant_answers()
    return render(
        request,
        "questionnaire/question_read_only.jinja",
        {
            **context,
            "page_title": f"{the_question.text} (cannot be changed now)",
            "question": the_question,
            "reason": not_changeable_reason(context["application"]),
            "not_saved": request.method == "POST",
            "answer_lines": display_value(the_question, answers.get(the_question.id)),
            "urls": urls,
            "back_url": urls["check_answers"],
        },
        status=409 if request.method == "POST" else 200,
    )
