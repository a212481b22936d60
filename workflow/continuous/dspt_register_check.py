"""An application's declared DSPT compared with the latest snapshot of the DSPT's published
register (issue 13, ADR 0023): verified, register differs, not in register, or no snapshot; and a
declared status higher than the register's, a flag for the reviewer.

The same comparison is made in two ways that must agree: in Python for one application's pages
(``register_check_of``), and in SQL for the reviewer's queue, which filters and shows it for a
page of applications in the queue's own query (``register_annotations``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Expression,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast

from applications.models import Application
from dspt_register.models import STATUS_RANK, DsptRegisterEntry, DsptSnapshot, RegisterStatus
from dspt_register.selectors import latest_snapshot_id_subquery
from questionnaire.engine.answers import format_date
from questionnaire.engine.conditions import MAIN_FIELD
from questionnaire.models import Answer
from workflow.continuous.dspt import DSPT_QUESTIONS, STANDARDS_MET, DsptStanding


class RegisterOutcome(StrEnum):
    VERIFIED = "verified"
    DIFFERS = "differs"
    NOT_IN_REGISTER = "not_in_register"
    NO_SNAPSHOT = "no_snapshot"

    @property
    def label(self) -> str:
        return OUTCOME_LABELS[self]


OUTCOME_LABELS = {
    RegisterOutcome.VERIFIED: "Verified",
    RegisterOutcome.DIFFERS: "Register differs",
    RegisterOutcome.NOT_IN_REGISTER: "Not in register",
    RegisterOutcome.NO_SNAPSHOT: "No register snapshot",
}


def status_label(status: str) -> str:
    try:
        return RegisterStatus(status).label
    except ValueError:
        return status or "Not answered"


def declared_higher(declared: str, register: str) -> bool:
    """The declared status is above the register's (the reviewer's flag)."""
    if declared not in STATUS_RANK or register not in STATUS_RANK:
        return False
    return STATUS_RANK[declared] > STATUS_RANK[register]  # type: ignore[index]


@dataclass(frozen=True)
class RegisterCheck:
    outcome: RegisterOutcome
    declared_status: str
    declared_published: date | None
    taken_on: date | None = None
    register_status: str = ""
    register_published: date | None = None

    @property
    def declared_higher(self) -> bool:
        return self.outcome == RegisterOutcome.DIFFERS and declared_higher(
            self.declared_status, self.register_status
        )

    @property
    def declared_text(self) -> str:
        return _value_text(self.declared_status, self.declared_published)

    @property
    def register_text(self) -> str:
        return _value_text(self.register_status, self.register_published)

    @property
    def rows(self) -> list[dict[str, Any]]:
        """The NHS summary list rows: the outcome, and what each side says when they differ."""
        rows: list[dict[str, Any]] = [
            {"key": {"text": "DSPT register check"}, "value": {"text": self.outcome.label}}
        ]
        if self.taken_on is not None:
            rows.append(
                {
                    "key": {"text": "Register checked"},
                    "value": {"text": f"As published on {format_date(self.taken_on)}"},
                }
            )
        if self.outcome == RegisterOutcome.DIFFERS:
            rows += [
                {
                    "key": {"text": "Declared in the application"},
                    "value": {"text": self.declared_text},
                },
                {
                    "key": {"text": "Published in the DSPT register"},
                    "value": {"text": self.register_text},
                },
            ]
        return rows


def _value_text(status: str, published: date | None) -> str:
    text = status_label(status)
    return f"{text}, published {format_date(published)}" if published else text


def _as_date(value: Any) -> date | None:
    # SQLite hands a date (or a date cast to text) from a subquery back as text.
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def register_compare(
    *,
    declared_status: str,
    declared_published: date | None,
    taken_on: date | None,
    register_status: str | None,
    register_published: date | None,
) -> RegisterCheck:
    """The comparison itself: ``taken_on`` is the latest snapshot's date (None: no snapshot),
    ``register_status`` the organisation's status in it (None: not in it)."""
    if taken_on is None:
        return RegisterCheck(RegisterOutcome.NO_SNAPSHOT, declared_status, declared_published)
    if register_status is None:
        return RegisterCheck(
            RegisterOutcome.NOT_IN_REGISTER, declared_status, declared_published, taken_on
        )
    same = register_status == declared_status and register_published == declared_published
    return RegisterCheck(
        RegisterOutcome.VERIFIED if same else RegisterOutcome.DIFFERS,
        declared_status,
        declared_published,
        taken_on=taken_on,
        register_status=register_status,
        register_published=register_published,
    )


def register_entry_annotations() -> dict[str, Any]:
    """Annotations of an ``Application`` queryset with the latest snapshot's date and the
    organisation's entry in it, read in that queryset's own query."""
    return {
        "dspt_snapshot_taken_on": Subquery(
            DsptSnapshot.objects.order_by("-taken_on", "-imported_at").values("taken_on")[:1]
        ),
        "dspt_register_status": _register("status"),
        "dspt_register_published": _register("published"),
    }


def register_check_annotated(
    application: Application, standing: DsptStanding | None
) -> RegisterCheck | None:
    """The check from an application read with ``register_entry_annotations`` (no query); None
    while the DSPT status has not been answered."""
    if standing is None or not standing.status:
        return None
    return register_compare(
        declared_status=standing.status,
        declared_published=standing.published,
        taken_on=_as_date(application.dspt_snapshot_taken_on),  # type: ignore[attr-defined]
        register_status=application.dspt_register_status,  # type: ignore[attr-defined]
        register_published=_as_date(application.dspt_register_published),  # type: ignore[attr-defined]
    )


def register_check_of(
    application: Application, standing: DsptStanding | None
) -> RegisterCheck | None:
    """The application's DSPT (``standing``, read for the same page) checked against the latest
    register, in one query; None while the DSPT status has not been answered. The caller fetched
    the application through a selector scoped to the user; the register is public data."""
    if standing is None or not standing.status:
        return None
    annotated = (
        Application.objects.filter(pk=application.pk)
        .annotate(**register_entry_annotations())
        .values("dspt_snapshot_taken_on", "dspt_register_status", "dspt_register_published")
        .get()
    )
    return register_compare(
        declared_status=standing.status,
        declared_published=standing.published,
        taken_on=_as_date(annotated["dspt_snapshot_taken_on"]),
        register_status=annotated["dspt_register_status"],
        register_published=_as_date(annotated["dspt_register_published"]),
    )


# --- The same comparison in SQL, for the queue.


def _declared(question_ids: list[str]) -> Subquery:
    return Subquery(
        Answer.objects.filter(response__application=OuterRef("pk"), question_id__in=question_ids)
        .annotate(text=KeyTextTransform(MAIN_FIELD, "value"))
        .values("text")[:1],
        output_field=CharField(),
    )


def _register(column: Expression | str) -> Subquery:
    entries = DsptRegisterEntry.objects.filter(
        snapshot_id=latest_snapshot_id_subquery(), ods_code=OuterRef("organisation__ods_code")
    )
    return Subquery(
        entries.annotate(column=Cast(column, CharField())).values("column")[:1],
        output_field=CharField(),
    )


def _rank(field: str) -> Case:
    return Case(
        *(When(**{field: status}, then=Value(rank)) for status, rank in STATUS_RANK.items()),
        default=Value(None),
        output_field=IntegerField(),
    )


def _declared_and_register() -> dict[str, Any]:
    statuses = [q.status for q in DSPT_QUESTIONS.values()]
    dates = [q.published for q in DSPT_QUESTIONS.values()]
    return {
        "dspt_snapshot": latest_snapshot_id_subquery(),
        "dspt_declared_status": _declared(statuses),
        "dspt_declared_published": _declared(dates),
        "dspt_register_status": _register("status"),
        "dspt_register_published": _register("published"),
    }


def _outcome() -> Case:
    same_date = Q(dspt_register_published__isnull=True, dspt_declared_published__isnull=True) | Q(
        dspt_register_published=F("dspt_declared_published")
    )
    return Case(
        When(dspt_snapshot__isnull=True, then=Value(RegisterOutcome.NO_SNAPSHOT.value)),
        When(dspt_register_status__isnull=True, then=Value(RegisterOutcome.NOT_IN_REGISTER.value)),
        When(
            Q(dspt_register_status=F("dspt_declared_status")) & same_date,
            then=Value(RegisterOutcome.VERIFIED.value),
        ),
        default=Value(RegisterOutcome.DIFFERS.value),
        output_field=CharField(),
    )


def _higher() -> Case:
    return Case(
        When(dspt_declared_rank__gt=F("dspt_register_rank"), then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )


def with_register_outcome(queryset: Any) -> Any:
    """``queryset`` (of applications) annotated with ``dspt_register_outcome`` and
    ``dspt_declared_higher``, in its own query."""
    return (
        queryset.annotate(**_declared_and_register())
        .annotate(
            dspt_declared_rank=_rank("dspt_declared_status"),
            dspt_register_rank=_rank("dspt_register_status"),
        )
        .annotate(dspt_register_outcome=_outcome(), dspt_declared_higher=_higher())
    )


# --- The daily re-check's use of the register (ADR 0023).


@dataclass(frozen=True)
class RegisterObjection:
    """The register, taken on or after the declared publication, shows the organisation below
    Standards Met while the application declares Standards Met or higher."""

    taken_on: date
    status: str
    published: date | None

    def reason(self, standing: DsptStanding) -> str:
        return (
            f"The DSPT register published on {format_date(self.taken_on)} shows your "
            f"organisation's DSPT as {_value_text(self.status, self.published)}, below "
            f"Standards Met. Your application says "
            f"{_value_text(standing.status, standing.published)}."
        )


REGISTER_HOLD_ACTION = (
    "If your organisation has published its DSPT since, update your DSPT status and publication "
    "date on your application's page. Otherwise, publish it at Standards Met or higher first."
)


def register_objection(
    standing: DsptStanding | None,
    taken_on: date | None,
    entry: tuple[str, date | None] | None,
) -> RegisterObjection | None:
    """Whether the latest register (taken on ``taken_on``; ``entry`` the organisation's status
    and publication date in it) overrides a passing declaration. A declaration below Standards
    Met is the questionnaire rules' business, a publication declared after the register was
    taken is one the register cannot know yet, and an organisation not in the register is left
    to the reviewer."""
    if standing is None or taken_on is None or entry is None:
        return None
    status, published = entry
    if not standing.at_least_standards_met or status in STANDARDS_MET:
        return None
    if standing.published is not None and standing.published > taken_on:
        return None
    return RegisterObjection(taken_on, status, published)


def register_for(ods_codes: list[str]) -> tuple[date | None, dict[str, tuple[str, date | None]]]:
    """The latest snapshot's date and these organisations' entries in it (status, publication
    date), by code: for the service's own daily job, in two queries."""
    snapshot = DsptSnapshot.objects.order_by("-taken_on", "-imported_at").first()
    if snapshot is None:
        return None, {}
    return snapshot.taken_on, register_entries_in(snapshot.pk, ods_codes)


def register_entries_in(
    snapshot_id: Any, ods_codes: list[str]
) -> dict[str, tuple[str, date | None]]:
    rows = DsptRegisterEntry.objects.filter(
        snapshot_id=snapshot_id, ods_code__in=ods_codes
    ).values_list("ods_code", "status", "published")
    return {code: (status, published) for code, status, published in rows}
