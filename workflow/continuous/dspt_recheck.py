"""The daily DSPT re-check (issue 10, ADR 0014).

Every application whose Stage 2 has been submitted (submitted, in review, changes requested,
paused or approved) has its DSPT answers judged again on ``today`` with the questionnaire's
currency rule. A lapsed publication raises a hold of origin "DSPT re-check" (the members are
told by the hold's email, the reviewer by ``dspt_lapsed``); a publication 60 and then 14 days
from lapsing warns the members, once each ever (``WarningSent``).

Batched: applications are read in pages of ``batch_size`` by primary key, each page with its
DSPT answers, open re-check holds and sent warnings in one query each, so the queries of a run
with nothing to do grow with pages, never with applications. Only an application that needs
something done is touched, in a transaction of its own: its row is locked (``skip_locked``: an
application another run holds is left to that run) and judged again inside the lock, so two
runs at once act on it once, a re-run does nothing more, and a run that dies part-way leaves
what it did done for the next run to finish."""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import date
from enum import StrEnum

from django.db import transaction
from django_tasks import task

from applications.models import Application
from applications.states import Stage2State
from audit.services import Auditor
from dspt_register.models import DsptSnapshot
from operations.runs import Job, job_run_record
from questionnaire import definitions
from questionnaire.engine.answers import format_date
from questionnaire.engine.dspt import MonthDay
from questionnaire.selectors import answer_values_for_applications
from workflow.continuous.dspt import (
    DSPT_QUESTION_IDS,
    DsptStanding,
    dspt_standing,
    dspt_warning_key,
)
from workflow.continuous.dspt_register_check import (
    REGISTER_HOLD_ACTION,
    register_entries_in,
    register_for,
    register_objection,
)
from workflow.continuous.warnings import warning_claim, warnings_sent
from workflow.models import Hold, HoldOrigin, WarningSent
from workflow.notices import notice_dspt_expiring, notice_dspt_lapsed
from workflow.state_machine.holds import hold_lift, hold_raise

logger = logging.getLogger(__name__)

RECHECKED_STATES = (
    Stage2State.SUBMITTED,
    Stage2State.IN_REVIEW,
    Stage2State.CHANGES_REQUESTED,
    Stage2State.PAUSED,
    Stage2State.APPROVED,
)
WARNING_KIND = "dspt"
REGISTER_HOLD_LIFTED = (
    "Your organisation's DSPT is current and at Standards Met or higher, and the DSPT register "
    "no longer shows it below."
)
BATCH_SIZE = 1000


class Outcome(StrEnum):
    HOLD = "hold"
    LIFTED = "lifted"
    WARNING = "warning"
    NOTHING = "nothing"
    SKIPPED = "skipped"


@dataclass
class RecheckSummary:
    checked: int = 0
    holds_raised: int = 0
    holds_lifted: int = 0
    warnings_sent: int = 0
    # Locked by another run at that moment (it acts on them), or no longer re-checked.
    skipped: int = 0

    def __str__(self) -> str:
        return (
            f"Checked {self.checked}, holds raised {self.holds_raised}, "
            f"holds lifted {self.holds_lifted}, warnings sent {self.warnings_sent}, "
            f"skipped {self.skipped}."
        )


def _rechecked() -> object:
    # Paused drafts are the questionnaire's own business (its rule holds): only applications
    # that have been submitted at least once.
    return Application.objects.filter(
        stage2_state__in=RECHECKED_STATES, stage2_submitted_at__isnull=False
    )


def lapse_reason(standing: DsptStanding, deadline: MonthDay) -> str:
    assert standing.published is not None and standing.lapses_on is not None
    yearly = format_date(deadline.in_year(2000)).removesuffix(" 2000")
    if standing.lapses_on > standing.today:  # dated in the future: not yet a publication
        return (
            f"Your organisation's DSPT publication date, {format_date(standing.published)}, "
            "is after today, so it is not a current publication."
        )
    return (
        f"Your organisation's DSPT publication of {format_date(standing.published)} lapsed on "
        f"{format_date(standing.lapses_on)}. The DSPT must be published every year by "
        f"{yearly}."
    )


def dspt_recheck(today: date, *, batch_size: int = BATCH_SIZE) -> RecheckSummary:
    """Re-check every submitted application's DSPT on ``today``. Safe to run again, or twice at
    once: see the module's docstring."""
    deadline = definitions.dspt_deadline()
    summary = RecheckSummary()
    snapshot = DsptSnapshot.objects.order_by("-taken_on", "-imported_at").first()
    after = None
    while True:
        page = _rechecked().order_by("pk")
        if after is not None:
            page = page.filter(pk__gt=after)
        rows = list(page.values_list("pk", "role", "organisation__ods_code")[:batch_size])
        if not rows:
            break
        after = rows[-1][0]
        ids = [pk for pk, _, _ in rows]
        codes = {pk: code for pk, _, code in rows}
        register = register_entries_in(snapshot.pk, list(set(codes.values()))) if snapshot else {}
        answers = answer_values_for_applications(ids, DSPT_QUESTION_IDS)
        held = set(
            Hold.objects.filter(
                application_id__in=ids, origin=HoldOrigin.DSPT_RECHECK, lifted_at__isnull=True
            ).values_list("application_id", flat=True)
        )
        standings = {
            pk: standing
            for pk, role, _ in rows
            if (standing := dspt_standing(role, answers.get(pk, {}), today, deadline))
        }
        keys = {
            pk: dspt_warning_key(pk, s.published)
            for pk, s in standings.items()
            if s.published is not None and s.current and s.warning_due(set()) is not None
        }
        sent: dict[str, set[int]] = {}
        for key, threshold in warnings_sent(kind=WARNING_KIND, keys=keys.values()):
            sent.setdefault(key, set()).add(threshold)
        for pk, standing in standings.items():
            objection = register_objection(
                standing, snapshot.taken_on if snapshot else None, register.get(codes[pk])
            )
            if standing.lapsed or objection:
                due = pk not in held
            elif pk in held and standing.acceptable:
                due = True  # the register raised it, and no longer objects: lift it
            else:
                due = pk in keys and standing.warning_due(sent.get(keys[pk], set())) is not None
            if due:
                _count(summary, recheck_application(pk, today=today, deadline=deadline))
        summary.checked += len(rows)
    Auditor(None).record(
        action="dspt.recheck", obj=None, after={"date": today.isoformat(), **asdict(summary)}
    )
    logger.info("DSPT re-check for %s: %s", today, summary)
    job_run_record(Job.DSPT_RECHECK)
    return summary


def _count(summary: RecheckSummary, outcome: Outcome) -> None:
    if outcome == Outcome.HOLD:
        summary.holds_raised += 1
    elif outcome == Outcome.LIFTED:
        summary.holds_lifted += 1
    elif outcome == Outcome.WARNING:
        summary.warnings_sent += 1
    elif outcome == Outcome.SKIPPED:
        summary.skipped += 1


@transaction.atomic
def recheck_application(application_id: object, *, today: date, deadline: MonthDay) -> Outcome:
    """Judge one application again with its row locked, and act: raise the hold (a lapsed
    publication, or the register's objection), lift a hold the register raised once neither
    holds, or send the warning due. Nothing if another run holds the row, or has already done
    it."""
    application = (
        _rechecked()
        .select_for_update(skip_locked=True, of=("self",))
        .select_related("organisation")
        .filter(pk=application_id)
        .first()
    )
    if application is None:
        return Outcome.SKIPPED
    answers = answer_values_for_applications([application.pk], DSPT_QUESTION_IDS)
    standing = dspt_standing(application.role, answers.get(application.pk, {}), today, deadline)
    if standing is None or standing.published is None or standing.lapses_on is None:
        return Outcome.NOTHING
    code = application.organisation.ods_code
    taken_on, register = register_for([code])
    objection = register_objection(standing, taken_on, register.get(code))
    open_holds = application.holds.filter(origin=HoldOrigin.DSPT_RECHECK, lifted_at__isnull=True)
    if not standing.lapsed and objection is not None:
        if open_holds.exists():
            return Outcome.NOTHING
        hold_raise(
            application=application,
            origin=HoldOrigin.DSPT_RECHECK,
            reason=objection.reason(standing),
            action=REGISTER_HOLD_ACTION,
            actor=None,
        )
        return Outcome.HOLD
    if not standing.lapsed and standing.acceptable and open_holds.exists():
        for hold in open_holds:
            hold.application = application
            hold_lift(hold=hold, actor=None, reason=REGISTER_HOLD_LIFTED)
        return Outcome.LIFTED
    if standing.lapsed:
        if open_holds.exists():
            return Outcome.NOTHING
        hold_raise(
            application=application,
            origin=HoldOrigin.DSPT_RECHECK,
            reason=lapse_reason(standing, deadline),
            action="Publish this year's DSPT, then update your DSPT status and publication date "
            "on your application's page.",
            actor=None,
        )
        notice_dspt_lapsed(
            application=application,
            published=standing.published,
            lapsed_on=min(standing.lapses_on, today),
        )
        return Outcome.HOLD
    key = dspt_warning_key(application.pk, standing.published)
    sent = set(
        WarningSent.objects.filter(kind=WARNING_KIND, key=key).values_list("threshold", flat=True)
    )
    threshold = standing.warning_due(sent)
    if threshold is None or not warning_claim(
        kind=WARNING_KIND, key=key, threshold=threshold, application=application
    ):
        return Outcome.NOTHING
    days_left = standing.days_left or 0
    notice_dspt_expiring(
        application=application,
        published=standing.published,
        lapses_on=standing.lapses_on,
        days_left=days_left,
    )
    Auditor(None).record(
        action="dspt.warning",
        obj=application,
        subject=f"{threshold} days",
        organisation=application.organisation,
        after={
            "published": standing.published.isoformat(),
            "lapses_on": standing.lapses_on.isoformat(),
            "threshold": threshold,
            "days_left": days_left,
        },
    )
    return Outcome.WARNING


@task()
def dspt_recheck_task(day: str = "") -> dict[str, int]:
    """The background task: the re-check for ``day`` (ISO date), today by default."""
    today = date.fromisoformat(day) if day else definitions.today()
    return asdict(dspt_recheck(today))
