"""Where an application stands for its organisation, computed once (issue 25): the Stage 2 tag,
and what is waiting for whom in plain words ("With NHS England since 3 December", "Changes
requested: 1 answer", "Paused: DSPT lapsed", "Document requested: due 12 December").

``standing_of`` is a pure function of ``StandingFacts``, so it is tested without a database and
every page that shows an application's standing shows the same words. ``standings_for`` reads
the facts of many applications in a fixed number of queries (the applications list), and
``standing_for`` those of one (the application page)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone

from applications.models import Application, Stage2Transition
from applications.states import Stage2State
from questionnaire.engine.answers import format_date
from questionnaire.models import Answer
from workflow.continuous.dspt_register_check import REGISTER_HOLD_ACTION
from workflow.models import (
    ChangeRequest,
    DocumentRequest,
    DocumentRequestStatus,
    Hold,
    HoldOrigin,
)

# The tag for each Stage 2 state, the same on the applicant's and NHS England's pages.
STATE_TAGS = {
    Stage2State.DRAFT: ("In progress", "nhsuk-tag--blue"),
    Stage2State.SUBMITTED: ("Submitted", "nhsuk-tag--purple"),
    Stage2State.IN_REVIEW: ("In review", "nhsuk-tag--purple"),
    Stage2State.CHANGES_REQUESTED: ("Changes requested", "nhsuk-tag--orange"),
    Stage2State.PAUSED: ("Paused", "nhsuk-tag--red"),
    Stage2State.APPROVED: ("Approved", "nhsuk-tag--green"),
    Stage2State.WITHDRAWN: ("Withdrawn", "nhsuk-tag--grey"),
}
NOT_STARTED_TAG = ("Not started", "nhsuk-tag--grey")
WITH_NHS_ENGLAND = frozenset({Stage2State.SUBMITTED, Stage2State.IN_REVIEW})
# A change request stays open until resubmitted; a withdrawal ends it without one.
CHANGES_OPEN = frozenset({Stage2State.CHANGES_REQUESTED, Stage2State.PAUSED})


@dataclass(frozen=True)
class StandingFacts:
    """What the standing is computed from: the application's row, its open holds, how many
    answers its open change request names (None when there is none) and the due dates of the
    documents NHS England is waiting for."""

    state: str
    submitted_at: datetime | None
    has_answers: bool
    holds: Sequence[Hold] = ()
    change_answers: int | None = None
    documents_due: Sequence[date] = ()
    approved_at: datetime | None = None


@dataclass(frozen=True)
class Standing:
    tag_text: str
    tag_classes: str
    waiting: tuple[str, ...]

    @property
    def tag(self) -> dict[str, str]:
        """The arguments of the design system's tag macro."""
        return {"text": self.tag_text, "classes": self.tag_classes}


def day_text(value: date, today: date) -> str:
    """3 December, with the year only when it is not this year's."""
    text = format_date(value)
    return text.removesuffix(f" {today.year}") if value.year == today.year else text


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def hold_in_brief(hold: Hold) -> str:
    """A hold in a few words, after "Paused: "; the full reason is on the application's page."""
    if hold.origin == HoldOrigin.REVIEWER:
        return "by NHS England"
    if hold.origin == HoldOrigin.CERTIFICATE:
        return "certificate expired"
    if hold.origin == HoldOrigin.DSPT_RECHECK:
        if hold.action == REGISTER_HOLD_ACTION:
            return "DSPT below Standards Met on the register"
        return "DSPT lapsed"
    if hold.rule_id.endswith("dspt_publication_lapsed"):
        return "DSPT lapsed"
    if hold.rule_id.endswith("dspt_below_standards_met"):
        return "DSPT below Standards Met"
    return "an answer pauses onboarding"


def paused_text(holds: Sequence[Hold]) -> str:
    brief = hold_in_brief(holds[0])
    first = f"Paused {brief}" if holds[0].origin == HoldOrigin.REVIEWER else f"Paused: {brief}"
    others = len(holds) - 1
    return f"{first}, and {plural(others, 'other reason')}" if others else first


def documents_text(due: Sequence[date], today: date) -> str:
    first = min(due)
    when = f"was due {day_text(first, today)}" if first < today else f"due {day_text(first, today)}"
    if len(due) == 1:
        return f"Document requested: {when}"
    return f"{len(due)} documents requested: first {when}"


def standing_of(facts: StandingFacts, today: date) -> Standing:
    """The tag and the lines saying what is waiting for whom, most pressing first: a pause, the
    answers to change, the documents asked for, then where Stage 2 is."""
    state = Stage2State(facts.state)
    if state == Stage2State.DRAFT and not facts.has_answers:
        text, classes = NOT_STARTED_TAG
    else:
        text, classes = STATE_TAGS[state]
    waiting: list[str] = []
    if state == Stage2State.WITHDRAWN:
        return Standing(text, classes, ("Withdrawn",))
    if state == Stage2State.PAUSED and facts.holds:
        waiting.append(paused_text(facts.holds))
    if facts.change_answers:
        waiting.append(f"Changes requested: {plural(facts.change_answers, 'answer')}")
    if facts.documents_due:
        waiting.append(documents_text(facts.documents_due, today))
    if state in WITH_NHS_ENGLAND and facts.submitted_at is not None:
        since = timezone.localtime(facts.submitted_at).date()
        waiting.append(f"With NHS England since {day_text(since, today)}")
    elif state == Stage2State.DRAFT:
        waiting.append("Not sent to NHS England yet")
    elif state == Stage2State.APPROVED and facts.approved_at is not None:
        approved = timezone.localtime(facts.approved_at).date()
        waiting.append(f"Approved on {day_text(approved, today)}")
    return Standing(text, classes, tuple(waiting))


# ---------------------------------------------------------------------------- reading the facts
OPEN_HOLDS = "standing_holds"
OPEN_CHANGES = "standing_changes"
OPEN_DOCUMENTS = "standing_documents"
APPROVALS = "standing_approvals"
HAS_ANSWERS = "standing_has_answers"


def with_standing_facts(applications: QuerySet[Application]) -> QuerySet[Application]:
    """``applications`` with what ``standings_for`` needs: three prefetches and one annotation,
    so a list of any length costs five queries."""
    return applications.annotate(
        **{HAS_ANSWERS: Exists(Answer.objects.filter(response__application=OuterRef("pk")))}
    ).prefetch_related(
        Prefetch("holds", queryset=Hold.objects.filter(lifted_at__isnull=True), to_attr=OPEN_HOLDS),
        Prefetch(
            "change_requests",
            queryset=ChangeRequest.objects.filter(resubmission__isnull=True)
            .annotate(answers=Count("items"))
            .order_by("-requested_at"),
            to_attr=OPEN_CHANGES,
        ),
        Prefetch(
            "document_requests",
            queryset=DocumentRequest.objects.filter(status=DocumentRequestStatus.OPEN),
            to_attr=OPEN_DOCUMENTS,
        ),
        Prefetch(
            "stage2_transitions",
            queryset=Stage2Transition.objects.filter(to_state=Stage2State.APPROVED),
            to_attr=APPROVALS,
        ),
    )


def facts_of(application: Application) -> StandingFacts:
    """The facts of an application read through ``with_standing_facts``."""
    changes: list[ChangeRequest] = getattr(application, OPEN_CHANGES)
    open_change = changes[0] if changes and application.stage2_state in CHANGES_OPEN else None
    return StandingFacts(
        state=application.stage2_state,
        submitted_at=application.stage2_submitted_at,
        has_answers=bool(getattr(application, HAS_ANSWERS)),
        holds=getattr(application, OPEN_HOLDS),
        change_answers=getattr(open_change, "answers", None),
        documents_due=[d.due_date for d in getattr(application, OPEN_DOCUMENTS)],
        approved_at=max((t.at for t in getattr(application, APPROVALS)), default=None),
    )


def standings_for(
    applications: Iterable[Application], today: date
) -> list[tuple[Application, Standing]]:
    """Each application (read through ``with_standing_facts``) with its standing."""
    return [
        (application, standing_of(facts_of(application), today)) for application in applications
    ]


def standing_for(application: Application, today: date) -> Standing:
    """One application's standing; the caller has it from a selector scoped to the user."""
    queryset = Application.objects.filter(pk=application.pk)
    return standings_for(with_standing_facts(queryset), today)[0][1]
