"""The notification banner the application page opens with (issue 25): the latest thing NHS
England has done that needs the organisation, with links to where to act on it.

- changes requested: how many answers, each linking to its question (Important);
- a document requested: what, by when, and a link to send it (Important);
- Stage 2 approved, when nothing else is waiting: what opens next (Success, the one success).

A hold has the pause banner (``questionnaire/_pause_banner.jinja``, Important), which every page
of the application shows above this one: its reason and what lifts it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.urls import reverse
from django.utils import timezone

from applications.models import Application
from applications.states import Stage2State
from questionnaire.engine.answers import format_date
from questionnaire.engine.journey import Journey
from questionnaire.presenters import question_url
from workflow.models import ChangeRequest, DocumentRequest, DocumentRequestStatus
from workflow.selectors import AUP_QUESTION_ID, STAGE3_NEEDS_AUP, stage3_blockers
from workflow.standing import plural

IMPORTANT = "important"
SUCCESS = "success"


@dataclass(frozen=True)
class Link:
    text: str
    href: str


@dataclass(frozen=True)
class Banner:
    kind: str
    heading: str
    paragraphs: tuple[str, ...] = ()
    links: tuple[Link, ...] = ()
    # Links listed under the heading (one per answer to change), before the paragraphs.
    items: tuple[Link, ...] = field(default=())

    @property
    def title(self) -> str:
        return "Success" if self.kind == SUCCESS else "Important"


def changes_banner(
    application: Application, journey: Journey, change_request: ChangeRequest
) -> Banner:
    items = list(change_request.items.all())
    definition = journey.definition
    links = []
    for item in items:
        question = definition.question(item.question_id)
        links.append(
            Link(
                f"Question {question.number}: {question.title}",
                question_url(application, item.question_id),
            )
        )
    return Banner(
        kind=IMPORTANT,
        heading=f"NHS England has asked you to change {plural(len(items), 'answer')}",
        items=tuple(links),
        paragraphs=(
            "Each answer has a comment that says what is needed. Change "
            + ("it" if len(items) == 1 else "them")
            + ", then send stage 2 again.",
        ),
        links=(
            Link(
                "Check your answers and send them again",
                reverse("questionnaire:check_answers", kwargs={"application_id": application.pk}),
            ),
        ),
    )


def document_banner(
    application: Application, document: DocumentRequest, others: int, today: date
) -> Banner:
    due = (
        f"It was due by {format_date(document.due_date)}."
        if document.is_overdue(today)
        else f"Send it by {format_date(document.due_date)}."
    )
    paragraphs = [due]
    if others:
        paragraphs.append(
            f"NHS England is waiting for {plural(others, 'other document')} too: see "
            "the documents NHS England has asked for, below."
        )
    return Banner(
        kind=IMPORTANT,
        heading=f"NHS England has asked for a document: {document.title}",
        paragraphs=tuple(paragraphs),
        links=(
            Link(
                f"Send the {document.title}",
                reverse(
                    "applications:document_request",
                    kwargs={"application_id": application.pk, "request_id": document.pk},
                ),
            ),
        ),
    )


def approval_banner(application: Application, approved_at: datetime | None) -> Banner:
    when = f" on {format_date(timezone.localtime(approved_at).date())}" if approved_at else ""
    blockers = stage3_blockers(application)
    if not blockers:
        paragraphs: tuple[str, ...] = (
            "Stage 3, Home Community ID integration, is now open. NHS England will contact "
            "you about it.",
        )
        links: tuple[Link, ...] = (Link("See your onboarding stages", "#onboarding-stages"),)
    else:
        paragraphs = ("Stage 3, Home Community ID integration, can start once:", *blockers)
        links = (
            (
                Link(
                    "Upload your signed Acceptable Usage Policy",
                    question_url(application, AUP_QUESTION_ID),
                ),
            )
            if STAGE3_NEEDS_AUP in blockers
            else (Link("See your onboarding stages", "#onboarding-stages"),)
        )
    return Banner(
        kind=SUCCESS,
        heading=f"NHS England approved stage 2{when}",
        paragraphs=paragraphs,
        links=links,
    )


def standing_banner(
    application: Application,
    journey: Journey,
    change_request: ChangeRequest | None,
    documents: list[DocumentRequest],
    today: date,
) -> Banner | None:
    """The banner for the latest thing waiting on the organisation, or for the approval when
    nothing is. ``change_request`` is the open one (``Editability.request``); ``documents``
    the application's document requests."""
    if application.stage2_state == Stage2State.WITHDRAWN:
        return None
    waiting = [d for d in documents if d.status == DocumentRequestStatus.OPEN]
    latest_document = max(waiting, key=lambda d: d.requested_at, default=None)
    if change_request is not None and (
        latest_document is None or change_request.requested_at >= latest_document.requested_at
    ):
        return changes_banner(application, journey, change_request)
    if latest_document is not None:
        return document_banner(application, latest_document, len(waiting) - 1, today)
    if application.stage2_state == Stage2State.APPROVED:
        approval = application.stage2_transitions.filter(to_state=Stage2State.APPROVED).last()
        return approval_banner(application, approval.at if approval else None)
    return None
