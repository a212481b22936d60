import logging

from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from accounts.refusals import home_steps

from .refusals import NextStep, Refused

logger = logging.getLogger(__name__)


@login_not_required
@csrf_exempt
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness, for the platform: 200 whenever the process answers. It checks no dependency
    (readiness is /readyz, operations/health.py), so a database outage never restarts a healthy
    process. Needs no session and sets none; never cached; not redirected to HTTPS
    (SECURE_REDIRECT_EXEMPT), so a health check over plain HTTP inside the network works."""
    return JsonResponse({"status": "ok"})


@login_not_required
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    # Usually a form left open past the session, or submitted twice after signing out.
    return render(
        request, "core/csrf_failure.jinja", {"next_steps": _steps_home(request)}, status=403
    )


def _steps_home(request: HttpRequest) -> list[NextStep]:
    # An error page may be asked before the authentication middleware has run.
    return home_steps(getattr(request, "user", None) or AnonymousUser())


# The JSON API's (ADR 0024): an error Django answers before the API sees the request (too many
# fields, a URL it does not have, a server error) is JSON there, as the API's own are.
API_PREFIX = "/api/"


def _error(request: HttpRequest, template: str, status: int, detail: str) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": detail}, status=status)
    return render(request, template, status=status)


@login_not_required
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # Reached when the request body cannot be read (e.g. a form declared in a character set other
    # than UTF-8). Unlike Django's own view it must not check CSRF, which reads the body again.
    return _error(request, "core/400.jinja", 400, "Bad request")


@login_not_required
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": "Not found"}, status=404)
    # Where the reader's own work is, as on a refusal: not "your applications" for a reviewer.
    return render(request, "core/404.jinja", {"next_steps": _steps_home(request)}, status=404)


SERVER_ERROR = "Sorry, there is a problem with the service"


@login_not_required
def server_error(request: HttpRequest) -> HttpResponse:
    """The service's own error page, also when the error is that PostgreSQL cannot be reached
    (issue 27, ADR 0047): the layout reads the session and the user for its header and timeout
    warning, which needs the database, so when that rendering fails the page is rendered again
    as for someone not signed in, with an empty session that never touches the database, and
    their own session, unsaved, put back for the response (their cookie is kept)."""
    try:
        return _error(request, "core/500.jinja", 500, SERVER_ERROR)
    except Exception:
        logger.exception("The error page could not be rendered with the session; without it")
    from django.contrib.sessions.backends.signed_cookies import SessionStore

    # The person's own session is put back once the page is rendered: left empty, it would have
    # SessionMiddleware delete their session cookie, signing out everyone who met the error page
    # while the database was down. Nor is it saved: that would need the database too.
    session = getattr(request, "session", None)
    request.user = AnonymousUser()
    request.session = SessionStore()  # type: ignore[attr-defined]
    try:
        return render(request, "core/500.jinja", status=500)
    finally:
        if session is not None:
            session.modified = False
            request.session = session  # type: ignore[attr-defined]


@login_not_required
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Why the page is refused and what the reader can do instead (ADR 0036)."""
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": "Forbidden"}, status=403)
    if isinstance(exception, Refused):
        reason, steps = exception.reason, exception.next_steps
    else:
        reason, steps = "Your account cannot use this page.", tuple(_steps_home(request))
    return render(request, "core/403.jinja", {"reason": reason, "next_steps": steps}, status=403)
