"""What NHS England's application page shows: answers as they were worded when answered, rule
outcomes, holds, what changed on resubmission, and one timeline of everything that happened."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from applications.models import Application
from questionnaire.engine.answers import display_value
from questionnaire.engine.journey import Journey
from questionnaire.engine.rules import evaluate
from questionnaire.models import Answer
from questionnaire.selectors import answers_by_question, response_for, response_journey
from workflow.models import ChangeRequest, HoldOrigin, Submission
from workflow.review import approval_blockers
from workflow.selectors import (
    document_requests_for,
    holds_all,
    stage3_blockers,
    stages_completed,
    submission_latest,
)

# Answers that name people, shown together as the application's key personnel.
PEOPLE_QUESTIONS = ("s_cso", "c_csos", "c_incident_leads")


@dataclass(frozen=True)
class Event:
    at: datetime
    title: str
    actor: str
    text: str = ""


@dataclass(frozen=True)
class Change:
    number: str
    title: str
    comment: str
    before: list[str]
    after: list[str]


def answer_rows(journey: Journey, answers: dict[str, Answer]) -> list[dict[str, Any]]:
    rows = []
    for question in journey.applicable_questions():
        answer = answers.get(question.id)
        rows.append(
            {
                "id": question.id,
                "number": question.number,
                "title": question.title,
                "wording": answer.wording if answer else question.wording(),
                "lines": display_value(question, answer.value if answer else None),
                "answer": answer,
            }
        )
    return rows


def resubmission_changes(
    journey: Journey, latest: Submission | None, requests: list[ChangeRequest]
) -> tuple[ChangeRequest | None, list[Change]]:
    """For a resubmission: each answer the reviewer asked to change, old and new, and why."""
    answered = next((r for r in requests if r.resubmission_id == getattr(latest, "pk", None)), None)
    if latest is None or answered is None:
        return None, []
    now = {a["question_id"]: a["display"] for a in latest.snapshot["answers"]}
    changes = []
    for item in answered.items.all():
        question = journey.definition.question(item.question_id)
        changes.append(
            Change(
                number=question.number,
                title=question.title,
                comment=item.comment,
                before=list(item.revision.display),
                after=now.get(item.question_id, []),
            )
        )
    return answered, changes


def timeline(application: Application, requests: list[ChangeRequest]) -> list[Event]:
    events: list[Event] = []
    for t in application.stage2_transitions.select_related("actor"):
        events.append(
            Event(
                t.at,
                f"{t.get_from_state_display()} → {t.get_to_state_display()}",
                _who(t.actor),
                t.reason,
            )
        )
    for a in application.assignments.select_related("reviewer", "previous_reviewer"):
        title = "Review taken over" if a.previous_reviewer_id else "Reviewer assigned"
        events.append(Event(a.at, title, _who(a.reviewer)))
    for hold in application.holds.select_related("raised_by", "lifted_by"):
        events.append(
            Event(
                hold.raised_at,
                f"Hold raised ({hold.get_origin_display()})",
                _who(hold.raised_by),
                hold.reason,
            )
        )
        if hold.lifted_at:
            events.append(
                Event(hold.lifted_at, "Hold lifted", _who(hold.lifted_by), hold.lift_reason)
            )
    for request in requests:
        comments = "; ".join(f"{i.question_id}: {i.comment}" for i in request.items.all())
        events.append(
            Event(request.requested_at, "Changes requested", _who(request.requested_by), comments)
        )
    for document in application.document_requests.select_related(
        "requested_by", "answered_by", "closed_by"
    ):
        events.append(
            Event(
                document.requested_at,
                f"Document requested: {document.title}",
                _who(document.requested_by),
                document.note,
            )
        )
        if document.answered_at:
            events.append(
                Event(
                    document.answered_at,
                    f"Document request answered: {document.title}",
                    _who(document.answered_by),
                    document.response_note,
                )
            )
        if document.closed_at:
            events.append(
                Event(
                    document.closed_at,
                    f"Document request {document.get_status_display().lower()}: {document.title}",
                    _who(document.closed_by),
                )
            )
    for completion in application.stage_completions.select_related("completed_by"):
        events.append(
            Event(
                completion.completed_at,
                f"Stage {completion.stage} completed",
                _who(completion.completed_by),
                completion.note,
            )
        )
    return sorted(events, key=lambda e: e.at, reverse=True)


def _who(user: Any) -> str:
    return user.email if user is not None else "The service"


def review_page_context(application: Application) -> dict[str, Any]:
    response = response_for(application)
    answers = answers_by_question(response)
    journey = response_journey(response, answers)
    evaluation = evaluate(journey)
    requests = list(
        application.change_requests.select_related("requested_by").prefetch_related(
            "items__revision"
        )
    )
    latest = submission_latest(application)
    answered, changes = resubmission_changes(journey, latest, requests)
    holds = holds_all(application)
    return {
        "application": application,
        "journey": journey,
        "evaluation": evaluation,
        "answer_rows": answer_rows(journey, answers),
        "people": [row for row in answer_rows(journey, answers) if row["id"] in PEOPLE_QUESTIONS],
        "holds_open": [h for h in holds if h.is_open],
        "holds_lifted": [h for h in holds if not h.is_open],
        "reviewer_origin": HoldOrigin.REVIEWER,
        "latest_submission": latest,
        "answered_request": answered,
        "changes": changes,
        "document_requests": document_requests_for(application),
        "approval_blockers": approval_blockers(application),
        "stage3_blockers": stage3_blockers(application),
        "stages_completed": stages_completed(application),
        "timeline": timeline(application, requests),
    }
