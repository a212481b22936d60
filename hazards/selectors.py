"""Reads of hazard logs, scoped to the user: the application's members, and NHS England staff for
an application they can review; anyone else gets a 404."""

from __future__ import annotations

import uuid

from django.shortcuts import get_object_or_404

from accounts.models import User
from applications.models import Application
from applications.selectors import application_get_for_member, application_get_for_reviewer

from .models import Hazard, HazardLog
from .risk import RISK_NEEDS_JUSTIFICATION, risk_tag


def hazard_application_get_for_member(*, user: User, application_id: uuid.UUID) -> Application:
    return application_get_for_member(user=user, application_id=application_id)


def hazard_application_get_for_reviewer(*, user: User, application_id: uuid.UUID) -> Application:
    return application_get_for_reviewer(user=user, application_id=application_id)


def hazard_log_of(application: Application) -> HazardLog | None:
    return HazardLog.objects.filter(application=application).select_related("approved_by").first()


def hazards_of(application: Application) -> list[Hazard]:
    return list(Hazard.objects.filter(log__application=application).order_by("position"))


def hazard_get(*, application: Application, hazard_id: uuid.UUID) -> Hazard:
    """One of the application's hazards (the application already scoped to the user); a hazard
    of any other application, another organisation's too, is a 404."""
    return get_object_or_404(Hazard, log__application=application, pk=hazard_id)


def hazard_rows(hazards: list[Hazard]) -> list[dict[str, object]]:
    """The hazards as the table shows them (hazards/_table.jinja), each with its risk tags."""
    return [
        {
            "hazard": h,
            "initial_tag": risk_tag(h.initial_risk),
            "residual_tag": risk_tag(h.residual_risk),
            "needs_justification": h.residual_risk >= RISK_NEEDS_JUSTIFICATION
            and not h.justification.strip(),
        }
        for h in hazards
    ]
