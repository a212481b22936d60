"""What NHS England's application page shows: answers as they were worded when answered, rule
outcomes, holds, what changed on resubmission, and one timeline of everything that happened.

The page reads each collection once (a fixed number of queries, whatever the history) and
builds every section from those reads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from applications.models import Application, Stage2Transition
from applications.states import Stage2State
from attestations.models import Attestation
from attestations.selectors import (
    attestation_needs,
    attestations_for,
    attested_by_same_person,
    key_personnel_for,
)
from evidence.selectors import evidence_for_application
from questionnaire import definitions
from questionnaire.engine.attestations import attestations_required
from questionnaire.engine.journey import Journey
from questionnaire.engine.rules import evaluate
from questionnaire.engine.schema import Definition
from questionnaire.selectors import response_definition
from workflow.models import (
    ChangeRequest,
    ChangeRequestItem,
    DocumentRequest,
    Hold,
    HoldOrigin,
    ReviewerAssignment,
    StageCompletion,
)
from workflow.review import approval_blockers_for
from workflow.selectors import stage2_working_state, stage3_blockers

from .selectors import latest_submission_of


def purpose_titles(journey: Journey, documents: list[DocumentRequest]) -> dict[str, str]:
    """What each evidence purpose is, in words: a question's title or a request's."""
    titles = {
        f"question:{q.id}": f"Question {q.number}: {q.title}" for q in journey.definition.questions
    }
    titles.update({f"document_request:{d.pk}": f"Requested: {d.title}" for d in documents})
    return titles


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


def answer_rows(journey: Journey, submitted: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Every question on the submitted route, in the words shown when it was answered."""
    rows = []
    for question in journey.applicable_questions():
        answer = submitted.get(question.id)
        rows.append(
            {
                "id": question.id,
                "number": question.number,
                "title": question.title,
                "wording": answer["wording"] if answer else question.wording(),
                "lines": answer["display"] if answer else [],
                "revision": answer["revision"] if answer else None,
                "answered_by": answer.get("answered_by", "") if answer else "",
                "answered_at": (
                    datetime.fromisoformat(answer["answered_at"])
                    if answer and answer.get("answered_at")
                    else None
                ),
                "answered": answer is not None,
            }
        )
    return rows


def change_requests_of(application: Application) -> list[tuple[ChangeRequest, list[Any]]]:
    """Each change request with its items, oldest first, in one query."""
    items = ChangeRequestItem.objects.filter(
        change_request__application=application
    ).select_related("change_request__requested_by", "change_request__resubmission", "revision")
    grouped: dict[Any, tuple[ChangeRequest, list[Any]]] = {}
    for item in items.order_by("change_request__requested_at", "pk"):
        grouped.setdefault(item.change_request_id, (item.change_request, []))[1].append(item)
    return list(grouped.values())


def resubmission_changes(
    journey: Journey, requests: list[tuple[ChangeRequest, list[Any]]]
) -> tuple[ChangeRequest | None, list[Change]]:
    """For a resubmission: each answer the reviewer asked to change, old and new, and why. Only
    the latest request counts, and only once the applicant has resubmitted."""
    if not requests or requests[-1][0].resubmission is None:
        return None, []
    request, items = requests[-1]
    assert request.resubmission is not None
    now = {a["question_id"]: a["display"] for a in request.resubmission.snapshot["answers"]}
    changes = []
    for item in items:
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
    return request, changes


def timeline(
    *,
    definition: Definition,
    transitions: list[Stage2Transition],
    assignments: list[ReviewerAssignment],
    holds: list[Hold],
    requests: list[tuple[ChangeRequest, list[Any]]],
    documents: list[DocumentRequest],
    completions: list[StageCompletion],
    attestations: list[Attestation] | None = None,
) -> list[Event]:
    """Everything that happened to the application, newest first."""
    events = [
        Event(
            t.at,
            f"{t.get_from_state_display()} → {t.get_to_state_display()}",
            _who(t.actor),
            t.reason,
        )
        for t in transitions
    ]
    events += [
        Event(
            a.at,
            "Review taken over" if a.previous_reviewer_id else "Reviewer assigned",
            _who(a.reviewer),
        )
        for a in assignments
    ]
    for hold in holds:
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
    for request, items in requests:
        lines = []
        for item in items:  # the question as the applicant was asked it, never its internal id
            question = definition.question(item.question_id)
            lines.append(f"Question {question.number}: {question.title} – {item.comment}")
        comments = "\n".join(lines)
        events.append(
            Event(request.requested_at, "Changes requested", _who(request.requested_by), comments)
        )
    for document in documents:
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
    events += [
        Event(c.completed_at, f"Stage {c.stage} completed", _who(c.completed_by), c.note)
        for c in completions
    ]
    for attestation in attestations or []:
        who = f"{attestation.full_name} ({attestation.email})"
        events.append(
            Event(
                attestation.requested_at,
                f"Attestation asked of {who}",
                _who(attestation.requested_by),
                attestation.statement,
            )
        )
        if attestation.responded_at:
            # A response has a reason only when it declined, whatever became of it later.
            attested = not attestation.decline_reason
            events.append(
                Event(
                    attestation.responded_at,
                    "Attested" if attested else "Attestation declined",
                    _who(attestation.responded_by),
                    attestation.statement if attested else attestation.decline_reason,
                )
            )
        if attestation.ended_at:
            events.append(
                Event(
                    attestation.ended_at,
                    f"Attestation {attestation.get_status_display().lower()}",
                    "The service",
                    attestation.end_reason,
                )
            )
    return sorted(events, key=lambda e: e.at, reverse=True)


def _who(user: Any) -> str:
    return user.email if user is not None else "The service"


def review_page_context(application: Application) -> dict[str, Any]:
    """Everything the reviewer's application page shows. ``application`` comes from
    ``application_get_for_reviewer`` (organisation, reviewer and response joined).

    The answers are the latest submission's snapshot, never the live ones: while the applicant
    is making the changes asked for, the reviewer still sees what was submitted, and what the
    rules found is judged on that."""
    response = application.stage2_response
    latest = latest_submission_of(application)
    submitted = {a["question_id"]: a for a in latest.snapshot["answers"]} if latest else {}
    journey = Journey(
        definition=response_definition(response),
        answers={qid: answer["value"] for qid, answer in submitted.items()},
        today=definitions.today(),
        dspt_deadline=definitions.dspt_deadline(),
    )
    evaluation = evaluate(journey)
    requests = change_requests_of(application)
    answered, changes = resubmission_changes(journey, requests)
    holds = list(application.holds.select_related("raised_by", "lifted_by"))
    holds_open = [h for h in holds if h.is_open]
    documents = list(
        application.document_requests.select_related("requested_by", "answered_by", "closed_by")
    )
    completions = list(application.stage_completions.select_related("completed_by"))
    evidence = list(evidence_for_application(application).select_related("uploaded_by"))
    rows = answer_rows(journey, submitted)
    attestations = attestations_for(application)
    needs = attestation_needs(
        definition=journey.definition,
        required=attestations_required(journey),
        attestations=attestations,
        revisions={qid: answer["revision"] for qid, answer in submitted.items()},
    )
    return {
        "application": application,
        "journey": journey,
        "evaluation": evaluation,
        "answer_rows": rows,
        "latest_submission": latest,
        # What the sender accepted, in the words shown and by whom (None before declarations).
        "declaration": latest.snapshot.get("declaration") if latest else None,
        "being_changed": stage2_working_state(application) == Stage2State.CHANGES_REQUESTED,
        "people": [row for row in rows if row["id"] in PEOPLE_QUESTIONS],
        "holds_open": holds_open,
        "holds_lifted": [h for h in holds if not h.is_open],
        "reviewer_origin": HoldOrigin.REVIEWER,
        "answered_request": answered,
        "changes": changes,
        "document_requests": documents,
        "approval_blockers": approval_blockers_for(
            application, journey, evaluation, len(holds_open), needs
        ),
        "attestation_needs": needs,
        "attestations": attestations,
        "same_person": attested_by_same_person(application, attestations),
        "key_personnel": key_personnel_for(application),
        "stage3_blockers": stage3_blockers(application, evidence=evidence, for_reviewer=True),
        "evidence": evidence,
        "purposes": purpose_titles(journey, documents),
        "stages_completed": {c.stage: c for c in completions},
        "timeline": timeline(
            definition=journey.definition,
            transitions=list(application.stage2_transitions.select_related("actor")),
            assignments=list(
                application.assignments.select_related("reviewer", "previous_reviewer")
            ),
            holds=holds,
            requests=requests,
            documents=documents,
            completions=completions,
            attestations=attestations,
        ),
    }
