"""The pages every NHS service has (issue 26). Open to everyone, signed in or not, except the
feedback list, which is for administrators."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts.client_address import client_address
from core.paths import path_without_tokens
from core.text import clean_text

from . import selectors
from .cookies import service_cookies
from .models import Satisfaction
from .services import feedback_record

IMPROVE_MAX = 2000
PAGE_MAX = 200
FEEDBACK_PER_PAGE = 25
SATISFACTION_MISSING = "Select how you feel about this service"
IMPROVE_TOO_LONG = f"Your suggestion must be {IMPROVE_MAX:,} characters or fewer"


def start(request: HttpRequest) -> HttpResponse:
    """The service's front door for someone not signed in (applications:list sends them here;
    signed in, the same address is their home)."""
    return render(request, "service_pages/start.jinja", {"page_title": "Start"} | _contact())


def _contact() -> dict[str, object]:
    return {
        "contact_email": settings.SERVICE_CONTACT_EMAIL,
        "invitation_days": settings.INVITATION_DAYS,
        "review_target_days": settings.REVIEW_TARGET_WORKING_DAYS,
    }


@login_not_required
@require_GET
def accessibility_statement(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "service_pages/accessibility.jinja",
        {"page_title": "Accessibility statement"} | _contact(),
    )


@login_not_required
@require_GET
def privacy_notice(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "service_pages/privacy.jinja",
        {
            "page_title": "Privacy notice",
            "retention": {
                "feedback_days": settings.RETENTION_FEEDBACK_DAYS,
                "links_days": settings.RETENTION_SPENT_LINKS_DAYS,
            },
        }
        | _contact(),
    )


@login_not_required
@require_GET
def cookies(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "service_pages/cookies.jinja",
        {"page_title": "Cookies", "cookies": service_cookies()},
    )


@login_not_required
@require_GET
def help_and_contact(request: HttpRequest) -> HttpResponse:
    return render(
        request, "service_pages/help.jinja", {"page_title": "Help and contact"} | _contact()
    )


def _submission_from(raw: str) -> uuid.UUID:
    """The feedback form's own id: the one it was shown with, or a new one."""
    try:
        return uuid.UUID(raw)
    except ValueError:
        return uuid.uuid4()


def _page_from(raw: str) -> str:
    """The page feedback was given from: one of this service's own paths, or nothing. A link's
    token in it is removed: what is kept here is audited and shown to administrators."""
    raw = clean_text(raw.strip())
    if not raw.startswith("/") or raw.startswith("//") or len(raw) > PAGE_MAX:
        return ""
    return path_without_tokens(raw.split("?", 1)[0].split("#", 1)[0])


@login_not_required
@require_http_methods(["GET", "POST"])
def feedback(request: HttpRequest) -> HttpResponse:
    page = _page_from(request.POST.get("page") or request.GET.get("from") or "")
    satisfaction = request.POST.get("satisfaction", "")
    improve = clean_text(request.POST.get("improve", "")).strip()
    submission = _submission_from(request.POST.get("submission", ""))
    field_errors: dict[str, str] = {}
    if request.method == "POST":
        if satisfaction not in Satisfaction.values:
            field_errors["satisfaction"] = SATISFACTION_MISSING
        if len(improve) > IMPROVE_MAX:
            field_errors["improve"] = IMPROVE_TOO_LONG
        if not field_errors:
            feedback_record(
                satisfaction=Satisfaction(satisfaction),
                improve=improve,
                page=page,
                submission=submission,
                client=client_address(request),
            )
            return redirect("service_pages:feedback_sent")
    return render(
        request,
        "service_pages/feedback.jinja",
        {
            "page_title": "Give feedback on this service",
            "choices": Satisfaction.choices,
            "satisfaction": satisfaction,
            "improve": improve,
            "page": page,
            "submission": submission,
            "improve_max": IMPROVE_MAX,
            "field_errors": field_errors,
            "errors": [{"text": text, "href": f"#{name}"} for name, text in field_errors.items()],
        },
        # As every form of the service answers a refused post.
        status=400 if field_errors else 200,
    )


@login_not_required
@require_GET
def feedback_sent(request: HttpRequest) -> HttpResponse:
    return render(
        request, "service_pages/feedback_sent.jinja", {"page_title": "Thank you for your feedback"}
    )


@require_GET
def feedback_list(request: HttpRequest) -> HttpResponse:
    found = selectors.feedback_for(request.user)
    page = Paginator(found, FEEDBACK_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "service_pages/feedback_list.jinja",
        {
            "page_title": "Feedback",
            "page": page,
            "labels": dict(Satisfaction.choices),
            "full_width": True,
        },
    )
