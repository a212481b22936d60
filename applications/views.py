import uuid

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts.rules import is_applicant
from questionnaire.presenters import application_page_context
from workflow import services as workflow

from .selectors import application_get_for_user, applications_visible_to
from .states import Scope

SCOPE_REQUIRED = "Select the NIR integration scope you are onboarding for"


@require_GET
def application_list(request: HttpRequest) -> HttpResponse:
    if not is_applicant(request.user):
        return render(request, "applications/staff_home.jinja", {"page_title": "Applications"})
    return render(
        request,
        "applications/list.jinja",
        {
            "page_title": "Your applications",
            "organisation": request.user.membership.organisation,
            "applications": applications_visible_to(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def application_start(request: HttpRequest) -> HttpResponse:
    if not is_applicant(request.user):
        raise PermissionDenied
    errors = []
    scope = request.POST.get("scope", "")
    if request.method == "POST":
        if scope in Scope.values:
            application = workflow.application_start(actor=request.user, scope=scope)
            return redirect("applications:detail", application_id=application.pk)
        errors = [{"text": SCOPE_REQUIRED, "href": "#scope"}]
    return render(
        request,
        "applications/start.jinja",
        {
            "page_title": "Which NIR integration scope are you onboarding for?",
            "errors": errors,
            "scope": scope,
            "scopes": Scope.choices,
            "back_url": "/",
        },
        status=400 if errors else 200,
    )


@require_GET
def application_detail(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    application = application_get_for_user(user=request.user, application_id=application_id)
    context = application_page_context(application)
    return render(
        request,
        "applications/detail.jinja",
        {**context, "page_title": f"Application {application.reference}", "back_url": "/"},
    )
