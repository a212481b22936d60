"""The DSPT of an application as the service sees it on a given day: its status, publication
date, the day the publication lapses and the days left. The currency rule is the questionnaire
engine's (``questionnaire.engine.dspt``): this only reads the two answers and asks it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from applications.models import Application
from applications.states import Role, Stage2State
from questionnaire import definitions
from questionnaire.engine.answers import format_date
from questionnaire.engine.conditions import MAIN_FIELD
from questionnaire.engine.dspt import (
    MonthDay,
    dspt_publication_is_current,
    dspt_publication_lapses_on,
)
from questionnaire.models import AnswerRevision
from questionnaire.selectors import (
    answer_values_for_applications,
    response_definition,
    response_for,
)


@dataclass(frozen=True)
class DsptQuestions:
    status: str
    published: str


# The two DSPT questions of each role's questionnaire.
DSPT_QUESTIONS = {
    Role.SUPPLIER: DsptQuestions("s_dspt_status", "s_dspt_published"),
    Role.CONTROLLER: DsptQuestions("c_dspt_status", "c_dspt_published"),
}
DSPT_QUESTION_IDS = [q for pair in DSPT_QUESTIONS.values() for q in (pair.status, pair.published)]
# DSPT statuses that let onboarding go on.
STANDARDS_MET = frozenset({"standards_met", "standards_exceeded"})
# Days before a publication lapses on which the members are warned, once each.
WARNING_DAYS = (60, 14)


@dataclass(frozen=True)
class DsptStanding:
    status: str
    published: date | None
    today: date
    lapses_on: date | None
    current: bool

    @property
    def lapsed(self) -> bool:
        """A publication date is recorded and it is not current today."""
        return self.published is not None and not self.current

    @property
    def days_left(self) -> int | None:
        """Days until the publication lapses (0 or less once it has)."""
        return None if self.lapses_on is None else (self.lapses_on - self.today).days

    @property
    def at_least_standards_met(self) -> bool:
        return self.status in STANDARDS_MET

    @property
    def acceptable(self) -> bool:
        """Current, at Standards Met or higher: what lifts the re-check's hold."""
        return self.current and self.at_least_standards_met

    def warning_due(self, sent: set[int]) -> int | None:
        """The warning to send today, given the thresholds already sent for this publication:
        the most urgent one reached, unless it or a more urgent one has been sent. A run that
        missed days sends only the most urgent warning, never an out-of-date one after it."""
        days_left = self.days_left
        if not self.current or days_left is None:
            return None
        reached = [days for days in WARNING_DAYS if days_left <= days]
        if not reached:
            return None
        threshold = min(reached)
        if any(days <= threshold for days in sent):
            return None
        return threshold


def dspt_standing(
    role: str, answers: Mapping[str, Mapping[str, object]], today: date, deadline: MonthDay
) -> DsptStanding | None:
    """The DSPT standing from an application's stored answers, or None when the role has no
    DSPT questions (no role chosen yet)."""
    questions = DSPT_QUESTIONS.get(role)  # type: ignore[call-overload]
    if questions is None:
        return None
    status = str((answers.get(questions.status) or {}).get(MAIN_FIELD) or "")
    raw = (answers.get(questions.published) or {}).get(MAIN_FIELD)
    published = date.fromisoformat(raw) if isinstance(raw, str) and raw else None
    if published is None or status == "not_published":
        return DsptStanding(status, None, today, None, current=False)
    return DsptStanding(
        status=status,
        published=published,
        today=today,
        lapses_on=dspt_publication_lapses_on(published, deadline),
        current=dspt_publication_is_current(published, today, deadline),
    )


def dspt_warning_key(application_id: object, published: date) -> str:
    """The ``WarningSent`` key of a DSPT warning: one set of warnings per publication."""
    return f"{application_id}:{published.isoformat()}"


# --- Reads for the pages. Callers pass an application fetched through a selector scoped to the
# user, so these never widen what a user can see.


def dspt_questions_of(application: Application) -> DsptQuestions | None:
    return DSPT_QUESTIONS.get(application.role)  # type: ignore[call-overload]


def dspt_standing_of(application: Application, today: date) -> DsptStanding | None:
    """The application's DSPT as the service sees it on ``today``."""
    answers = answer_values_for_applications([application.pk], DSPT_QUESTION_IDS)
    return dspt_standing(
        application.role, answers.get(application.pk, {}), today, definitions.dspt_deadline()
    )


def dspt_updatable(application: Application) -> bool:
    """The applicant updates the DSPT on its own page once Stage 2 has been submitted (approved
    too), until the application is withdrawn; in draft, on the question pages."""
    return (
        application.stage2_submitted_at is not None
        and application.stage2_state != Stage2State.WITHDRAWN
        and dspt_questions_of(application) is not None
    )


@dataclass(frozen=True)
class DsptSummary:
    standing: DsptStanding
    status_label: str

    @property
    def rows(self) -> list[dict[str, Any]]:
        """The NHS summary list rows: status, publication date, when it lapses, days left."""
        s = self.standing
        rows: list[dict[str, Any]] = [
            {"key": {"text": "DSPT status"}, "value": {"text": self.status_label or "Not answered"}}
        ]
        if s.published is None or s.lapses_on is None:
            return rows
        if s.current:
            left = s.days_left or 0
            standing = f"Current: {left} day{'' if left == 1 else 's'} left"
            lapse_key = "Lapses on"
        elif s.lapses_on <= s.today:
            standing = f"Lapsed on {format_date(s.lapses_on)}"
            lapse_key = "Lapsed on"
        else:
            standing = "Not current: the publication date is after today"
            lapse_key = "Lapses on"
        return [
            *rows,
            {"key": {"text": "Publication date"}, "value": {"text": format_date(s.published)}},
            {"key": {"text": lapse_key}, "value": {"text": format_date(s.lapses_on)}},
            {"key": {"text": "Today"}, "value": {"text": standing}},
        ]


def dspt_summary(application: Application, today: date) -> DsptSummary | None:
    questions = dspt_questions_of(application)
    standing = dspt_standing_of(application, today)
    if questions is None or standing is None:
        return None
    definition = response_definition(response_for(application))
    option = definition.question(questions.status).option(standing.status)
    return DsptSummary(standing, option.label if option else "")


def dspt_for_review(
    application: Application, *, submitted_at: Any, definition: Any, today: date
) -> tuple[DsptSummary | None, list[AnswerRevision]]:
    """NHS England's page, in one query: the DSPT as it stands today (from the latest revision
    of each DSPT answer, which is the stored answer) and the revisions made since the latest
    submission (``submitted_at``; None before any), with who made them."""
    questions = dspt_questions_of(application)
    if questions is None:
        return None, []
    revisions = list(
        AnswerRevision.objects.filter(
            response__application=application,
            question_id__in=(questions.status, questions.published),
        )
        .select_related("answered_by")
        .order_by("revision", "pk")
    )
    latest = {revision.question_id: revision for revision in revisions}
    answers = {
        qid: revision.value
        for qid, revision in latest.items()
        if revision.change == "set" and revision.value is not None
    }
    standing = dspt_standing(application.role, answers, today, definitions.dspt_deadline())
    if standing is None:
        return None, []
    option = definition.question(questions.status).option(standing.status)
    updates = (
        sorted(
            (r for r in revisions if r.answered_at > submitted_at),
            key=lambda r: (r.answered_at, r.pk),
        )
        if submitted_at is not None
        else []
    )
    return DsptSummary(standing, option.label if option else ""), updates
