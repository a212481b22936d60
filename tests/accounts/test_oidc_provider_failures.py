"""When the provider does not sign the person in (ADR 0042): they cancelled there, it answered
with an error, its discovery document lacks what is needed, or it cannot be reached, before
or during the sign-in. Each lands on a page that says so in words, and is audited."""

import socket

from django.test import Client

from tests.accounts.oidc_support import CIS2_AAL3, callback_from, refusals, sign_in_through
from tests.oidc_provider import NextSignIn
from tests.visible import visible_text


def test_someone_who_cancels_at_the_provider_is_told_they_have_not_signed_in(providers):
    response = sign_in_through(
        providers["entra"], name="entra", client=Client(), error="access_denied"
    )
    assert response.status_code == 200
    page = visible_text(response.content.decode())
    assert "You have not signed in" in page
    assert "sign in with your email address and password" in page
    assert refusals()[-1]["reason"] == "cancelled"


def test_an_error_from_the_provider_lands_on_a_page_in_words(providers):
    response = sign_in_through(
        providers["entra"], name="entra", client=Client(), error="temporarily_unavailable"
    )
    assert response.status_code == 502
    assert "Sorry, Microsoft Entra ID could not sign you in" in visible_text(
        response.content.decode()
    )
    assert refusals()[-1]["reason"] == "provider_error"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_discovery_document_without_what_is_needed_is_a_provider_error(
    providers, member, monkeypatch
):
    stand_in = providers["cis2"]
    whole = stand_in.metadata()
    monkeypatch.setattr(
        stand_in, "metadata", lambda: {k: v for k, v in whole.items() if k != "jwks_uri"}
    )
    response = sign_in_through(
        stand_in, name="cis2", client=Client(), email=member.email, claims=CIS2_AAL3
    )
    assert response.status_code == 502
    assert refusals()[-1]["reason"] == "provider_error"


def test_a_provider_that_is_down_lands_on_a_page_in_words(providers, settings):
    settings.OIDC_CIS2_DISCOVERY_URL = (
        f"http://127.0.0.1:{_closed_port()}/.well-known/openid-configuration"
    )
    response = Client().post("/sign-in/cis2")
    assert response.status_code == 503
    page = visible_text(response.content.decode())
    assert "Sorry, there is a problem with NHS Care Identity Service 2" in page
    assert "Try again later" in page
    assert refusals()[-1]["reason"] == "provider_down"


def test_a_provider_that_goes_down_before_the_callback_lands_on_a_page_in_words(
    providers, member, settings
):
    client = Client()
    providers["cis2"].next = NextSignIn(email=member.email, claims=CIS2_AAL3)
    callback = callback_from(providers["cis2"], name="cis2", client=client)
    settings.OIDC_CIS2_DISCOVERY_URL = (
        f"http://127.0.0.1:{_closed_port()}/.well-known/openid-configuration"
    )
    response = client.get(callback)
    assert response.status_code == 503
    assert refusals()[-1]["reason"] == "provider_down"
