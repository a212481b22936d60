"""Pages for key personnel and attestations: the applicant's (record the people, ask one of them
to attest) and the named person's (follow the link, sign in or create an account, attest or
decline). Each view parses input, calls the workflow, and renders."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from accounts.forms import account_parse
from accounts.models import User, normalise_email
from applications.selectors import application_get_for_member
from questionnaire.engine.people import ROLE_LABELS, PersonRole
from two_factor.sign_in import sign_in_continue
from workflow import attestations as workflow

from . import forms
from .models import Attestation, AttestationStatus
from .selectors import (
    attestation_by_token,
    attestation_for_named_person,
    key_person_get,
    key_personnel_for,
)
from .services import attester_account_create

# The hash of the token of the attestation link this browser followed: what lets it create an
# account. Checked against the attestation on every request, like invitations' (ADR 0011).
LINK_SESSION_KEY = "attestation_link_hash"


def _application_urls(application_id: uuid.UUID) -> dict[str, str]:
    kwargs = {"application_id": application_id}
    return {
        "overview": reverse("questionnaire:overview", kwargs=kwargs),
        "key_personnel": reverse("attestations:key_personnel", kwargs=kwargs),
        "add": reverse("attestations:key_person_add", kwargs=kwargs),
        "attestations": reverse("attestations:list", kwargs=kwargs),
    }


def _role_items(selected: str) -> list[dict[str, Any]]:
    return [
        {"value": role.value, "text": label, "checked": role.value == selected}
        for role, label in ROLE_LABELS.items()
    ]


@require_GET
def key_personnel(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    application = application_get_for_member(user=request.user, application_id=application_id)
    urls = _application_urls(application.pk)
    return render(
        request,
        "attestations/key_personnel.jinja",
        {
            "page_title": "Key personnel",
            "back_url": urls["overview"],
            "application": application,
            "people": key_personnel_for(application),
            "editable": workflow.key_personnel_editable(application),
            "urls": urls,
        },
    )


@require_http_methods(["GET", "POST"])
def key_person_edit(
    request: HttpRequest, application_id: uuid.UUID, person_id: uuid.UUID | None = None
) -> HttpResponse:
    application = application_get_for_member(user=request.user, application_id=application_id)
    person = key_person_get(application, person_id) if person_id else None
    urls = _application_urls(application.pk)
    if not workflow.key_personnel_editable(application):
        return redirect(urls["key_personnel"])
    errors: forms.FieldErrors = {}
    data: Any = (
        request.POST
        if request.method == "POST"
        else (
            {
                "role": person.role,
                "full_name": person.full_name,
                "job_title": person.job_title,
                "email": person.email,
                "professional_body": person.professional_body,
                "registration_number": person.registration_number,
            }
            if person
            else {}
        )
    )
    if request.method == "POST":
        details, errors = forms.person_details_parse(request.POST)
        if not errors:
            try:
                saved = workflow.key_person_save(
                    application=application,
                    person_id=person.pk if person else None,
                    details=details,
                    actor=request.user,
                )
            except workflow.AttestationRefused as refused:
                errors = {"role": str(refused)}
            else:
                messages.success(
                    request, f"{saved.full_name} is recorded as {saved.get_role_display()}"
                )
                return redirect(urls["key_personnel"])
    return render(
        request,
        "attestations/key_person.jinja",
        {
            "page_title": "Change a person" if person else "Add a person",
            "back_url": urls["key_personnel"],
            "application": application,
            "data": data,
            "role_items": _role_items(str(data.get("role", ""))),
            "field_errors": errors,
            "errors": forms.error_list(errors),
        },
        status=400 if errors else 200,
    )


@require_http_methods(["GET", "POST"])
def key_person_remove(
    request: HttpRequest, application_id: uuid.UUID, person_id: uuid.UUID
) -> HttpResponse:
    application = application_get_for_member(user=request.user, application_id=application_id)
    person = key_person_get(application, person_id)
    urls = _application_urls(application.pk)
    if not workflow.key_personnel_editable(application):
        return redirect(urls["key_personnel"])
    if request.method == "POST":
        try:
            workflow.key_person_remove(
                application=application, person_id=person.pk, actor=request.user
            )
        except workflow.AttestationRefused:
            pass
        else:
            messages.success(request, f"{person.full_name} has been removed")
        return redirect(urls["key_personnel"])
    return render(
        request,
        "attestations/key_person_remove.jinja",
        {
            "page_title": f"Are you sure you want to remove {person.full_name}?",
            "back_url": urls["key_personnel"],
            "application": application,
            "person": person,
        },
    )


@require_GET
def attestation_list(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    application = application_get_for_member(user=request.user, application_id=application_id)
    urls = _application_urls(application.pk)
    return render(
        request,
        "attestations/list.jinja",
        {
            "page_title": "Attestations",
            "back_url": urls["overview"],
            "application": application,
            "needs": workflow.attestation_needs_now(application),
            "open": workflow.attestations_open(application),
            "urls": urls,
        },
    )


@require_http_methods(["GET", "POST"])
def attestation_ask(request: HttpRequest, application_id: uuid.UUID, rule_id: str) -> HttpResponse:
    application = application_get_for_member(user=request.user, application_id=application_id)
    urls = _application_urls(application.pk)
    need = next(
        (n for n in workflow.attestation_needs_now(application) if n.rule.id == rule_id), None
    )
    if need is None or not workflow.attestations_open(application):
        return redirect(urls["attestations"])
    people = [p for p in key_personnel_for(application) if p.role in need.rule.roles]
    errors: forms.FieldErrors = {}
    chosen = request.POST.get("person", "")
    if request.method == "POST":
        person = next((p for p in people if str(p.pk) == chosen), None)
        if person is None:
            errors["person"] = "Select who you want to attest this answer"
        else:
            try:
                workflow.attestation_ask(
                    application=application,
                    rule_id=rule_id,
                    person_id=person.pk,
                    actor=request.user,
                )
            except workflow.AttestationRefused as refused:
                errors["person"] = str(refused)
            else:
                messages.success(
                    request, f"We have emailed {person.full_name} a link to attest this answer"
                )
                return redirect(urls["attestations"])
    return render(
        request,
        "attestations/ask.jinja",
        {
            "page_title": f"Who will attest question {need.number}?",
            "back_url": urls["attestations"],
            "application": application,
            "need": need,
            "people_items": [
                {
                    "value": str(p.pk),
                    "text": f"{p.full_name}, {p.get_role_display()}",
                    "hint": {"text": f"{p.job_title}, {p.email}"},
                    "checked": str(p.pk) == chosen,
                }
                for p in people
            ],
            "roles": " or ".join(PersonRole(role).label for role in need.rule.roles),
            "urls": urls,
            "field_errors": errors,
            "errors": forms.error_list(errors),
        },
        status=400 if errors else 200,
    )


def _respond_url(attestation: Attestation) -> str:
    return reverse("attestations:respond", kwargs={"attestation_id": attestation.pk})


@login_not_required
@never_cache
@require_GET
def attestation_link(request: HttpRequest, token: str) -> HttpResponse:
    """Where the emailed link lands. The token leaves the address bar at once: the browser is sent
    on to the attestation's own page, and the session remembers which link it followed."""
    attestation = attestation_by_token(token)
    if attestation is None:
        return render(
            request,
            "attestations/link_invalid.jinja",
            {"page_title": "This link is not valid"},
            status=404,
        )
    if attestation.status != AttestationStatus.REQUESTED:
        return render(
            request,
            "attestations/link_used.jinja",
            {
                "page_title": "This link has already been used"
                if attestation.responded_at
                else "This request no longer counts",
                "attestation": attestation,
            },
            status=410,
        )
    request.session[LINK_SESSION_KEY] = attestation.token_hash
    if request.user.is_authenticated:
        return redirect(_respond_url(attestation))
    has_account = User.objects.filter(email=normalise_email(attestation.email)).exists()
    return render(
        request,
        "attestations/link_start.jinja",
        {
            "page_title": (
                f"{attestation.application.organisation.name} has asked you to attest an answer"
            ),
            "attestation": attestation,
            "sign_in_url": reverse("accounts:sign_in")
            + "?"
            + urlencode({"next": _respond_url(attestation)}),
            "account_url": None
            if has_account
            else reverse("attestations:account", kwargs={"attestation_id": attestation.pk}),
        },
    )


@login_not_required
@never_cache  # it shows the named person's email address
@require_http_methods(["GET", "POST"])
def attestation_account(request: HttpRequest, attestation_id: uuid.UUID) -> HttpResponse:
    """Create an account for the named person, through the link only: following it proved the
    email address is theirs."""
    followed = request.session.get(LINK_SESSION_KEY)
    attestation = (
        Attestation.objects.filter(
            pk=attestation_id, token_hash=followed, status=AttestationStatus.REQUESTED
        ).first()
        if isinstance(followed, str)
        else None
    )
    if attestation is None:
        raise Http404
    if request.user.is_authenticated:
        return redirect(_respond_url(attestation))
    email = normalise_email(attestation.email)
    if User.objects.filter(email=email).exists():
        return redirect(
            reverse("accounts:sign_in") + "?" + urlencode({"next": _respond_url(attestation)})
        )
    errors: forms.FieldErrors = {}
    full_name = attestation.full_name
    if request.method == "POST":
        full_name, password, errors = account_parse(request.POST, email)
        if not errors:
            user = attester_account_create(email=email, full_name=full_name, password=password)
            # Signed in as the password step would: two-factor asks them to set it up (or,
            # where everyone must use it, holds them until they have).
            return sign_in_continue(request, user=user, next_url=_respond_url(attestation))
    return render(
        request,
        "attestations/account.jinja",
        {
            "page_title": "Create an account",
            "email": email,
            "full_name": full_name,
            "field_errors": errors,
            "errors": forms.error_list(errors),
        },
        status=400 if errors else 200,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def attestation_respond(request: HttpRequest, attestation_id: uuid.UUID) -> HttpResponse:
    """The named person reads exactly what they are asked to attest, and attests or declines.
    Anyone else gets a 404."""
    attestation = attestation_for_named_person(user=request.user, attestation_id=attestation_id)
    errors: forms.FieldErrors = {}
    status = 200
    response, reason = "", ""
    if request.method == "POST":
        response, reason, errors = forms.response_parse(request.POST)
        status = 400 if errors else status
        if not errors:
            try:
                workflow.attestation_respond(
                    attestation_id=attestation.pk,
                    actor=request.user,
                    attest=response == "attest",
                    reason=reason,
                )
            except workflow.AttestationRefused as refused:
                errors, status = {"response": str(refused)}, 409
                attestation.refresh_from_db()
            else:
                return redirect(_respond_url(attestation))
    return render(
        request,
        "attestations/respond.jinja",
        {
            "page_title": "Attest an answer"
            if attestation.status == AttestationStatus.REQUESTED
            else "Your response",
            "attestation": attestation,
            "role": PersonRole(attestation.role).label,
            "response": response,
            "reason": reason,
            "reason_max": forms.REASON_MAX,
            # The organisation requires someone else, and this is the person who asked or
            # answered: the page says so rather than offer what would be refused.
            "cannot_attest": workflow.attest_refusal_now(attestation, request.user)
            if attestation.status == AttestationStatus.REQUESTED
            else "",
            "field_errors": errors,
            "errors": forms.error_list(errors),
        },
        status=status,
    )
