"""The pages that add, change and remove one hazard of the log kept in this service: a form
each, refused with the reason while the log is locked (ADR 0048), and a change made against a
hazard someone else has changed since shown again, kept as typed, over the hazard as it is."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from applications.models import Application

from .lock import HazardLogLocked
from .models import Hazard
from .selectors import hazard_application_get_for_member, hazard_get
from .services import (
    FIELDS,
    HazardInvalid,
    StaleHazard,
    hazard_add,
    hazard_change,
    hazard_remove,
    hazard_values,
)
from .table import LIKELIHOODS, SEVERITIES, STATUSES
from .views import change_refusal, locked_page

STALE_HAZARD = (
    "Someone else in your organisation changed this hazard while you were working on it. "
    "Check the hazard and save it to keep your version"
)


ADD_TITLE = "Add a hazard"


def _change_title(hazard: Hazard) -> str:
    return f"Change hazard {hazard.reference}"


def _remove_title(hazard: Hazard) -> str:
    return f"Are you sure you want to remove hazard {hazard.reference}?"


def _radio_items(options: tuple[str, ...], chosen: str) -> list[dict[str, Any]]:
    return [{"value": value, "text": value, "checked": value == chosen} for value in options]


def _form(
    request: HttpRequest,
    application: Application,
    *,
    data: dict[str, str],
    problems: dict[str, str],
    hazard: Hazard | None = None,
    version: int | None = None,
    stale: bool = False,
) -> HttpResponse:
    """The hazard form, to add one (`hazard` None) or change one."""
    if stale:  # shown on the form's first field, as the questionnaire shows a stale answer
        problems = {"reference": STALE_HAZARD}
    # A radios' first item has the field's name as its id (the NHS.UK macro's idPrefix).
    errors = [{"text": text, "href": f"#{field}"} for field, text in problems.items()]
    title = ADD_TITLE if hazard is None else _change_title(hazard)
    return render(
        request,
        "hazards/hazard_form.jinja",
        {
            "application": application,
            "hazard": hazard,
            "page_title": title,
            "back_url": reverse("hazards:log", kwargs={"application_id": application.pk}),
            "data": data,
            "version": version,
            "field_errors": problems,
            "errors": errors,
            "items": {
                "initial_likelihood": _radio_items(LIKELIHOODS, data["initial_likelihood"]),
                "initial_severity": _radio_items(SEVERITIES, data["initial_severity"]),
                "residual_likelihood": _radio_items(LIKELIHOODS, data["residual_likelihood"]),
                "residual_severity": _radio_items(SEVERITIES, data["residual_severity"]),
                "status": _radio_items(STATUSES, data["status"]),
            },
        },
        status=400 if errors else 200,
    )


def _posted(request: HttpRequest) -> dict[str, str]:
    return {name: request.POST.get(name, "") for name in FIELDS}


def _posted_version(request: HttpRequest) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return -1


@require_http_methods(["GET", "POST"])
def hazard_add_view(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    application = hazard_application_get_for_member(
        user=request.user, application_id=application_id
    )
    locked_reason = change_refusal(request, application, "add")
    if locked_reason:
        return locked_page(request, application, locked_reason, ADD_TITLE)
    data = {name: "" for name in FIELDS}
    problems: dict[str, str] = {}
    if request.method == "POST":
        data = _posted(request)
        try:
            hazard = hazard_add(application=application, values=data, actor=request.user)
        except HazardLogLocked as refused:
            return locked_page(request, application, refused.reason, ADD_TITLE)
        except HazardInvalid as refused:
            problems = refused.problems
        else:
            messages.success(request, f"Hazard {hazard.reference} added")
            return redirect("hazards:log", application_id=application.pk)
    return _form(request, application, data=data, problems=problems)


@require_http_methods(["GET", "POST"])
def hazard_change_view(
    request: HttpRequest, application_id: uuid.UUID, hazard_id: uuid.UUID
) -> HttpResponse:
    application = hazard_application_get_for_member(
        user=request.user, application_id=application_id
    )
    hazard = hazard_get(application=application, hazard_id=hazard_id)
    locked_reason = change_refusal(request, application, "change")
    if locked_reason:
        return locked_page(request, application, locked_reason, _change_title(hazard), hazard)
    data = hazard_values(hazard)
    version = hazard.version
    problems: dict[str, str] = {}
    stale = False
    if request.method == "POST":
        data = _posted(request)
        try:
            changed = hazard_change(
                application=application,
                hazard_id=hazard.pk,
                values=data,
                expected_version=_posted_version(request),
                actor=request.user,
            )
        except Hazard.DoesNotExist:  # removed, or replaced by an import, since it was read
            raise Http404 from None
        except HazardLogLocked as refused:
            return locked_page(request, application, refused.reason, _change_title(hazard), hazard)
        except HazardInvalid as refused:
            problems = refused.problems
        except StaleHazard as refused:
            # The form keeps what was typed, now against the hazard as it is: saving it again
            # is a choice made knowing someone else changed it.
            stale = True
            hazard = refused.current
            version = refused.current.version
        else:
            if changed:
                messages.success(request, f"Hazard {data['reference'].strip()} changed")
            return redirect("hazards:log", application_id=application.pk)
    return _form(
        request,
        application,
        data=data,
        problems=problems,
        hazard=hazard,
        version=version,
        stale=stale,
    )


@require_http_methods(["GET", "POST"])
def hazard_remove_view(
    request: HttpRequest, application_id: uuid.UUID, hazard_id: uuid.UUID
) -> HttpResponse:
    application = hazard_application_get_for_member(
        user=request.user, application_id=application_id
    )
    hazard = hazard_get(application=application, hazard_id=hazard_id)
    locked_reason = change_refusal(request, application, "remove")
    if locked_reason:
        return locked_page(request, application, locked_reason, _remove_title(hazard), hazard)
    if request.method == "POST":
        try:
            hazard_remove(application=application, hazard_id=hazard.pk, actor=request.user)
        except Hazard.DoesNotExist:
            raise Http404 from None
        except HazardLogLocked as refused:
            return locked_page(request, application, refused.reason, _remove_title(hazard), hazard)
        messages.success(request, f"Hazard {hazard.reference} removed")
        return redirect("hazards:log", application_id=application.pk)
    return render(
        request,
        "hazards/hazard_remove.jinja",
        {
            "application": application,
            "hazard": hazard,
            "page_title": _remove_title(hazard),
            "back_url": reverse("hazards:log", kwargs={"application_id": application.pk}),
        },
    )
