"""Test-only pages for tests/audit/test_every_write_is_audited.py: one writes without auditing."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from accounts.models import Organisation
from accounts.services import organisation_create


@login_not_required
@csrf_exempt
def write_without_audit(request: HttpRequest) -> HttpResponse:
    Organisation.objects.create(name="Unaudited Ltd", ods_code="UN1")
    return HttpResponse("written")


@login_not_required
@csrf_exempt
def write_through_a_service(request: HttpRequest) -> HttpResponse:
    organisation_create(name="Audited Ltd", ods_code="AU1", actor=None)
    return HttpResponse("written")


@login_not_required
def session_only(request: HttpRequest) -> HttpResponse:
    request.session["seen"] = True
    return HttpResponse("seen")


urlpatterns = [
    path("unaudited", write_without_audit),
    path("audited", write_through_a_service),
    path("session", session_only),
]
