"""Reads of the Stage 2 workflow. Callers pass an application already fetched through a selector
scoped to the user (``applications.selectors``), so these never widen what a user can see."""

from __future__ import annotations

from applications.models import Application, Stage2Transition
from applications.states import Stage2State
from questionnaire.engine.journey import Journey
from questionnaire.engine.rules import Evaluation

from .models import Hold
from .states import EDITABLE_STATES, SUBMITTABLE_STATES


def stage2_latest_pause(application: Application) -> Stage2Transition | None:
    """The transition into the current pause, or None when Stage 2 is not paused."""
    if application.stage2_state != Stage2State.PAUSED:
        return None
    return (
        application.stage2_transitions.filter(to_state=Stage2State.PAUSED).order_by("-at", "-pk")
    ).first()


def stage2_working_state(application: Application) -> str:
    """The state Stage 2 is in, or, while paused, the state the pause paused. What the applicant
    may do follows from this: a pause never makes more editable than the state it paused."""
    if application.stage2_state != Stage2State.PAUSED:
        return application.stage2_state
    pause = stage2_latest_pause(application)
    return pause.from_state if pause else Stage2State.DRAFT


def answers_editable(application: Application) -> bool:
    return stage2_working_state(application) in EDITABLE_STATES


def holds_open(application: Application) -> list[Hold]:
    return list(application.holds.filter(lifted_at__isnull=True).select_related("raised_by"))


def holds_all(application: Application) -> list[Hold]:
    return list(application.holds.select_related("raised_by", "lifted_by"))


def submission_ready(application: Application, journey: Journey, evaluation: Evaluation) -> bool:
    """The one test of whether Stage 2 can be submitted now: in a submittable state (not
    paused), every question on the route answered, and no answer that blocks or pauses."""
    return (
        application.stage2_state in SUBMITTABLE_STATES
        and journey.is_complete()
        and not evaluation.blocks
        and not evaluation.pauses
    )
