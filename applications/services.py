"""Writes for applications and their Stage 2 state. Each records an audit entry."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.rules import is_applicant
from audit.services import Auditor

from .models import Application, Stage2Transition
from .selectors import stage2_latest_pause
from .states import ALLOWED_TRANSITIONS, Stage2State


class TransitionNotAllowed(Exception):
    pass


@transaction.atomic
def application_create(*, actor: User, scope: str) -> Application:
    """Start an application for the actor's organisation, in draft, with its Stage 2 response
    pinned to the current questionnaire version."""
    from questionnaire.services import response_create

    if not is_applicant(actor):
        raise PermissionError("Only members of an organisation can start an application")
    organisation = actor.membership.organisation
    application = Application.objects.create(
        organisation=organisation, scope=scope, created_by=actor
    )
    Auditor(actor).record(
        action="application.create",
        obj=application,
        organisation=organisation,
        after={"reference": application.reference, "scope": scope},
    )
    response_create(application=application, actor=actor)
    return application


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
    fields = ["stage2_state", "updated_at"]
    if to_state == Stage2State.SUBMITTED:
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


def stage2_apply_pause(
    *, application: Application, pause_reasons: list[str], actor: User | None
) -> None:
    """Pause Stage 2 when rules say so, and resume it when they no longer do.

    Resuming returns to the state that was paused. Called with the application row locked."""
    if pause_reasons and application.stage2_state != Stage2State.PAUSED:
        stage2_transition(
            application=application,
            to_state=Stage2State.PAUSED,
            actor=actor,
            reason=" ".join(pause_reasons),
        )
    elif not pause_reasons and application.stage2_state == Stage2State.PAUSED:
        pause = stage2_latest_pause(application)
        resume_to = pause.from_state if pause else Stage2State.DRAFT
        stage2_transition(
            application=application,
            to_state=resume_to,
            actor=actor,
            reason="Resumed: the cause of the pause has been corrected.",
        )


def application_lock(application: Application) -> Application:
    """Re-read the application with its row locked for the rest of the transaction."""
    return (
        Application.objects.select_for_update()
        .select_related("organisation")
        .get(pk=application.pk)
    )
