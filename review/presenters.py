"""What NHS England's application pages show: answers as they were worded when answered, and what
changed on resubmission (the timeline is review/timeline.py). Each section page
(review/sections.py) reads only what it shows, each collection once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from applications.models import Application
from evidence.status import UploadStatus
from questionnaire import definitions
from questionnaire.engine.journey import Journey
from questionnaire.engine.schema import Question
from questionnaire.selectors import response_definition
from workflow.models import (
    ChangeRequest,
    ChangeRequestItem,
    DocumentRequest,
)

from .selectors import LatestSubmission, latest_submission_of


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
class Change:
    question_id: str
    number: str
    title: str
    comment: str
    before: list[str]
    after: list[str]


def answer_rows(
    journey: Journey,
    submitted: dict[str, dict[str, Any]],
    uploads: dict[str, UploadStatus] | None = None,
) -> list[dict[str, Any]]:
    """Every question on the submitted route, in the words shown when it was answered. A file
    question (``uploads``, by question id) shows its file and its one upload status, the same
    as the organisation's pages: it is answered, and can be commented on, once a file was sent."""
    rows = []
    for question in journey.applicable_questions():
        answer = submitted.get(question.id)
        upload = (uploads or {}).get(question.id)
        if upload is not None:
            rows.append(_upload_row(question, upload))
            continue
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
                "upload": None,
            }
        )
    return rows


def upload_lines(upload: UploadStatus) -> list[str]:
    """A file question's answer in words: the file's name, then its status (and what became of
    a newer file), or only "Not uploaded"."""
    if upload.file is None:
        return [upload.text]
    return [upload.file.download_name, upload.summary] + (
        [upload.newer_note] if upload.newer_note else []
    )


def _upload_row(question: Question, upload: UploadStatus) -> dict[str, Any]:
    file = upload.file
    return {
        "id": question.id,
        "number": question.number,
        "title": question.title,
        "wording": question.wording(),
        "lines": upload_lines(upload),
        "revision": file.revision if file else None,
        "answered_by": file.uploaded_by.email if file and file.uploaded_by else "",
        "answered_at": file.uploaded_at if file else None,
        "answered": upload.sent,
        "upload": upload,
    }


def change_requests_of(application: Application) -> list[tuple[ChangeRequest, list[Any]]]:
    """Each change request with its items, oldest first, in one query."""
    items = ChangeRequestItem.objects.filter(
        change_request__application=application
    ).select_related(
        "change_request__requested_by", "change_request__resubmission", "revision", "evidence"
    )
    grouped: dict[Any, tuple[ChangeRequest, list[Any]]] = {}
    for item in items.order_by("change_request__requested_at", "pk"):
        grouped.setdefault(item.change_request_id, (item.change_request, []))[1].append(item)
    return list(grouped.values())


def resubmission_changes(
    journey: Journey,
    requests: list[tuple[ChangeRequest, list[Any]]],
    uploads: dict[str, UploadStatus] | None = None,
) -> tuple[ChangeRequest | None, list[Change]]:
    """For a resubmission: each answer the reviewer asked to change, old and new, and why. Only
    the latest request counts, and only once the applicant has resubmitted. A file question's
    "before" is the file commented on, its "now" its upload status today (``uploads``)."""
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
                question_id=item.question_id,
                number=question.number,
                title=question.title,
                comment=item.comment,
                before=list(item.revision.display)
                if item.revision is not None
                else [item.evidence.download_name],
                after=upload_lines(uploads[item.question_id])
                if item.revision is None and item.question_id in (uploads or {})
                else now.get(item.question_id, []),
            )
        )
    return request, changes


@dataclass(frozen=True)
class Submitted:
    """The latest submission's answers and the journey they make: what every reviewer page
    judges, never the live answers. While the applicant is making the changes asked for, the
    reviewer still sees what was submitted, and what the rules found is judged on that."""

    latest: LatestSubmission | None
    answers: dict[str, dict[str, Any]]
    journey: Journey

    @property
    def revisions(self) -> dict[str, int]:
        return {qid: answer["revision"] for qid, answer in self.answers.items()}


def submitted_of(application: Application) -> Submitted:
    """``application`` comes from ``application_for_review`` (organisation, reviewer, response
    and latest submission read with it)."""
    latest = latest_submission_of(application)
    submitted = {a["question_id"]: a for a in latest.snapshot["answers"]} if latest else {}
    journey = Journey(
        definition=response_definition(application.stage2_response),
        answers={qid: answer["value"] for qid, answer in submitted.items()},
        today=definitions.today(),
        dspt_deadline=definitions.dspt_deadline(),
    )
    return Submitted(latest=latest, answers=submitted, journey=journey)
