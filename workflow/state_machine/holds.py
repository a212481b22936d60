"""Holds: every reason Stage 2 is paused, whoever raised it. Stage 2 is paused while any hold is
open and returns to the state it paused from when the last one is lifted.

Each origin lifts only its own holds. A rule hold is lifted only by answers that no longer
trigger its rule (``holds_sync_rules``); a reviewer's hold only by a reviewer (``hold_lift``).
Every function here is called with the application row locked."""

from __future__ import annotations

from django.utils import timezone

from accounts.models import User
from accounts.rules import can_review
from applications.models import Application
from applications.states import Stage2State
from audit.services import Auditor
from questionnaire.engine.rules import Evaluation
from workflow.models import Hold, HoldOrigin
from workflow.notices import notice_hold_lifted, notice_hold_raised
from workflow.selectors import stage2_latest_pause
from workflow.state_machine.transitions import stage2_touch, stage2_transition

RULE_HOLD_LIFTED = "The answers no longer pause onboarding."


class HoldNotLiftable(Exception):
    """This actor may not lift this hold (wrong origin, or it is already lifted)."""


def hold_raise(
    *,
    application: Application,
    origin: str,
    reason: str,
    action: str = "",
    actor: User | None,
    rule_id: str = "",
) -> Hold:
    """Open a hold and pause Stage 2 if it is not paused already."""
    if origin == HoldOrigin.REVIEWER and not can_review(actor):
        raise PermissionError("Only NHS England reviewers can pause onboarding")
    hold = Hold.objects.create(
        application=application,
        origin=origin,
        rule_id=rule_id,
        reason=reason,
        action=action,
        raised_by=actor,
    )
    Auditor(actor).record(
        action="hold.raise",
        obj=hold,
        subject=rule_id or origin,
        organisation=application.organisation,
        after={"origin": origin, "reason": reason, "rule_id": rule_id},
    )
    if application.stage2_state != Stage2State.PAUSED:
        stage2_transition(
            application=application, to_state=Stage2State.PAUSED, actor=actor, reason=reason
        )
    else:
        stage2_touch(application)
    notice_hold_raised(application=application, hold=hold)
    return hold


def hold_lift(*, hold: Hold, actor: User | None, reason: str) -> None:
    """Lift a reviewer's hold (only a reviewer may), or any other hold on behalf of the part of
    the service that owns its origin. Resumes Stage 2 when no hold is left open."""
    if not hold.is_open:
        raise HoldNotLiftable("This hold has already been lifted")
    if hold.origin == HoldOrigin.RULE:
        raise HoldNotLiftable("A rule's hold is lifted only by answers that no longer trigger it")
    if hold.origin == HoldOrigin.REVIEWER and not can_review(actor):
        raise HoldNotLiftable("Only NHS England reviewers can lift a reviewer's hold")
    _lift(hold, actor, reason)
    if not stage2_resume_if_clear(application=hold.application, actor=actor):
        stage2_touch(hold.application)


def _lift(hold: Hold, actor: User | None, reason: str) -> None:
    hold.lifted_by = actor
    hold.lifted_at = timezone.now()
    hold.lift_reason = reason
    hold.save(update_fields=["lifted_by", "lifted_at", "lift_reason"])
    Auditor(actor).record(
        action="hold.lift",
        obj=hold,
        subject=hold.rule_id or hold.origin,
        organisation=hold.application.organisation,
        before={"origin": hold.origin, "reason": hold.reason},
        after={"lift_reason": reason},
    )
    notice_hold_lifted(application=hold.application, hold=hold)


def holds_sync_rules(*, application: Application, evaluation: Evaluation, actor: User) -> None:
    """Make the open rule holds match the pause rules the answers trigger now: raise a hold for
    each newly triggered rule and lift each whose rule no longer applies. Never touches a hold of
    any other origin."""
    if not evaluation.pauses and application.stage2_state != Stage2State.PAUSED:
        # Nothing to raise, and nothing to lift: a hold is open only while Stage 2 is paused
        # (this module's first rule), so there is none to read (issue 12: most answers pause
        # nothing).
        return
    open_rule_holds = {
        hold.rule_id: hold
        for hold in application.holds.filter(origin=HoldOrigin.RULE, lifted_at__isnull=True)
    }
    pausing = {rule.id: rule for rule in evaluation.pauses}
    for rule_id, hold in open_rule_holds.items():
        if rule_id not in pausing:
            hold.application = application
            _lift(hold, actor, RULE_HOLD_LIFTED)
    for rule_id, rule in pausing.items():
        if rule_id not in open_rule_holds:
            hold_raise(
                application=application,
                origin=HoldOrigin.RULE,
                reason=rule.reason,
                action=rule.action or "",
                actor=actor,
                rule_id=rule_id,
            )
    stage2_resume_if_clear(application=application, actor=actor)


def stage2_resume_if_clear(*, application: Application, actor: User | None) -> bool:
    """Return Stage 2 to the state it paused from once no hold is open. True if it resumed."""
    if application.stage2_state != Stage2State.PAUSED:
        return False
    if application.holds.filter(lifted_at__isnull=True).exists():
        return False
    pause = stage2_latest_pause(application)
    stage2_transition(
        application=application,
        to_state=pause.from_state if pause else Stage2State.DRAFT,
        actor=actor,
        reason="Resumed: every reason for the pause has been dealt with.",
    )
    return True
