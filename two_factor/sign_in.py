"""The sign-in flow's second step (ADR 0010).

The password step (accounts.views.sign_in) checks only the password, then hands over here:
- someone with an authenticator app is held *pending*: their id, where they were going and when
  are kept in the (anonymous) session, and they are not signed in: `request.user` stays anonymous
  and no page behind sign-in opens, until a code from the app or a recovery code is accepted;
- someone with no app but a passkey is held the same way, for the passkey (ADR 0043);
- someone who must use two-factor (staff, or everyone under TWO_FACTOR_REQUIRED_FOR_ALL) but has
  no app yet is held pending the same way, and sets it up before their session starts;
- anyone else is signed in, and asked to set it up, with "Do this later".

Signing in at the end goes through accounts.services.user_sign_in, whose login() gives the
session a new key, so the key used while pending is never the signed-in one."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from accounts.services import user_sign_in

from .rules import two_factor_required
from .selectors import has_passkey, has_two_factor

if TYPE_CHECKING:
    from accounts.models import User

PENDING_KEY = "two_factor_pending"
# A pending sign-in is forgotten after this long: the password must be entered again.
PENDING_FOR_SECONDS = 10 * 60


class Waiting(StrEnum):
    CODE = "code"  # for a code from the app, or a recovery code
    SET_UP = "set_up"  # for a required authenticator app to be set up


def sign_in_continue(request: HttpRequest, *, user: User, next_url: str) -> HttpResponse:
    """After a right password: hold the person pending their second step, or sign them in."""
    if has_two_factor(user):
        _hold(request, user=user, waiting=Waiting.CODE, next_url=next_url)
        return redirect("two_factor:sign_in")
    if has_passkey(user):
        # No app, but a passkey (ADR 0043): that is the second step.
        _hold(request, user=user, waiting=Waiting.CODE, next_url=next_url)
        return redirect("two_factor:sign_in_passkey")
    if two_factor_required(user):
        _hold(request, user=user, waiting=Waiting.SET_UP, next_url=next_url)
        return redirect("two_factor:set_up")
    user_sign_in(request=request, user=user)
    query = urlencode({"next": next_url}) if next_url else ""
    return redirect(reverse("two_factor:set_up") + (f"?{query}" if query else ""))


def _hold(request: HttpRequest, *, user: User, waiting: Waiting, next_url: str) -> None:
    request.session.cycle_key()
    request.session[PENDING_KEY] = {
        "user": user.pk,
        "waiting": waiting.value,
        "next": next_url,
        "since": int(timezone.now().timestamp()),
        "auth_hash": user.get_session_auth_hash(),
    }


def pending_user(request: HttpRequest, waiting: Waiting) -> User | None:
    """The person whose password was accepted in this browser, waiting for this step; None when
    nobody is, or it is too old, or their password changed since, or they were deactivated."""
    pending = request.session.get(PENDING_KEY)
    if not isinstance(pending, dict) or pending.get("waiting") != waiting.value:
        return None
    since = pending.get("since")
    if not isinstance(since, int) or timezone.now().timestamp() - since > PENDING_FOR_SECONDS:
        return None
    user = get_user_model().objects.filter(pk=pending.get("user"), is_active=True).first()
    if user is None or not constant_time_compare(
        str(pending.get("auth_hash", "")), user.get_session_auth_hash()
    ):
        return None
    return user  # type: ignore[return-value]


def pending_next(request: HttpRequest) -> str:
    pending = request.session.get(PENDING_KEY)
    return str(pending.get("next") or "") if isinstance(pending, dict) else ""


def sign_in_complete(request: HttpRequest, *, user: User) -> str:
    """The second step is done: start the session (a new session key) and forget the pending
    state. Returns where the person was going."""
    next_url = pending_next(request)
    request.session.pop(PENDING_KEY, None)
    user_sign_in(request=request, user=user)
    return next_url
