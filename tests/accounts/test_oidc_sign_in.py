"""Signing in and out through NHS CIS2 and Microsoft Entra ID (ADR 0042), against a stand-in
for each (tests/accounts/oidc_support.py says how): the sign-in page offers each provider
configured, an invited person signs in through it and is audited, and signing out ends the
session at the provider too."""

from urllib.parse import parse_qs, urlsplit

import requests
from django.test import Client

from audit.models import AuditEntry
from tests.accounts.oidc_support import (
    CIS2_AAL3,
    CIS2_BUTTON,
    ENTRA_BUTTON,
    ENTRA_MFA,
    sign_in_through,
    to_provider,
)
from tests.conftest import PASSWORD
from tests.visible import visible_text


def test_without_settings_the_sign_in_page_offers_only_email_and_password(db):
    page = visible_text(Client().get("/sign-in").content.decode())
    assert "Email address" in page
    assert CIS2_BUTTON not in page and ENTRA_BUTTON not in page
    assert Client().post("/sign-in/cis2").status_code == 404


def test_the_sign_in_page_offers_each_configured_provider(providers):
    page = visible_text(Client().get("/sign-in").content.decode())
    assert "Email address" in page
    assert CIS2_BUTTON in page and ENTRA_BUTTON in page


def test_an_invited_member_signs_in_through_cis2_with_pkce_and_the_service_key(providers, member):
    client = Client()
    authorize = parse_qs(urlsplit(to_provider(client, "cis2")["Location"]).query)
    assert authorize["code_challenge_method"] == ["S256"]
    assert authorize["scope"] == ["openid profile email"]
    assert authorize["state"] and authorize["nonce"]

    response = sign_in_through(
        providers["cis2"], name="cis2", client=client, email=member.email, claims=CIS2_AAL3
    )

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert member.email in visible_text(client.get("/account").content.decode())
    # The service authenticated itself with a JWT signed by its key (private_key_jwt), which
    # the stand-in checked against the registered public key before it answered.
    assert providers["cis2"].token_requests[-1]["client_assertion_type"].endswith("jwt-bearer")
    entry = AuditEntry.objects.filter(action="user.sign_in", actor=member).get()
    assert entry.after["provider"] == "cis2"
    assert entry.after["acr"] == "AAL3_ANY"
    assert entry.after["amr"] == ["SCAL"]
    assert entry.after["assurance_level"] == 3


def test_a_reviewer_signs_in_through_entra_id_without_being_asked_for_an_app_code(
    providers, reviewer
):
    client = Client()
    response = sign_in_through(
        providers["entra"], name="entra", client=client, email=reviewer.email, claims=ENTRA_MFA
    )
    assert response.status_code == 302
    assert "two-factor" not in response["Location"]
    queue = client.get("/review")
    assert queue.status_code == 200
    entry = AuditEntry.objects.filter(action="user.sign_in", actor=reviewer).get()
    assert (entry.after["provider"], entry.after["amr"]) == ("entra", ["pwd", "mfa"])


def test_an_email_in_any_capitalisation_matches_the_invited_account(providers, reviewer):
    client = Client()
    response = sign_in_through(
        providers["entra"],
        name="entra",
        client=client,
        email=reviewer.email.upper(),
        claims=ENTRA_MFA,
    )
    assert response.status_code == 302
    assert client.get("/account").status_code == 200


def test_signing_out_ends_the_session_here_and_at_the_provider(providers, member):
    client = Client()
    sign_in_through(
        providers["cis2"], name="cis2", client=client, email=member.email, claims=CIS2_AAL3
    )
    response = client.post("/sign-out")
    assert response.status_code == 302
    end_session = urlsplit(response["Location"])
    assert f"{end_session.scheme}://{end_session.netloc}" == providers["cis2"].issuer
    assert end_session.path == "/logout"
    query = parse_qs(end_session.query)
    assert query["post_logout_redirect_uri"] == ["http://testserver/signed-out"]
    assert query["id_token_hint"] and query["client_id"] == ["nir-cis2"]
    assert (
        requests.get(response["Location"], allow_redirects=False, timeout=5).headers["Location"]
        == "http://testserver/signed-out"
    )
    assert client.get("/account").status_code == 302
    assert AuditEntry.objects.filter(action="user.sign_out", actor=member).exists()


def test_signing_out_after_a_password_sign_in_stays_here(providers, member):
    client = Client()
    client.post("/sign-in", {"email": member.email, "password": PASSWORD})
    response = client.post("/sign-out")
    assert response["Location"] == "/signed-out"
