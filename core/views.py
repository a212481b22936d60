import logging

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


@login_not_required
@csrf_exempt
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For the load balancer and monitoring: 200 when the service can reach its database, 503
    when it cannot. Needs no session and sets none; never cached; not redirected to HTTPS
    (SECURE_REDIRECT_EXEMPT), so a health check over plain HTTP inside the network works."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Health check: the database is unreachable")
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok"})


@login_not_required
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    # Usually a form left open past the session, or submitted twice after signing out.
    return render(request, "core/csrf_failure.jinja", status=403)


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
    return _error(request, "core/404.jinja", 404, "Not found")


@login_not_required
def server_error(request: HttpRequest) -> HttpResponse:
    return _error(request, "core/500.jinja", 500, "Sorry, there is a problem with the service")


@login_not_required
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, "core/403.jinja", 403, "Forbidden")
