"""Reads for the NHS number checker, scoped to the user."""

from __future__ import annotations

import uuid

from django.http import Http404

from accounts.models import User
from applications.models import Application
from applications.selectors import application_get_for_member
from applications.states import Role


def controller_application_get_for_member(*, user: User, application_id: uuid.UUID) -> Application:
    """A Data Controller's application, for a member of its organisation; else 404 (another
    organisation's, a supplier's, or one whose role is not chosen yet)."""
    application = application_get_for_member(user=user, application_id=application_id)
    if application.role != Role.CONTROLLER:
        raise Http404
    return application
