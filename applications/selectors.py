"""Reads of applications, always scoped to what the user may see."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet
from django.http import Http404

from accounts.models import User
from accounts.rules import is_applicant

from .models import Application


def applications_visible_to(user: User) -> QuerySet[Application]:
    """Applicants see their own organisation's applications; nobody else sees any yet."""
    if is_applicant(user):
        return Application.objects.filter(organisation_id=user.membership.organisation_id)
    return Application.objects.none()


def application_get_for_user(*, user: User, application_id: uuid.UUID) -> Application:
    """The application, or 404 when it does not exist or the user may not see it, so that a
    URL never reveals whether another organisation's application exists."""
    try:
        return applications_visible_to(user).select_related("organisation").get(pk=application_id)
    except Application.DoesNotExist as exc:
        raise Http404 from exc
