"""NHS England administrators' pages (ADR 0011), in the service's own design (Django's admin
site stays off): organisations (create one and invite its first member as onboarding lead; see
its members and invitations) and staff (invite reviewers and administrators, revoke an
invitation, remove someone's access). Views parse input, call accounts.people or
accounts.administration and render."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ods.selectors import ods_data, ods_organisations_by_code

from . import administration, audit_log, forms, people, refusals, selectors
from .models import UserKind

STAFF_ROLES = {
    UserKind.REVIEWER.value: "Reviewer",
    UserKind.ADMINISTRATOR.value: "Administrator",
}


@require_GET
def organisations(request: HttpRequest) -> HttpResponse:
    refusals.administrator_required(request.user)
    found = selectors.organisations_for_administrator(request.user)
    ods = ods_data()
    return render(
        request,
        "accounts/admin/organisations.jinja",
        {
            "page_title": "Organisations",
            "ods": ods,
            "in_ods": ods_organisations_by_code(o.ods_code for o in found) if ods else {},
            "organisations": found,
            "verification": audit_log.last_verification(request.user),
            "full_width": True,
        },
    )


def organisation_parse(
    data: Any, *, name_typed: bool = True
) -> tuple[dict[str, str], forms.FieldErrors]:
    """The organisation form. With ODS data imported the name is not asked (``name_typed``
    False): it comes from ODS data, and anything posted as a name is ignored."""
    values = {
        "name": forms.text(data, "name") if name_typed else "",
        "ods_code": forms.text(data, "ods_code").upper(),
    }
    errors: forms.FieldErrors = {}
    if name_typed and not values["name"]:
        errors["name"] = "Enter the organisation's name"
    elif name_typed and len(values["name"]) > forms.NAME_MAX:
        errors["name"] = f"Name must be {forms.NAME_MAX:,} characters or fewer"
    if not values["ods_code"]:
        errors["ods_code"] = "Enter the organisation's ODS code"
    email, email_errors = forms.email_parse(
        data, name="lead_email", missing="Enter the email address of the first member"
    )
    values["lead_email"] = email
    return values, {**errors, **email_errors}


@require_http_methods(["GET", "POST"])
def organisation_create(request: HttpRequest) -> HttpResponse:
    refusals.administrator_required(request.user)
    ods = ods_data()
    values: dict[str, str] = {"name": "", "ods_code": "", "lead_email": ""}
    errors: forms.FieldErrors = {}
    if request.method == "POST":
        values, errors = organisation_parse(request.POST, name_typed=ods is None)
        if not errors:
            try:
                organisation, _ = administration.organisation_create_with_lead(
                    name=values["name"],
                    ods_code=values["ods_code"],
                    lead_email=values["lead_email"],
                    actor=request.user,
                )
            except ValidationError as invalid:
                errors = {
                    "ods_code" if field in ("ods_code", "__all__") else "name": " ".join(
                        m.rstrip(".") for m in messages_
                    )
                    for field, messages_ in invalid.message_dict.items()
                }
            else:
                messages.success(
                    request,
                    f"{organisation.name} has been created. We have emailed an invitation to "
                    f"{values['lead_email']}",
                )
                return redirect("accounts:admin_organisation", organisation_id=organisation.pk)
    return render(
        request,
        "accounts/admin/organisation_create.jinja",
        {
            "page_title": "Create an organisation",
            "back_url": "/administration",
            "ods": ods,
            "values": values,
            "field_errors": errors,
            "errors": forms.error_list(errors),
        },
        status=400 if errors else 200,
    )


@require_GET
def organisation(request: HttpRequest, organisation_id: int) -> HttpResponse:
    refusals.administrator_required(request.user)
    found, members, invitations = selectors.organisation_for_administrator(
        user=request.user, organisation_id=organisation_id
    )
    ods = ods_data()
    return render(
        request,
        "accounts/admin/organisation.jinja",
        {
            "page_title": found.name,
            "back_url": "/administration",
            "organisation": found,
            "ods": ods,
            "in_ods": ods_organisations_by_code([found.ods_code]).get(found.ods_code)
            if ods
            else None,
            "members": members,
            "invitations": invitations,
            "full_width": True,
        },
    )


@require_GET
def staff(request: HttpRequest) -> HttpResponse:
    refusals.administrator_required(request.user)
    people_, invitations = selectors.staff_for_administrator(request.user)
    return render(
        request,
        "accounts/admin/staff.jinja",
        {
            "page_title": "NHS England staff",
            "back_url": "/administration",
            "staff": people_,
            "invitations": invitations,
            "roles": STAFF_ROLES,
            "full_width": True,
        },
    )


@require_http_methods(["GET", "POST"])
def staff_invite(request: HttpRequest) -> HttpResponse:
    refusals.administrator_required(request.user)
    email, role = "", ""
    errors: forms.FieldErrors = {}
    if request.method == "POST":
        email, errors = forms.email_parse(request.POST)
        role = str(request.POST.get("role", ""))
        if role not in STAFF_ROLES:
            errors["role"] = "Select a role"
        if not errors:
            try:
                people.invitation_create(email=email, kind=role, actor=request.user)
            except people.MembersRefused as refused:
                errors = {"email": str(refused)}
            else:
                messages.success(request, f"We have emailed an invitation to {email}")
                return redirect("accounts:admin_staff")
    return render(
        request,
        "accounts/admin/staff_invite.jinja",
        {
            "page_title": "Invite NHS England staff",
            "back_url": "/administration/staff",
            "email": email,
            "role_items": [
                {"value": value, "text": text, "checked": value == role}
                for value, text in STAFF_ROLES.items()
            ],
            "field_errors": errors,
            "errors": forms.error_list(errors),
        },
        status=400 if errors else 200,
    )


@require_POST
def staff_invitation_revoke(request: HttpRequest, invitation_id: uuid.UUID) -> HttpResponse:
    refusals.administrator_required(request.user)
    invitation = selectors.staff_invitation_for_administrator(
        user=request.user, invitation_id=invitation_id
    )
    people.invitation_revoke(invitation=invitation, actor=request.user)
    messages.success(request, f"The invitation to {invitation.email} has been revoked")
    return redirect("accounts:admin_staff")


@require_http_methods(["GET", "POST"])
def staff_remove(request: HttpRequest, user_id: int) -> HttpResponse:
    refusals.administrator_required(request.user)
    person = selectors.staff_member_for_administrator(user=request.user, user_id=user_id)
    error = ""
    if request.method == "POST":
        try:
            administration.staff_remove(user=person, actor=request.user)
        except people.MembersRefused as refused:
            error = str(refused)
        else:
            messages.success(request, f"{person.email} can no longer sign in")
            return redirect("accounts:admin_staff")
    return render(
        request,
        "accounts/admin/staff_remove.jinja",
        {
            "page_title": f"Are you sure you want to remove {person.full_name or person.email}?",
            "back_url": "/administration/staff",
            "person": person,
            "errors": [{"text": error, "href": "#remove"}] if error else [],
        },
        status=409 if error else 200,
    )


@require_POST
def organisation_invitation_resend(
    request: HttpRequest, organisation_id: int, invitation_id: uuid.UUID
) -> HttpResponse:
    invitation = selectors.organisation_invitation_for_administrator(
        user=request.user, organisation_id=organisation_id, invitation_id=invitation_id
    )
    if people.invitation_resend(invitation=invitation, actor=request.user) is not None:
        messages.success(request, f"We have emailed the invitation to {invitation.email} again")
    return redirect("accounts:admin_organisation", organisation_id=organisation_id)


@require_POST
def organisation_invitation_revoke(
    request: HttpRequest, organisation_id: int, invitation_id: uuid.UUID
) -> HttpResponse:
    invitation = selectors.organisation_invitation_for_administrator(
        user=request.user, organisation_id=organisation_id, invitation_id=invitation_id
    )
    people.invitation_revoke(invitation=invitation, actor=request.user)
    messages.success(request, f"The invitation to {invitation.email} has been revoked")
    return redirect("accounts:admin_organisation", organisation_id=organisation_id)
