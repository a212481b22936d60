"""The two baselines `make bench-load` measures the question pages against, served through the
same middleware and server settings as the service's pages. Both need a signed-in user (the
service's LoginRequiredMiddleware applies to them as to every page), so each request loads the
session and the user, as a question page does."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.models import Organisation


def hello(request: HttpRequest) -> HttpResponse:
    """What Django costs with no template and no query of its own."""
    return HttpResponse("hello", content_type="text/plain; charset=utf-8")


def floor(request: HttpRequest) -> HttpResponse:
    """The least an NHS.UK page of the service costs: a page extending nhsuk/template.jinja with
    the signed-in user's header, a back link and a footer, and one query."""
    organisation = (
        Organisation.objects.filter(memberships__user=request.user)
        .values_list("name", flat=True)
        .first()
    )
    return render(
        request,
        "bench_load/floor.jinja",
        {"page_title": "Floor", "organisation_name": organisation or ""},
    )
