"""Signing in through NHS CIS2 and Microsoft Entra ID (ADR 0042) in the tests, against a stand-in
for each (tests/oidc_provider.py: a real OpenID Connect provider on 127.0.0.1, since the tests
cannot reach CIS2 or Entra ID; the stand-ins themselves are fixtures in
tests/accounts/conftest.py). The browser's part is played by Django's test client, and its
trips to the provider by requests: the service itself talks to the stand-in over HTTP."""

from __future__ import annotations

from urllib.parse import urlsplit

import requests
from django.test import Client

from audit.models import AuditEntry
from tests.oidc_provider import NextSignIn, StandInProvider

CIS2_BUTTON = "Sign in with NHS Care Identity Service 2"
ENTRA_BUTTON = "Sign in with your NHS England Microsoft account"

# What each provider says of how the person signed in, when it meets the service's rules.
CIS2_AAL3 = {"acr": "AAL3_ANY", "authentication_assurance_level": "3", "amr": ["SCAL"]}
ENTRA_MFA = {"amr": ["pwd", "mfa"]}


def to_provider(client: Client, name: str):
    """Press the provider's button on the sign-in page: where the browser is sent."""
    response = client.post(f"/sign-in/{name}")
    assert response.status_code == 302, response.content
    return response


def callback_from(stand_in: StandInProvider, *, name: str, client: Client) -> str:
    """Go to the provider (which signs the person in as the test said) and return the path it
    sends the browser back to."""
    authorize = to_provider(client, name)["Location"]
    assert authorize.startswith(stand_in.issuer)
    back = requests.get(authorize, allow_redirects=False, timeout=5)
    location = urlsplit(back.headers["Location"])
    assert location.path == f"/sign-in/{name}/callback"
    return f"{location.path}?{location.query}"


def sign_in_through(stand_in, *, name: str, client: Client, **next_sign_in):
    stand_in.next = NextSignIn(**next_sign_in)
    return client.get(callback_from(stand_in, name=name, client=client))


def refusals():
    return list(
        AuditEntry.objects.filter(action="user.provider_sign_in_refused").values_list(
            "after", flat=True
        )
    )
