"""The organisation's own settings, changed by its onboarding lead: who may attest its answers
(ADR 0012). Views parse input, call accounts.services and render."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from . import forms, refusals, services
from .rules import is_onboarding_lead

ANYONE = "anyone"
SOMEONE_ELSE = "someone_else"
CHOICES = {
    ANYONE: (
        "Any of the key personnel asked",
        "They can attest an answer they gave, or an attestation they asked for themselves. "
        "NHS England will see when they did.",
    ),
    SOMEONE_ELSE: (
        "Only someone other than the person who gave the answer or asked for the attestation",
        "The service will refuse an attestation from the person who gave the answer, or who "
        "asked for it.",
    ),
}
MISSING = "Select who can attest your organisation's answers"


@require_http_methods(["GET", "POST"])
def attestation_rule(request: HttpRequest) -> HttpResponse:
    if not is_onboarding_lead(request.user):
        raise refusals.not_the_lead(request.user, doing="choose who can attest its answers")
    organisation = request.user.membership.organisation
    chosen = SOMEONE_ELSE if organisation.attestation_by_someone_else else ANYONE
    errors: forms.FieldErrors = {}
    if request.method == "POST":
        chosen = str(request.POST.get("attesters", ""))
        if chosen not in CHOICES:
            errors["attesters"] = MISSING
        else:
            if services.organisation_attestation_rule_set(
                organisation=organisation,
                by_someone_else=chosen == SOMEONE_ELSE,
                actor=request.user,
            ):
                messages.success(request, "Who can attest your answers has been changed")
            return redirect("accounts:members")
    return render(
        request,
        "accounts/attestation_rule.jinja",
        {
            "page_title": "Who can attest your organisation's answers?",
            "organisation": organisation,
            "items": [
                {"value": value, "text": text, "hint": {"text": hint}, "checked": value == chosen}
                for value, (text, hint) in CHOICES.items()
            ],
            "back_url": reverse("accounts:members"),
            "field_errors": errors,
            "errors": forms.error_list(errors),
        },
        status=400 if errors else 200,
    )
