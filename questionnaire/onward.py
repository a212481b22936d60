"""Where an applicant goes next in Stage 2: the pages' addresses, and the page after a question
(the next on the route; after a change NHS England asked for, the next answer it named)."""

from __future__ import annotations

import uuid

from django.urls import reverse

from applications.models import Application
from applications.states import Stage2State
from workflow.selectors import Editability

from .engine.journey import Journey, is_answer_complete
from .engine.schema import Question, QuestionKind
from .presenters import question_url


def stage2_urls(application_id: uuid.UUID) -> dict[str, str]:
    kwargs = {"application_id": application_id}
    return {
        "detail": reverse("applications:detail", kwargs=kwargs),
        "overview": reverse("questionnaire:overview", kwargs=kwargs),
        "check_answers": reverse("questionnaire:check_answers", kwargs=kwargs),
        "confirmation": reverse("questionnaire:confirmation", kwargs=kwargs),
    }


def page_after(
    application: Application,
    journey: Journey,
    question_id: str,
    returning: bool,
    urls: dict[str, str],
) -> str:
    """Where to go after a question: back to check answers when changing an answer (unless the
    change opened new unanswered questions), otherwise the next question on the route."""
    if returning:
        unanswered = journey.next_question()
        return (
            question_url(application, unanswered.id, return_to_check=True)
            if unanswered
            else urls["check_answers"]
        )
    following = journey.next_question(after=question_id)
    if following is not None and application.stage2_state != Stage2State.DRAFT:
        # Answering the answers NHS England named: on to the next one that may be changed, not
        # through the others, which open read-only (ADR 0036).
        editability = Editability(application)
        answers = journey.relevant_answers()

        def asked_of_the_reader(question: Question) -> bool:
            # Named by NHS England, or brought onto the route by a change and not answered yet
            # (a file question's file can be sent at any time: it is not asked again here).
            return editability.question(journey, question.id) and (
                question.id in editability.comments
                or (
                    question.kind is not QuestionKind.FILE
                    and not is_answer_complete(question, answers.get(question.id))
                )
            )

        while following is not None and not asked_of_the_reader(following):
            following = journey.next_question(after=following.id)
    return question_url(application, following.id) if following else urls["check_answers"]
