"""What lets a session set up a new authenticator app in place of the one a person has: a code
from the current app, or a recovery code, accepted in this session a moment ago (issue 22).

The session keeps only when that was; two_factor.services.replacement_confirmed judges whether it
still counts (within REPLACE_CONFIRMED_FOR, and since the current app was set up, so one check
allows one new app). Another session of the same person gains nothing from it."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.http import HttpRequest
from django.utils import timezone

if TYPE_CHECKING:
    from accounts.models import User

REPLACE_CONFIRMED_KEY = "two_factor_replace_confirmed"


def replace_confirmed_remember(request: HttpRequest, user: User) -> None:
    """The current factor was accepted just now, for replacing the app."""
    request.session[REPLACE_CONFIRMED_KEY] = {"user": user.pk, "at": timezone.now().isoformat()}


def replace_confirmed_at(request: HttpRequest, user: User) -> datetime | None:
    """When this session had `user`'s current factor accepted for replacing the app, if ever."""
    kept = request.session.get(REPLACE_CONFIRMED_KEY)
    if not isinstance(kept, dict) or kept.get("user") != user.pk:
        return None
    try:
        return datetime.fromisoformat(str(kept.get("at")))
    except ValueError:
        return None


def replace_confirmed_forget(request: HttpRequest) -> None:
    request.session.pop(REPLACE_CONFIRMED_KEY, None)
