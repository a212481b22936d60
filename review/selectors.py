"""Reads for NHS England's pages. Every read starts from ``applications_visible_to``, so only
reviewers and administrators see anything, and they see only submitted applications."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    Exists,
    JSONField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from accounts.models import User, UserKind
from applications.models import Application
from applications.selectors import application_get_for_reviewer, applications_visible_to
from applications.states import Role, Scope, Stage2State
from questionnaire import definitions
from workflow.continuous.dspt_register_check import (
    RegisterOutcome,
    register_entry_annotations,
    with_register_outcome,
)
from workflow.models import DocumentRequest, DocumentRequestStatus, Submission

PAGE_SIZE = 25
QUEUE_STATES = [
    Stage2State.SUBMITTED,
    Stage2State.IN_REVIEW,
    Stage2State.CHANGES_REQUESTED,
    Stage2State.PAUSED,
    Stage2State.APPROVED,
    Stage2State.WITHDRAWN,
]


@dataclass(frozen=True)
class QueueFilters:
    state: str = ""
    role: str = ""
    scope: str = ""
    reviewer: str = ""  # "me", "none", or a reviewer's id
    flagged: bool = False
    dspt: str = ""  # a RegisterOutcome value: the declared DSPT against the register
    search: str = ""

    @classmethod
    def from_query(cls, query: Any) -> QueueFilters:
        def pick(name: str, allowed: list[str]) -> str:
            value = str(query.get(name, ""))
            return value if value in allowed else ""

        reviewer = str(query.get("reviewer", ""))
        if reviewer not in ("me", "none") and not re.fullmatch(r"[0-9]{1,18}", reviewer):
            reviewer = ""
        return cls(
            state=pick("state", [s.value for s in QUEUE_STATES]),
            role=pick("role", list(Role.values)),
            scope=pick("scope", list(Scope.values)),
            reviewer=reviewer,
            flagged=query.get("flagged") == "yes",
            dspt=pick("dspt", [o.value for o in RegisterOutcome]),
            search=str(query.get("q", "")).strip()[:100],
        )

    def as_query(self) -> dict[str, str]:
        pairs = {
            "state": self.state,
            "role": self.role,
            "scope": self.scope,
            "reviewer": self.reviewer,
            "flagged": "yes" if self.flagged else "",
            "dspt": self.dspt,
            "q": self.search,
        }
        return {key: value for key, value in pairs.items() if value}


def queue_queryset(*, user: User, filters: QueueFilters) -> QuerySet[Application]:
    """Every submitted application the filters match, longest waiting first, each with its
    DSPT checked against the register in the same query (``dspt_register_outcome``,
    ``dspt_declared_higher``)."""
    queryset = with_register_outcome(
        applications_visible_to(user).select_related("organisation", "stage2_reviewer")
    )
    if filters.state:
        queryset = queryset.filter(stage2_state=filters.state)
    if filters.role:
        queryset = queryset.filter(role=filters.role)
    if filters.scope:
        queryset = queryset.filter(scope=filters.scope)
    if filters.reviewer == "me":
        queryset = queryset.filter(stage2_reviewer=user)
    elif filters.reviewer == "none":
        queryset = queryset.filter(stage2_reviewer__isnull=True)
    elif filters.reviewer:
        queryset = queryset.filter(stage2_reviewer_id=int(filters.reviewer))
    if filters.flagged:
        # Flagged by the rules at submission, or declaring a DSPT status above the register's.
        queryset = queryset.filter(Q(stage2_flagged=True) | Q(dspt_declared_higher=True))
    if filters.dspt:
        queryset = queryset.filter(dspt_register_outcome=filters.dspt)
    if filters.search:
        term = filters.search
        queryset = queryset.filter(
            Q(organisation__name__icontains=term)
            | Q(organisation__ods_code__iexact=term)
            | Q(reference__iexact=term)
            | Q(reference__icontains=term)
        )
    # Those waiting on NHS England or the applicant first, longest waiting first; approved and
    # withdrawn ones after them.
    finished = Case(
        When(stage2_state__in=[Stage2State.APPROVED, Stage2State.WITHDRAWN], then=Value(1)),
        default=Value(0),
    )
    overdue = DocumentRequest.objects.filter(
        application=OuterRef("pk"),
        status=DocumentRequestStatus.OPEN,
        due_date__lt=definitions.today(),
    )
    return queryset.annotate(document_overdue=Exists(overdue)).order_by(
        finished, "stage2_submitted_at", "reference"
    )


def queue_page(*, user: User, filters: QueueFilters, page_number: Any) -> Page[Application]:
    """One page of the queue: a count and a page of rows, whatever the number of applications."""
    paginator = Paginator(queue_queryset(user=user, filters=filters), PAGE_SIZE)
    return paginator.get_page(page_number)


@dataclass(frozen=True)
class LatestSubmission:
    number: int
    submitted_at: datetime
    sha256: str
    snapshot: dict[str, Any]


def _latest(column: str, field: Any = None) -> Subquery:
    latest = Submission.objects.filter(application=OuterRef("pk")).order_by("-number")
    return Subquery(latest.values(column)[:1], output_field=field)


LATEST_SUBMISSION = {
    "latest_number": _latest("number"),
    "latest_submitted_at": _latest("submitted_at"),
    "latest_sha256": _latest("sha256"),
    "latest_snapshot": _latest("snapshot", JSONField()),
}


def application_for_review(*, user: User, application_id: Any) -> Application:
    """The application for its review page, with its latest submission and its organisation's
    entry in the latest DSPT register snapshot read in the same query."""
    return application_get_for_reviewer(
        user=user,
        application_id=application_id,
        annotations={**LATEST_SUBMISSION, **register_entry_annotations()},
    )


def latest_submission_of(application: Application) -> LatestSubmission | None:
    """The latest submission that ``application_for_review`` read with the application."""
    number = getattr(application, "latest_number", None)
    if number is None:
        return None
    snapshot = application.latest_snapshot
    if isinstance(snapshot, str):  # SQLite hands a JSON subquery back as text
        snapshot = json.loads(snapshot)
    return LatestSubmission(
        number=number,
        submitted_at=application.latest_submitted_at,
        sha256=application.latest_sha256,
        snapshot=snapshot,
    )


def reviewers() -> list[User]:
    return list(
        User.objects.filter(
            kind__in=[UserKind.REVIEWER, UserKind.ADMINISTRATOR], is_active=True
        ).order_by("email")
    )
