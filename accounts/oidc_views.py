"""Signing in through NHS CIS2 or Microsoft Entra ID (accounts/oidc.py, ADR 0042): the button on
the sign-in page starts it here, and the provider sends the person back to the callback, which
signs them in or shows why not, in words, never a traceback."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from two_factor.sign_in import PENDING_KEY

from .oidc import (
    OidcRefused,
    Provider,
    Refusal,
    authorization_redirect,
    identity_from_callback,
    provider_configured,
)
from .oidc_services import provider_sign_in_refused, user_sign_in_through_provider

NEXT_KEY = "oidc_next"


def _provider(name: str) -> Provider:
    provider = provider_configured(name)
    if provider is None:
        raise Http404("No such way to sign in")
    return provider


@login_not_required
@require_POST
def provider_sign_in(request: HttpRequest, provider: str) -> HttpResponse:
    chosen = _provider(provider)
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    request.session[NEXT_KEY] = next_url
    redirect_uri = request.build_absolute_uri(
        reverse("accounts:provider_callback", args=[chosen.value])
    )
    try:
        return authorization_redirect(request, provider=chosen, redirect_uri=redirect_uri)
    except OidcRefused as refused:
        return _refused(request, chosen, refused)


@login_not_required
@require_GET
def provider_callback(request: HttpRequest, provider: str) -> HttpResponse:
    chosen = _provider(provider)
    email = ""
    try:
        identity = identity_from_callback(request, provider=chosen)
        email = identity.email
        next_url = str(request.session.pop(NEXT_KEY, "") or "")
        # A password sign-in left waiting for its second step in this browser is not this one.
        request.session.pop(PENDING_KEY, None)
        user_sign_in_through_provider(request=request, identity=identity)
    except OidcRefused as refused:
        return _refused(request, chosen, refused, email=email)
    return redirect(next_url or "applications:list")


# The page for each refusal: its title, what happened, and the HTTP status.
REFUSALS: dict[Refusal, tuple[str, str, int]] = {
    Refusal.NOT_INVITED: (
        "You need an invitation to use this service",
        "There is no account in this service for {email}. Ask your organisation's onboarding "
        "lead, or the NHS England onboarding team, to invite you with this email address, "
        "then use the link in the email.",
        403,
    ),
    Refusal.CANCELLED: (
        "You have not signed in",
        "You stopped signing in with {provider}. You can try again, or sign in with your "
        "email address and password.",
        200,
    ),
    Refusal.PROVIDER_DOWN: (
        "Sorry, there is a problem with {provider}",
        "You cannot sign in with {provider} at the moment. Try again later, or sign in with "
        "your email address and password.",
        503,
    ),
    Refusal.PROVIDER_ERROR: (
        "Sorry, {provider} could not sign you in",
        "{provider} could not sign you in. Try again later, or sign in with your email "
        "address and password.",
        502,
    ),
    Refusal.STATE: (
        "Your sign-in has expired",
        "This sign-in was already used, or was started in another browser or too long ago. "
        "Sign in again.",
        400,
    ),
    Refusal.NONCE: (
        "Sorry, we could not sign you in",
        "The answer from {provider} was not for this sign-in, so you have not been signed "
        "in. Sign in again.",
        400,
    ),
    Refusal.TOKEN: (
        "Sorry, we could not sign you in",
        "The answer from {provider} could not be checked, so you have not been signed in. "
        "Sign in again. If this keeps happening, contact the onboarding team.",
        400,
    ),
    Refusal.ASSURANCE: (
        "You need to sign in with your smartcard or another strong method",
        "{provider} says you signed in in a way this service cannot accept: it needs "
        "authentication assurance level {minimum} or above. Sign in again with your "
        "smartcard, or another method of that level.",
        403,
    ),
    Refusal.NO_EMAIL: (
        "Sorry, we could not sign you in",
        "{provider} did not give us an email address for you, so we cannot find your "
        "account. Sign in with your email address and password instead.",
        403,
    ),
    Refusal.STAFF_ONLY: (
        "Sign in another way",
        "Signing in with your NHS England Microsoft account is for NHS England's reviewers and "
        "administrators. Sign in with your email address and password, or with NHS Care "
        "Identity Service 2 if you work for an NHS trust.",
        403,
    ),
    Refusal.NO_SECOND_FACTOR: (
        "You need to sign in with a second factor",
        "{provider} says you signed in without a second factor, such as the Microsoft "
        "Authenticator app. Sign in again and use your second factor when {provider} asks.",
        403,
    ),
    Refusal.OTHER_ACCOUNT: (
        "Sorry, we could not sign you in",
        "Your {provider} account is linked to a different account in this service, or this "
        "account to a different {provider} account. Contact the onboarding team at "
        "{contact_email}.",
        403,
    ),
    Refusal.STAFF_PROVIDER: (
        "Sign in with {staff_provider}",
        "Reviewers and administrators sign in with {staff_provider}.",
        403,
    ),
}


def _refused(
    request: HttpRequest, provider: Provider, refused: OidcRefused, *, email: str = ""
) -> HttpResponse:
    provider_sign_in_refused(request=request, provider=provider, refused=refused, email=email)
    title, text, status = REFUSALS[refused.refusal]
    if status >= 500 and request.session.modified:
        # Django keeps no change to the session made by a request answered 5xx, and the state
        # this callback used (taken out by Authlib) must be gone all the same: it works once.
        request.session.save()
    staff = settings.STAFF_SIGN_IN_PROVIDER
    words = {
        "provider": provider.label if provider is Provider.CIS2 else "Microsoft Entra ID",
        "email": email,
        "minimum": settings.OIDC_CIS2_MINIMUM_ASSURANCE_LEVEL,
        "staff_provider": Provider(staff).label if staff else "",
        "contact_email": settings.SERVICE_CONTACT_EMAIL,
    }
    return render(
        request,
        "accounts/provider_refused.jinja",
        {
            "page_title": title.format(**words),
            "text": text.format(**words),
            "contact_email": settings.SERVICE_CONTACT_EMAIL,
        },
        status=status,
    )
