from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET


@login_not_required
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@login_not_required
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    # Usually a form left open past the session, or submitted twice after signing out.
    return render(request, "core/csrf_failure.jinja", status=403)


@login_not_required
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # Reached when the request body cannot be read (e.g. a form declared in a character set other
    # than UTF-8). Unlike Django's own view it must not check CSRF, which reads the body again.
    return render(request, "core/400.jinja", status=400)


@login_not_required
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/404.jinja", status=404)


@login_not_required
def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "core/500.jinja", status=500)


@login_not_required
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/403.jinja", status=403)
