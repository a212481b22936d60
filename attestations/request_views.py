"""The named person's one request per application (ADR 0038): the emailed link, creating an
account through it, and the one page where they attest or decline every statement asked of
them. And the organisation's side: sending the link again. Each view parses input, calls the
workflow, and renders."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts.forms import account_parse
from accounts.models import User, normalise_email
from applications.selectors import application_get_for_member
from hazards.selectors import hazard_rows, hazards_of
from two_factor.sign_in import sign_in_continue
from workflow.applicant import attestations as workflow
from workflow.applicant import hazard_log as log_rules

from . import forms
from .models import HAZARD_LOG_RULES, Attestation, AttestationLink, AttestationStatus
from .selectors import (
    LinkState,
    link_state_now,
    request_for_named_person,
    request_statements,
)
from .services import attester_account_create

# The hash of the token of the link this browser followed: what lets it create an account.
LINK_SESSION_KEY = "attestation_link_hash"


def _request_url(request_id: uuid.UUID) -> str:
    return reverse("attestations:request", kwargs={"request_id": request_id})


def request_link(request: HttpRequest, link: AttestationLink) -> HttpResponse:
    """Where a request's emailed link lands, once statement_views.attestation_link has taken the
    token out of the address bar: the session remembers which link it followed. A link
    replaced, expired or used says so, and who to ask for a new one."""
    state = link_state_now(link)
    asked = link.request
    if state != LinkState.LIVE:
        titles = {
            LinkState.EXPIRED: "This link has expired",
            LinkState.REPLACED: "This link has been replaced",
            LinkState.USED: "This link has already been used",
            LinkState.ENDED: "This request no longer counts",
        }
        return render(
            request,
            "attestations/request_link_dead.jinja",
            {
                "page_title": titles[state],
                "state": state.value,
                "link": link,
                "asked": asked,
                "days": settings.ATTESTATION_LINK_DAYS,
            },
            status=410,
        )
    request.session[LINK_SESSION_KEY] = link.token_hash
    if request.user.is_authenticated:
        return redirect(_request_url(asked.pk))
    has_account = User.objects.filter(email=normalise_email(asked.email)).exists()
    return render(
        request,
        "attestations/request_start.jinja",
        {
            "page_title": f"{asked.application.organisation.name} has asked you to attest "
            "its answers",
            "asked": asked,
            "statements": [
                a for a in request_statements(asked) if a.status == AttestationStatus.REQUESTED
            ],
            "sign_in_url": reverse("accounts:sign_in")
            + "?"
            + urlencode({"next": _request_url(asked.pk)}),
            "account_url": None
            if has_account
            else reverse("attestations:request_account", kwargs={"request_id": asked.pk}),
        },
    )


@login_not_required
@never_cache  # it shows the named person's email address
@require_http_methods(["GET", "POST"])
def request_account(request: HttpRequest, request_id: uuid.UUID) -> HttpResponse:
    """Create an account for the named person, through a live link only: following it proved
    the email address is theirs."""
    followed = request.session.get(LINK_SESSION_KEY)
    link = (
        AttestationLink.objects.select_related("request")
        .filter(request_id=request_id, token_hash=followed)
        .first()
        if isinstance(followed, str)
        else None
    )
    if link is None or link_state_now(link) != LinkState.LIVE:
        raise Http404
    asked = link.request
    if request.user.is_authenticated:
        return redirect(_request_url(asked.pk))
    email = normalise_email(asked.email)
    if User.objects.filter(email=email).exists():
        return redirect(
            reverse("accounts:sign_in") + "?" + urlencode({"next": _request_url(asked.pk)})
        )
    errors: forms.FieldErrors = {}
    full_name = asked.full_name
    if request.method == "POST":
        full_name, password, errors = account_parse(request.POST, email)
        if not errors:
            user = attester_account_create(email=email, full_name=full_name, password=password)
            return sign_in_continue(request, user=user, next_url=_request_url(asked.pk))
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


def _short(attestation: Attestation) -> str:
    """The statement's question, as a sentence names it: "question 9" ("the hazard log,
    version 3" for the CSO's approval of the log)."""
    if attestation.is_hazard_log_approval:
        return f"the hazard log, version {attestation.answer_revision}"
    return attestation.question_label.split(":", 1)[0].lower()


def _hazard_log_context(attestation: Attestation, waiting: bool) -> dict[str, Any]:
    """For the CSO's approval of the in-service hazard log, the hazards she approves; for a
    statement that the log is approved, why it cannot be attested yet (ADR 0045)."""
    application = attestation.application
    if attestation.is_hazard_log_approval:
        return {"hazard_rows": hazard_rows(hazards_of(application)) if waiting else []}
    if waiting and attestation.rule_id in HAZARD_LOG_RULES:
        return {"log_refusal": log_rules.log_refusal(application)}
    return {}


def _item(
    attestation: Attestation, user: User, data: Any, errors: forms.FieldErrors
) -> dict[str, Any]:
    pk = attestation.pk
    waiting = attestation.status == AttestationStatus.REQUESTED
    return {
        **_hazard_log_context(attestation, waiting),
        "attestation": attestation,
        "short": _short(attestation),
        "waiting": waiting,
        "response_name": f"response-{pk}",
        "reason_name": f"reason-{pk}",
        "response": str(data.get(f"response-{pk}", "")),
        "reason": str(data.get(f"reason-{pk}", "")),
        "cannot_attest": workflow.attest_refusal_now(attestation, user) if waiting else "",
        "response_error": errors.get(f"response-{pk}"),
        "reason_error": errors.get(f"reason-{pk}"),
    }


@never_cache
@require_http_methods(["GET", "POST"])
def request_respond(request: HttpRequest, request_id: uuid.UUID) -> HttpResponse:
    """The named person reads every statement asked of them for the application, each with its
    question and the answer, and attests or declines each on this one page. Anyone else gets
    a 404."""
    asked = request_for_named_person(user=request.user, request_id=request_id)
    statements = request_statements(asked)
    waiting = [a for a in statements if a.status == AttestationStatus.REQUESTED]
    errors: forms.FieldErrors = {}
    status = 200
    data: Any = request.POST if request.method == "POST" else {}
    if request.method == "POST" and waiting:
        responses, errors = forms.responses_parse(
            request.POST,
            [(a.pk, _short(a)) for a in waiting],
        )
        status = 400 if errors else status
        if not errors:
            try:
                workflow.attestation_request_respond(
                    request_id=asked.pk, actor=request.user, responses=responses
                )
            except workflow.AttestationRefused as refused:
                about = refused.attestation_id or waiting[0].pk
                errors, status = {f"response-{about}": str(refused)}, 409
                statements = request_statements(asked)
            else:
                messages.success(request, "We have sent your responses")
                return redirect(_request_url(asked.pk))
    items = [_item(a, request.user, data, errors) for a in statements]
    any_waiting = any(item["waiting"] for item in items)
    organisation = asked.application.organisation.name
    return render(
        request,
        "attestations/request_respond.jinja",
        {
            "page_title": f"Attest {organisation}'s answers" if any_waiting else "Your responses",
            "asked": asked,
            "items": items,
            "any_waiting": any_waiting,
            "reason_max": forms.REASON_MAX,
            "field_errors": errors,
            "errors": forms.error_list(errors),
        },
        status=status,
    )


@require_POST
def request_resend(
    request: HttpRequest, application_id: uuid.UUID, request_id: uuid.UUID
) -> HttpResponse:
    """Send the person a new link to their request; the old one stops working."""
    application = application_get_for_member(user=request.user, application_id=application_id)
    asked = application.attestation_requests.filter(pk=request_id).first()
    if asked is None:
        raise Http404
    list_url = reverse("attestations:list", kwargs={"application_id": application.pk})
    try:
        workflow.attestation_request_resend(
            application=application, request_id=asked.pk, actor=request.user
        )
    except workflow.AttestationRefused as refused:
        messages.info(request, str(refused))
    else:
        messages.success(
            request,
            f"We have emailed {asked.full_name} a new link. The link we sent before no longer "
            "works",
        )
    return redirect(list_url)
