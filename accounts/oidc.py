"""Sign-in through OpenID Connect (ADR 0042): NHS Care Identity Service 2 (CIS2) and Microsoft
Entra ID, each configured by settings and off until it is.

Authlib does the protocol: the authorization code flow with PKCE (S256), `state` and `nonce`
kept in the session and checked once, the ID token's signature checked against the provider's
JWKS, and its issuer, audience, expiry and nonce. CIS2 authenticates this service with a JWT
signed by its private key (`private_key_jwt`); Entra ID with a client secret. This module adds
what the service itself requires of a token: CIS2's authentication assurance level, and an
email address the provider vouches for. Every way it can go wrong is an `OidcRefused` with a
`Refusal` reason, which the views turn into a page and an audit entry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import requests
from authlib.integrations.base_client.errors import MismatchingStateError, OAuthError
from authlib.integrations.django_client import DjangoIntegration, DjangoOAuth2App
from authlib.oauth2.rfc7523 import PrivateKeyJWT
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from joserfc.errors import ClaimError, JoseError

from core.text import clean_text

from .models import normalise_email


class Provider(StrEnum):
    CIS2 = "cis2"
    ENTRA = "entra"

    @property
    def label(self) -> str:
        return PROVIDER_LABELS[self]


PROVIDER_LABELS = {
    Provider.CIS2: "NHS Care Identity Service 2",
    Provider.ENTRA: "your NHS England Microsoft account",
}


class Refusal(StrEnum):
    """Why a sign-in through a provider was refused (kept in the audit entry)."""

    PROVIDER_ERROR = "provider_error"  # the provider answered with an error
    PROVIDER_DOWN = "provider_down"  # it could not be reached, or took too long
    CANCELLED = "cancelled"  # the person cancelled at the provider (error=access_denied)
    STATE = "state"  # no sign-in started here with that state: replayed, or forged
    NONCE = "nonce"  # the ID token was not issued for the sign-in started here
    TOKEN = "token"  # the ID token's signature, issuer, audience or expiry is wrong
    ASSURANCE = "assurance"  # CIS2's assurance level is below the minimum
    NO_EMAIL = "no_email"  # the token names no email address the provider vouches for
    NOT_INVITED = "not_invited"  # no active account has that email address
    STAFF_PROVIDER = "staff_provider"  # staff must sign in through the other provider
    STAFF_ONLY = "staff_only"  # Entra ID is for NHS England's reviewers and administrators
    NO_SECOND_FACTOR = "no_second_factor"  # Entra ID says no second factor was used
    OTHER_ACCOUNT = "other_account"  # the identity, or the account, is bound to another


# How much of a refusal's detail is kept in its audit entry.
DETAIL_MAX = 200


class OidcRefused(Exception):
    def __init__(self, refusal: Refusal, detail: str = "") -> None:
        super().__init__(f"{refusal.value}: {detail}" if detail else refusal.value)
        self.refusal = refusal
        self.detail = clean_text(detail)[:DETAIL_MAX]


@dataclass(frozen=True)
class Identity:
    """What a provider vouched for: the email address and how the person was authenticated."""

    provider: Provider
    email: str
    subject: str
    amr: list[str]
    acr: str
    assurance_level: int | None
    id_token: str


def configured_providers() -> list[Provider]:
    """The providers offered on the sign-in page, in the order shown (core/checks.py refuses a
    half-configured one at start-up)."""
    return [
        provider
        for provider in Provider
        if getattr(settings, f"OIDC_{provider.name}_DISCOVERY_URL")
        and getattr(settings, f"OIDC_{provider.name}_CLIENT_ID")
    ]


def provider_configured(name: str) -> Provider | None:
    return next((p for p in configured_providers() if p.value == name), None)


def _cis2_private_key() -> str:
    if settings.OIDC_CIS2_PRIVATE_KEY_FILE:
        return Path(settings.OIDC_CIS2_PRIVATE_KEY_FILE).read_text()
    return str(settings.OIDC_CIS2_PRIVATE_KEY)


def _client(provider: Provider) -> DjangoOAuth2App:
    """A client made afresh for each request, so it reads the discovery document and keys
    (cached by the provider's HTTP headers at most) as they are now; a provider's key rotation
    needs no restart."""
    client_kwargs: dict[str, Any] = {
        "scope": getattr(settings, f"OIDC_{provider.name}_SCOPES"),
        "code_challenge_method": "S256",
        "default_timeout": settings.OIDC_TIMEOUT,
    }
    auth_methods: list[Any] = []
    if provider is Provider.CIS2:
        secret = _cis2_private_key()
        client_kwargs["token_endpoint_auth_method"] = "private_key_jwt"
        auth_methods.append(PrivateKeyJWT(headers={"kid": settings.OIDC_CIS2_KEY_ID}, alg="RS512"))
    else:
        secret = settings.OIDC_ENTRA_CLIENT_SECRET
        client_kwargs["token_endpoint_auth_method"] = "client_secret_post"
    return DjangoOAuth2App(
        DjangoIntegration(f"oidc_{provider.value}"),
        name=f"oidc_{provider.value}",
        client_id=getattr(settings, f"OIDC_{provider.name}_CLIENT_ID"),
        client_secret=secret,
        server_metadata_url=getattr(settings, f"OIDC_{provider.name}_DISCOVERY_URL"),
        client_kwargs=client_kwargs,
        client_auth_methods=auth_methods or None,
    )


def authorization_redirect(
    request: HttpRequest, *, provider: Provider, redirect_uri: str
) -> HttpResponse:
    """Send the person to the provider, with a new state, nonce and PKCE verifier kept in this
    browser's session."""
    try:
        response: HttpResponse = _client(provider).authorize_redirect(request, redirect_uri)
    except (requests.RequestException, ValueError) as exc:
        raise OidcRefused(Refusal.PROVIDER_DOWN, type(exc).__name__) from exc
    except (RuntimeError, KeyError) as exc:
        raise OidcRefused(Refusal.PROVIDER_ERROR, f"{type(exc).__name__}: {exc}") from exc
    return response


def identity_from_callback(request: HttpRequest, *, provider: Provider) -> Identity:
    """Check the provider's answer and return whom it vouches for, or raise OidcRefused."""
    error = request.GET.get("error", "")
    if error:
        # Anyone can send the callback an error: its description, free text, is not kept; the
        # error's code is (cut short and clean, as every refusal's detail). A state works once:
        # the provider's error answers it, so a later answer with the same state (the real one,
        # or a replay) is refused as used.
        DjangoIntegration(f"oidc_{provider.value}").clear_state_data(
            request.session, request.GET.get("state", "")
        )
        if error == "access_denied":
            raise OidcRefused(Refusal.CANCELLED)
        raise OidcRefused(Refusal.PROVIDER_ERROR, error)
    try:
        token = _client(provider).authorize_access_token(request)
    except MismatchingStateError as exc:
        raise OidcRefused(Refusal.STATE) from exc
    except OAuthError as exc:
        raise OidcRefused(Refusal.PROVIDER_ERROR, f"{exc.error}: {exc.description}") from exc
    except (RuntimeError, KeyError) as exc:
        # Authlib's word for a discovery document without an endpoint or key set it needs.
        raise OidcRefused(Refusal.PROVIDER_ERROR, f"{type(exc).__name__}: {exc}") from exc
    except requests.RequestException as exc:
        raise OidcRefused(Refusal.PROVIDER_DOWN, type(exc).__name__) from exc
    except ClaimError as exc:
        refusal = Refusal.NONCE if exc.claim == "nonce" else Refusal.TOKEN
        raise OidcRefused(refusal, f"{type(exc).__name__}: {exc}") from exc
    except (JoseError, ValueError) as exc:
        raise OidcRefused(Refusal.TOKEN, f"{type(exc).__name__}: {exc}") from exc
    claims = token.get("userinfo")
    if not claims:
        raise OidcRefused(Refusal.TOKEN, "no ID token")
    return _identity(provider, dict(claims), id_token=str(token.get("id_token", "")))


AAL = re.compile(r"AAL([1-3])", re.IGNORECASE)


def _assurance_level(claims: dict[str, Any]) -> int | None:
    """CIS2 gives the level as `authentication_assurance_level` ("3"), and in `acr` (for example
    "AAL3_ANY"); the lower, when both are given."""
    levels: list[int] = []
    given = claims.get("authentication_assurance_level")
    if given is not None and str(given).isdigit():
        levels.append(int(str(given)))
    match = AAL.search(str(claims.get("acr", "")))
    if match:
        levels.append(int(match.group(1)))
    return min(levels) if levels else None


def _identity(provider: Provider, claims: dict[str, Any], *, id_token: str) -> Identity:
    level = _assurance_level(claims)
    if provider is Provider.CIS2:
        minimum = settings.OIDC_CIS2_MINIMUM_ASSURANCE_LEVEL
        if level is None or level < minimum:
            raise OidcRefused(Refusal.ASSURANCE, f"level {level}, minimum {minimum}")
    # Entra ID names the signed-in account in `email` when the tenant gives one, otherwise in
    # `preferred_username` (its sign-in name); a single tenant's directory vouches for both.
    email = str(claims.get("email") or "")
    if not email and provider is Provider.ENTRA:
        email = str(claims.get("preferred_username") or "")
    # A provider that says whether it checked the address must say it did: false, "false" or
    # anything but true is refused (CIS2 and a single tenant's Entra ID vouch for it unasked).
    verified = claims.get("email_verified", True)
    if not email or "@" not in email or not (verified is True or str(verified) == "true"):
        raise OidcRefused(Refusal.NO_EMAIL)
    subject = str(claims.get("sub") or "")
    if not subject:
        raise OidcRefused(Refusal.TOKEN, "no subject")
    amr = claims.get("amr") or []
    amr = amr if isinstance(amr, list) else [amr]
    if (
        provider is Provider.ENTRA
        and settings.OIDC_ENTRA_REQUIRE_MFA
        and "mfa" not in [str(method) for method in amr]
    ):
        raise OidcRefused(Refusal.NO_SECOND_FACTOR, f"amr {amr}")
    return Identity(
        provider=provider,
        email=normalise_email(email),
        subject=subject,
        amr=[str(method) for method in amr],
        acr=str(claims.get("acr", "")),
        assurance_level=level,
        id_token=id_token,
    )


def end_session_url(*, provider: Provider, id_token: str, post_logout_redirect_uri: str) -> str:
    """The provider's end-session address, when its discovery document offers one; empty when
    not, or when it cannot be reached (the local session has ended either way)."""
    client = _client(provider)
    try:
        metadata = client.load_server_metadata()
    except (requests.RequestException, ValueError):
        return ""
    if not metadata.get("end_session_endpoint"):
        return ""
    result = client.create_logout_url(
        post_logout_redirect_uri=post_logout_redirect_uri,
        id_token_hint=id_token or None,
        client_id=client.client_id,
    )
    return str(result["url"])
