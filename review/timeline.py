"""The application's timeline on NHS England's side: everything that happened to it, newest first,
in words a person reads, and filtered by what kind of thing happened and by who did it.

Each event names its question as the applicant was asked it ("Question 8: Clinical Safety
Officer"), never by its internal id, and its person by name and email. The page reads each kind of
history once (a fixed number of queries whatever the history) and pages the result."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator

from applications.models import Application, Stage2Transition
from applications.states import Stage2State
from attestations.models import Attestation
from core.text import plural
from notifications.models import Notification
from notifications.templates import PLACEHOLDER, template_get
from questionnaire.engine.schema import Definition
from questionnaire.models import AnswerChange, AnswerRevision
from workflow.models import (
    ChangeRequest,
    DocumentRequest,
    Hold,
    ReviewerAssignment,
    StageCompletion,
)
from workflow.replies.selectors import ReplyThread, replies_on, reply_threads

PER_PAGE = 8
SERVICE = "The service"


class Kind(StrEnum):
    DECISIONS = "decisions"
    ANSWERS = "answers"
    HOLDS = "holds"
    DOCUMENTS = "documents"
    ATTESTATIONS = "attestations"
    REPLIES = "replies"
    EMAILS = "emails"

    @property
    def label(self) -> str:
        return KIND_LABELS[self]


KIND_LABELS = {
    Kind.DECISIONS: "Decisions and submissions",
    Kind.ANSWERS: "Answers",
    Kind.HOLDS: "Holds",
    Kind.DOCUMENTS: "Documents",
    Kind.ATTESTATIONS: "Attestations",
    Kind.REPLIES: "Replies",
    Kind.EMAILS: "Emails",
}


@dataclass(frozen=True)
class Event:
    at: datetime
    kind: Kind
    title: str
    # Who did it, in words ("Sam Patel (sam@trust.nhs.uk)" or "The service"), and the key the
    # "who" filter matches (their email, or "" for the service).
    actor: str
    actor_key: str
    text: str = ""


def _who(user: Any) -> tuple[str, str]:
    if user is None:
        return SERVICE, ""
    name = getattr(user, "full_name", "")
    return (f"{name} ({user.email})" if name else user.email), user.email


def _question(definition: Definition, question_id: str) -> str:
    """The question as the applicant was asked it; a question since removed from the
    questionnaire is still named in words, not by its id."""
    question = definition.question_or_none(question_id)
    if question is None:
        return "A question no longer asked"
    return f"Question {question.number}: {question.title}"


# What each change of Stage 2 state is called, by where it went (and, for two, where from).
_ARRIVALS = {
    Stage2State.DRAFT: "Returned to draft",
    Stage2State.SUBMITTED: "Submitted for review",
    Stage2State.IN_REVIEW: "Review started",
    Stage2State.CHANGES_REQUESTED: "Changes requested",
    Stage2State.PAUSED: "Onboarding paused",
    Stage2State.APPROVED: "Stage 2 approved",
    Stage2State.WITHDRAWN: "Application withdrawn",
}


def transition_title(transition: Stage2Transition) -> str:
    if transition.from_state == Stage2State.PAUSED and transition.to_state != Stage2State.WITHDRAWN:
        return "Onboarding resumed"
    if (
        transition.from_state == Stage2State.CHANGES_REQUESTED
        and transition.to_state == Stage2State.SUBMITTED
    ):
        return "Resubmitted after changes"
    return _ARRIVALS.get(Stage2State(transition.to_state), "Stage 2 changed")


def _event(at: datetime, kind: Kind, title: str, user: Any, text: str = "") -> Event:
    actor, key = _who(user)
    return Event(at=at, kind=kind, title=title, actor=actor, actor_key=key, text=text)


def decision_events(
    transitions: Iterable[Stage2Transition],
    assignments: Iterable[ReviewerAssignment],
    requests: Iterable[tuple[ChangeRequest, list[Any]]],
    completions: Iterable[StageCompletion],
    definition: Definition,
) -> list[Event]:
    events = [
        _event(t.at, Kind.DECISIONS, transition_title(t), t.actor, t.reason) for t in transitions
    ]
    for a in assignments:
        taken_over = a.previous_reviewer_id not in (None, a.reviewer_id)
        title = "Review taken over" if taken_over else "Reviewer assigned"
        text = f"From {_who(a.previous_reviewer)[0]}." if taken_over else ""
        events.append(_event(a.at, Kind.DECISIONS, title, a.reviewer, text))
    for request, items in requests:
        lines = [f"{_question(definition, i.question_id)} – {i.comment}" for i in items]
        events.append(
            _event(
                request.requested_at,
                Kind.DECISIONS,
                f"Asked for changes to {plural(len(items), 'answer')}",
                request.requested_by,
                "\n".join(lines),
            )
        )
    events += [
        _event(c.completed_at, Kind.DECISIONS, f"Stage {c.stage} completed", c.completed_by, c.note)
        for c in completions
    ]
    return events


def answer_events(revisions: Iterable[AnswerRevision], definition: Definition) -> list[Event]:
    events = []
    for revision in revisions:
        question = _question(definition, revision.question_id)
        if revision.change == AnswerChange.DISCARDED:
            title, text = f"{question}: answer removed (no longer asked)", ""
        else:
            verb = "answered" if revision.revision == 1 else "answer changed"
            title, text = f"{question}: {verb}", "\n".join(revision.display)
        events.append(_event(revision.answered_at, Kind.ANSWERS, title, revision.answered_by, text))
    return events


def hold_events(holds: Iterable[Hold]) -> list[Event]:
    events = []
    for hold in holds:
        origin = hold.get_origin_display()
        events.append(
            _event(
                hold.raised_at, Kind.HOLDS, f"Hold raised ({origin})", hold.raised_by, hold.reason
            )
        )
        if hold.lifted_at:
            events.append(
                _event(
                    hold.lifted_at,
                    Kind.HOLDS,
                    f"Hold lifted ({origin})",
                    hold.lifted_by,
                    hold.lift_reason,
                )
            )
    return events


def document_events(documents: Iterable[DocumentRequest]) -> list[Event]:
    events = []
    for document in documents:
        events.append(
            _event(
                document.requested_at,
                Kind.DOCUMENTS,
                f"Document requested: {document.title}",
                document.requested_by,
                document.note,
            )
        )
        if document.answered_at:
            events.append(
                _event(
                    document.answered_at,
                    Kind.DOCUMENTS,
                    f"Document sent: {document.title}",
                    document.answered_by,
                    document.response_note,
                )
            )
        if document.closed_at:
            status = document.get_status_display().lower()
            events.append(
                _event(
                    document.closed_at,
                    Kind.DOCUMENTS,
                    f"Document request {status}: {document.title}",
                    document.closed_by,
                )
            )
    return events


def attestation_events(attestations: Iterable[Attestation]) -> list[Event]:
    events = []
    for attestation in attestations:
        who = f"{attestation.full_name} ({attestation.email})"
        events.append(
            _event(
                attestation.requested_at,
                Kind.ATTESTATIONS,
                f"Attestation asked of {who}",
                attestation.requested_by,
                attestation.statement,
            )
        )
        if attestation.responded_at:
            # A response has a reason only when it declined, whatever became of it later.
            attested = not attestation.decline_reason
            events.append(
                _event(
                    attestation.responded_at,
                    Kind.ATTESTATIONS,
                    f"Attested by {who}" if attested else f"Attestation declined by {who}",
                    attestation.responded_by,
                    attestation.statement if attested else attestation.decline_reason,
                )
            )
        if attestation.ended_at:
            events.append(
                _event(
                    attestation.ended_at,
                    Kind.ATTESTATIONS,
                    f"Attestation of {who} {attestation.get_status_display().lower()}",
                    None,
                    attestation.end_reason,
                )
            )
    return events


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def reply_events(threads: Iterable[ReplyThread]) -> list[Event]:
    """Each reply the organisation sent NHS England, named by what it answers (ADR 0037)."""
    return [
        _event(
            reply.created_at,
            Kind.REPLIES,
            "Reply about " + _lower_first(thread.target.about),
            reply.author,
            reply.text,
        )
        for thread in threads
        for reply in thread.replies
    ]


def email_subject(notification: Notification) -> str:
    """The email's subject as it was sent. Subjects never hold a template's secret fields (a
    link's token), and a field the stored row no longer has is left out rather than shown."""
    try:
        subject = template_get(notification.template).subject
    except ValueError:
        return "An email"
    values: Mapping[str, Any] = notification.personalisation or {}
    return " ".join(PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), "")), subject).split())


def email_events(notifications: Iterable[Notification]) -> list[Event]:
    events = []
    for notification in notifications:
        status = {"queued": "waiting to be sent", "failed": "could not be sent"}.get(
            notification.status, "sent"
        )
        events.append(
            Event(
                at=notification.sent_at or notification.created_at,
                kind=Kind.EMAILS,
                title=f"Email {status} to {notification.recipient}",
                actor=SERVICE,
                actor_key="",
                text=email_subject(notification),
            )
        )
    return events


def application_events(
    application: Application,
    definition: Definition,
    requests: list[tuple[ChangeRequest, list[Any]]],
) -> list[Event]:
    """Every event of ``application`` (from a selector scoped to the reviewer), newest first:
    one query for each kind of history."""
    events = decision_events(
        application.stage2_transitions.select_related("actor"),
        application.assignments.select_related("reviewer", "previous_reviewer"),
        requests,
        application.stage_completions.select_related("completed_by"),
        definition,
    )
    response = application.stage2_response
    if response is not None:
        events += answer_events(
            AnswerRevision.objects.filter(response=response).select_related("answered_by"),
            definition,
        )
    events += hold_events(application.holds.select_related("raised_by", "lifted_by"))
    events += document_events(
        application.document_requests.select_related("requested_by", "answered_by", "closed_by")
    )
    events += attestation_events(
        application.attestations.select_related("requested_by", "responded_by")
    )
    events += reply_events(reply_threads(application, replies_on(application)))
    events += email_events(application.notifications.all())
    return sorted(events, key=lambda e: e.at, reverse=True)


@dataclass(frozen=True)
class TimelineFilters:
    kind: Kind | None = None
    who: str | None = None  # an email, or "" for the service

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> TimelineFilters:
        """From the page's query string; a value that is not a choice is no filter."""
        kind = query.get("kind", "")
        who = query.get("who")
        return cls(
            kind=Kind(kind) if kind in Kind._value2member_map_ else None,
            who=None if who in (None, "", "all") else ("" if who == "service" else who),
        )

    def keep(self, event: Event) -> bool:
        if self.kind is not None and event.kind != self.kind:
            return False
        return self.who is None or event.actor_key == self.who

    @property
    def active(self) -> bool:
        return self.kind is not None or self.who is not None

    def as_query(self) -> str:
        params = {}
        if self.kind is not None:
            params["kind"] = self.kind.value
        if self.who is not None:
            params["who"] = self.who or "service"
        return urlencode(params)


def people_in(events: Iterable[Event]) -> list[tuple[str, str]]:
    """(value, label) for the "who" filter: each person in the timeline, then the service."""
    people = {e.actor_key: e.actor for e in events if e.actor_key}
    choices = sorted(people.items(), key=lambda item: item[1].lower())
    return [*choices, ("service", SERVICE)]


@dataclass(frozen=True)
class TimelinePage:
    page: Page[Event]
    filters: TimelineFilters
    people: list[tuple[str, str]]
    total: int

    @property
    def kinds(self) -> list[tuple[str, str]]:
        return [(k.value, k.label) for k in Kind]


def timeline_page(events: list[Event], query: Mapping[str, str]) -> TimelinePage:
    filters = TimelineFilters.from_query(query)
    kept = [e for e in events if filters.keep(e)]
    page = Paginator(kept, PER_PAGE).get_page(query.get("page"))
    return TimelinePage(page=page, filters=filters, people=people_in(events), total=len(events))
