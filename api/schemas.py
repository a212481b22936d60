"""The API's typed request and response bodies (pydantic, through django-ninja)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from ninja import Schema


class Error(Schema):
    detail: str


class ApplicationSummary(Schema):
    id: uuid.UUID
    reference: str
    organisation: str
    ods_code: str
    scope: str
    role: str
    product_name: str
    product_version: str
    stage2_state: str
    stage2_submitted_at: datetime | None
    created_at: datetime


class QueueEntry(ApplicationSummary):
    reviewer: str | None
    flagged: bool
    document_overdue: bool


class QueuePage(Schema):
    count: int
    page: int
    pages: int
    results: list[QueueEntry]


class Transition(Schema):
    from_state: str
    to_state: str
    actor: str | None
    reason: str
    at: datetime


class Answer(Schema):
    question_id: str
    # Send it back as ``version`` to change the answer (a stale one is a 409).
    version: int
    value: Any


class HoldOut(Schema):
    origin: str
    reason: str
    action: str
    raised_at: datetime
    lifted_at: datetime | None


class ApplicationDetail(ApplicationSummary):
    flagged: bool
    answers: list[Answer]
    holds: list[HoldOut]
    timeline: list[Transition]


class Question(Schema):
    id: str
    type: str
    text: str
    required: bool


class QuestionnaireDefinition(Schema):
    version: str
    questions: list[dict[str, Any]]


class AnswerIn(Schema):
    """The same fields the question's page posts (for example ``{"answer": "yes"}``), and the
    version of the answer the client last read (0 for a question not answered yet)."""

    version: int = -1
    data: dict[str, str] = {}
    confirm_discard: bool = False


class FieldProblem(Schema):
    field: str
    input_id: str
    message: str


class Problems(Schema):
    detail: str
    errors: list[FieldProblem] = []
    discards: list[str] = []


class AnswerSaved(Schema):
    question_id: str
    version: int
    value: Any
    paused: bool


class DeclarationOut(Schema):
    text: str
    sha256: str


class SubmitIn(Schema):
    declaration_sha256: str = ""


class SubmitOut(Schema):
    status: str
