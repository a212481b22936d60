"""The one way Stage 2 changes state."""

from __future__ import annotations

from django.utils import timezone

from accounts.models import User
from applications.models import Application, Stage2Transition
from applications.states import Stage2State
from audit.services import Auditor
from workflow.state_machine.states import ALLOWED_TRANSITIONS


class TransitionNotAllowed(Exception):
    pass


def stage2_transition(
    *, application: Application, to_state: str, actor: User | None, reason: str
) -> Stage2Transition:
    """Move Stage 2 to ``to_state``, appending a transition row and an audit entry.

    The caller holds the application row lock inside its transaction, so the state read here is
    the state being changed."""
    from_state = application.stage2_state
    if to_state not in ALLOWED_TRANSITIONS[from_state]:
        raise TransitionNotAllowed(f"Stage 2 cannot go from {from_state} to {to_state}")
    transition = Stage2Transition.objects.create(
        application=application,
        from_state=from_state,
        to_state=to_state,
        actor=actor,
        reason=reason,
    )
    application.stage2_state = to_state
    application.stage2_version += 1
    fields = ["stage2_state", "stage2_version", "updated_at"]
    # Resuming a pause into "submitted" is not a new submission.
    if to_state == Stage2State.SUBMITTED and from_state != Stage2State.PAUSED:
        application.stage2_submitted_at = timezone.now()
        fields.append("stage2_submitted_at")
    application.save(update_fields=fields)
    Auditor(actor).record(
        action="application.stage2_transition",
        obj=application,
        organisation=application.organisation,
        before={"state": from_state},
        after={"state": to_state, "reason": reason},
    )
    return transition


def stage2_touch(application: Application) -> None:
    """Record that a decision changed the application without changing its state (a takeover,
    a hold on an already paused Stage 2), so pages opened before it are stale."""
    application.stage2_version += 1
    application.save(update_fields=["stage2_version", "updated_at"])
