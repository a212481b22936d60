"""The named person's pages for a link that names one statement, as they were sent before one
request per person (ADR 0038): follow the link (a request's link goes on to request_views), sign
in or create an account, and attest or decline. Each view parses input, calls the workflow, and
renders."""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from accounts.forms import account_parse
from accounts.models import User, normalise_email
from core.tokens import token_hash
from questionnaire.engine.people import PersonRole
from two_factor.sign_in import sign_in_continue
from workflow.applicant import attestations as workflow

from . import forms
from .models import Attestation, AttestationStatus
from .request_views import LINK_SESSION_KEY, request_link
from .selectors import (
    attestation_by_token_hash,
    attestation_for_named_person,
    link_by_token_hash,
)
from .services import attester_account_create

# The hash of the token of the link this browser followed last, whatever its state: which page
# attestation_link_followed shows. LINK_SESSION_KEY is set only once that link is found live.
FOLLOWED_SESSION_KEY = "attestation_link_followed"


def _respond_url(attestation: Attestation) -> str:
    return reverse("attestations:respond", kwargs={"attestation_id": attestation.pk})


@login_not_required
@never_cache
@require_GET
def attestation_link(request: HttpRequest, token: str) -> HttpResponse:
    """Where the emailed link lands. The token leaves the address bar at once, before any page
    is shown (a page's address goes on in its feedback link, in the browser's history, in error
    reports): the session remembers which link was followed, and the browser goes on to
    attestation_link_followed."""
    request.session[FOLLOWED_SESSION_KEY] = token_hash(token)
    return redirect("attestations:link_followed")


@login_not_required
@never_cache
@require_GET
def attestation_link_followed(request: HttpRequest) -> HttpResponse:
    """The page for the link this browser followed last: the request's (request_views), or an
    older link's that names one attestation. An unknown link, or none, is not valid."""
    followed = request.session.get(FOLLOWED_SESSION_KEY)
    link = link_by_token_hash(followed) if isinstance(followed, str) else None
    if link is not None:
        return request_link(request, link)
    # A link sent before requests (ADR 0038) names one attestation.
    attestation = attestation_by_token_hash(followed) if isinstance(followed, str) else None
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
    if attestation.request_id is not None:
        return redirect("attestations:request", request_id=attestation.request_id)
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
