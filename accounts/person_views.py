"""Administrators' pages about people (issue 26): find a person by name or email address, see
their organisation, role and last sign-in, reset their two-factor authentication (with a reason;
they are emailed), and deactivate or reactivate their account. Views parse input, call
accounts.support or accounts.administration and render."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from two_factor.rules import two_factor_required
from two_factor.selectors import has_two_factor

from . import administration, selectors, support
from .models import User, UserKind
from .people import MembersRefused
from .refusals import administrator_required

ROLES = {
    UserKind.APPLICANT.value: "Applicant",
    UserKind.REVIEWER.value: "Reviewer",
    UserKind.ADMINISTRATOR.value: "Administrator",
}


def _name(person: User) -> str:
    return person.full_name or person.email


def role_text(person: User) -> str:
    membership = getattr(person, "membership", None)
    if membership is not None and membership.is_onboarding_lead:
        return "Applicant (onboarding lead)"
    return ROLES.get(person.kind, person.kind)


def organisation_text(person: User) -> str:
    membership = getattr(person, "membership", None)
    if membership is not None:
        return str(membership.organisation.name)
    return "None" if person.kind == UserKind.APPLICANT else "NHS England"


@require_GET
def people(request: HttpRequest) -> HttpResponse:
    administrator_required(request.user)
    search = " ".join(str(request.GET.get("q", "")).split())
    found = selectors.people_for_administrator(user=request.user, search=search)
    return render(
        request,
        "accounts/admin/people.jinja",
        {
            "page_title": "Find a person",
            "back_url": "/administration",
            "search": search,
            "people": [(p, organisation_text(p), role_text(p)) for p in found],
            "shown_at_most": selectors.PEOPLE_SHOWN,
            "full_width": True,
        },
    )


@require_GET
def person(request: HttpRequest, user_id: int) -> HttpResponse:
    administrator_required(request.user)
    found = selectors.person_for_administrator(user=request.user, person_id=user_id)
    return render(
        request,
        "accounts/admin/person.jinja",
        {
            "page_title": _name(found),
            "back_url": "/administration/people",
            "person": found,
            "role": role_text(found),
            "organisation": getattr(getattr(found, "membership", None), "organisation", None),
            "organisation_text": organisation_text(found),
            "two_factor_on": has_two_factor(found),
            "two_factor_required": two_factor_required(found),
        },
    )


@require_http_methods(["GET", "POST"])
def two_factor_reset(request: HttpRequest, user_id: int) -> HttpResponse:
    administrator_required(request.user)
    found = selectors.person_for_administrator(user=request.user, person_id=user_id)
    reason, error = "", ""
    if request.method == "POST":
        reason = str(request.POST.get("reason", ""))
        if not reason.strip():
            error = "Enter why you are resetting their two-factor authentication"
        elif len(reason) > support.REASON_MAX:
            error = f"Reason must be {support.REASON_MAX:,} characters or fewer"
        else:
            support.two_factor_reset(person=found, actor=request.user, reason=reason)
            messages.success(
                request,
                f"Two-factor authentication has been reset for {_name(found)}. We have emailed "
                f"{found.email}: they set it up again at their next sign-in",
            )
            return redirect("accounts:admin_person", user_id=found.pk)
    return render(
        request,
        "accounts/admin/person_two_factor_reset.jinja",
        {
            "page_title": f"Reset two-factor authentication for {_name(found)}",
            "back_url": f"/administration/people/{found.pk}",
            "person": found,
            "reason": reason,
            "reason_max": support.REASON_MAX,
            "errors": [{"text": error, "href": "#reason"}] if error else [],
        },
        status=400 if error else 200,
    )


@require_http_methods(["GET", "POST"])
def deactivate(request: HttpRequest, user_id: int) -> HttpResponse:
    administrator_required(request.user)
    found = selectors.person_for_administrator(user=request.user, person_id=user_id)
    if not found.is_active:
        return redirect("accounts:admin_person", user_id=found.pk)
    error = ""
    if request.method == "POST":
        try:
            administration.account_deactivate(user=found, actor=request.user)
        except MembersRefused as refused:
            error = str(refused)
        else:
            messages.success(request, f"{_name(found)} can no longer sign in")
            return redirect("accounts:admin_person", user_id=found.pk)
    return render(
        request,
        "accounts/admin/person_active.jinja",
        {
            "page_title": f"Are you sure you want to deactivate {_name(found)}?",
            "back_url": f"/administration/people/{found.pk}",
            "person": found,
            "deactivating": True,
            "errors": [{"text": error, "href": "#confirm"}] if error else [],
        },
        status=409 if error else 200,
    )


@require_http_methods(["GET", "POST"])
def reactivate(request: HttpRequest, user_id: int) -> HttpResponse:
    administrator_required(request.user)
    found = selectors.person_for_administrator(user=request.user, person_id=user_id)
    if found.is_active:
        return redirect("accounts:admin_person", user_id=found.pk)
    if request.method == "POST":
        administration.account_reactivate(user=found, actor=request.user)
        messages.success(request, f"{_name(found)} can sign in again")
        return redirect("accounts:admin_person", user_id=found.pk)
    return render(
        request,
        "accounts/admin/person_active.jinja",
        {
            "page_title": f"Are you sure you want to reactivate {_name(found)}?",
            "back_url": f"/administration/people/{found.pk}",
            "person": found,
            "deactivating": False,
            "errors": [],
        },
    )
