"""Middleware for signed-in pages: no caching of what they show, and keeping an answer that was
posted after the session ended."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control

from .kept_answers import KEEPS_ANSWERS_FOR, answer_keep


class NoStoreWhenSignedInMiddleware:
    """Tell browsers and proxies not to store any page shown to a signed-in user.

    On a shared computer, after sign-out, the back button must not show someone's answers from
    the browser's cache. The response that signs someone in or out counts too: the user was
    signed in either before or after the view ran."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        signed_in_before = request.user.is_authenticated
        response = self.get_response(request)
        if signed_in_before or request.user.is_authenticated:
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
        return response


class LoginRequiredKeepingAnswersMiddleware(LoginRequiredMiddleware):
    """Django's LoginRequiredMiddleware, except that an answer posted to a question page after
    the session ended is kept in the new session, for the page to offer back after sign-in
    (accounts/kept_answers.py), instead of being thrown away with the redirect."""

    def handle_no_permission(self, request: HttpRequest, view_func: Any) -> HttpResponse:
        match = request.resolver_match
        if request.method == "POST" and match is not None and match.view_name in KEEPS_ANSWERS_FOR:
            answer_keep(request)
        return super().handle_no_permission(request, view_func)


REFRESHED_KEY = "_idle_refreshed_at"


def session_refresh_interval() -> int:
    """How often a signed-in session's expiry is moved on: once a minute, or more often for a
    short idle limit. The idle limit holds to within this many seconds."""
    return max(1, min(60, settings.SESSION_COOKIE_AGE // 10))


class SessionIdleRefreshMiddleware:
    """Make SESSION_COOKIE_AGE an idle limit without writing the session on every request.

    Saving a session moves its expiry on. Django's SESSION_SAVE_EVERY_REQUEST would write it on
    every page; this writes it only when the last write is older than the refresh interval, so
    a reviewer paging through the queue costs one session write a minute, not one a page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(timezone.now().timestamp())
            last = request.session.get(REFRESHED_KEY, 0)
            if isinstance(last, int) and last and now - last >= settings.SESSION_COOKIE_AGE:
                # At the idle limit. The session store's own expiry says so too, but a
                # session read through a cache (ADR 0027) is only as exact as the cache's
                # timeout: the limit is kept here, by the session's own clock. In whole
                # seconds, as the page's countdown (session_seconds_left) counts: when a page
                # would be told 0 seconds are left, the session has ended, so a browser whose
                # countdown has run out is never sent back to a page that is still signed in.
                request.session.flush()
                request.user = AnonymousUser()
            elif not isinstance(last, int) or now - last >= session_refresh_interval():
                request.session[REFRESHED_KEY] = now
        return self.get_response(request)


def session_clock_start(sender: Any, request: HttpRequest | None, **kwargs: Any) -> None:
    """At sign-in: the idle limit counts from now (SessionIdleRefreshMiddleware)."""
    if request is not None and hasattr(request, "session"):
        request.session[REFRESHED_KEY] = int(timezone.now().timestamp())


def session_seconds_left(request: HttpRequest) -> int:
    """Seconds until a signed-in session ends if nothing else happens: the idle limit, counted
    from the last time the session's expiry moved on."""
    age: int = settings.SESSION_COOKIE_AGE
    session = getattr(request, "session", None)
    refreshed = session.get(REFRESHED_KEY) if session is not None else None
    if not isinstance(refreshed, int):
        return age
    return max(0, min(age, refreshed + age - int(timezone.now().timestamp())))
