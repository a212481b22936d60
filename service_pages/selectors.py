"""Reads for the service pages. Feedback is for administrators only."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from accounts.models import User
from accounts.refusals import not_an_administrator
from accounts.rules import can_administer

from .models import Feedback


def feedback_for(user: User | AnonymousUser) -> QuerySet[Feedback]:
    """Every piece of feedback, newest first, for an administrator; nobody else may read it."""
    if not can_administer(user):
        raise not_an_administrator(user)
    return Feedback.objects.order_by("-received_at")
