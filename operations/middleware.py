"""Every request: an id (X-Request-ID, kept when sane, otherwise made) on its log lines, its
response and the 500 page; one log line when it ends; and the request metrics (ADR 0040)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import sentry_sdk
from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject
from prometheus_client import Counter, Histogram

from .logs import NO_REQUEST, current_request_id, request_id_for

logger = logging.getLogger("nir.requests")

HEADER = "X-Request-ID"
METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
UNMATCHED = "unmatched"

REQUESTS = Counter(
    "nir_http_requests",
    "HTTP requests answered, by route and status.",
    ["method", "route", "status"],
)
DURATION = Histogram(
    "nir_http_request_duration_seconds",
    "Time to answer an HTTP request, by route.",
    ["route"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)


def _user_id(request: HttpRequest) -> int | None:
    """The signed-in user's id, without reading the session just to log it: only when the
    request already knew who its user was."""
    user = request.__dict__.get("user")
    if isinstance(user, SimpleLazyObject):
        user = request.__dict__.get("_cached_user")
    if user is not None and user.is_authenticated:
        return int(user.pk)
    return None


class RequestMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_for(request.headers.get(HEADER))
        request.request_id = request_id  # type: ignore[attr-defined]
        # Reset when the response is finished (apps.py), not here: Django logs a 4xx or 5xx
        # response after the middleware has returned it, and that line needs the id too.
        current_request_id.set(request_id)
        sentry_sdk.get_isolation_scope().set_tag("request_id", request_id)
        started = time.perf_counter()
        response = self.get_response(request)
        seconds = time.perf_counter() - started
        response[HEADER] = request_id
        match = request.resolver_match
        route = match.view_name if match else UNMATCHED
        method = request.method if request.method in METHODS else "OTHER"
        REQUESTS.labels(method, route, str(response.status_code)).inc()
        DURATION.labels(route).observe(seconds)
        logger.info(
            "%s %s %s",
            method,
            route,
            response.status_code,
            extra={
                "user_id": _user_id(request),
                "method": method,
                "route": route,
                "status": response.status_code,
                "duration_ms": round(seconds * 1000, 1),
            },
        )
        return response


def request_id_forget(**kwargs: object) -> None:
    """On request_finished: lines written after the request are no longer its."""
    current_request_id.set(NO_REQUEST)
