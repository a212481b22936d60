"""Signing in through NHS CIS2 and Microsoft Entra ID (ADR 0042), against a stand-in for each
(tests/oidc_provider.py: a real OpenID Connect provider on 127.0.0.1, since the tests cannot
reach CIS2 or Entra ID). The browser's part is played by Django's test client, and its trips to
the provider by requests: the service itself talks to the stand-in over HTTP."""

from __future__ import annotations

import socket
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.test import Client
from joserfc.jwk import RSAKey

from accounts.models import UserKind
from audit.models import AuditEntry
from tests.conftest import PASSWORD
from tests.oidc_provider import NextSignIn, StandInProvider
from tests.visible import visible_text

CIS2_BUTTON = "Sign in with NHS Care Identity Service 2"
ENTRA_BUTTON = "Sign in with your NHS England Microsoft account"


@pytest.fixture(scope="module")
def service_key():
    """The service's private_key_jwt key, whose public half is registered with CIS2."""
    return RSAKey.generate_key(2048, parameters={"kid": "nir-service-1"})


@pytest.fixture(scope="module")
def cis2_stand_in(service_key):
    public = RSAKey.import_key(service_key.as_dict(private=False))
    provider = StandInProvider(client_id="nir-cis2", client_key=public).start()
    yield provider
    provider.stop()


@pytest.fixture(scope="module")
def entra_stand_in():
    provider = StandInProvider(
        client_id="nir-entra", client_secret="entra-client-secret", client_key=None
    ).start()
    yield provider
    provider.stop()


@pytest.fixture
def providers(db, settings, cis2_stand_in, entra_stand_in, service_key):
    settings.OIDC_CIS2_DISCOVERY_URL = cis2_stand_in.discovery_url
    settings.OIDC_CIS2_CLIENT_ID = "nir-cis2"
    settings.OIDC_CIS2_PRIVATE_KEY = service_key.as_pem(private=True).decode()
    settings.OIDC_CIS2_KEY_ID = "nir-service-1"
    settings.OIDC_ENTRA_DISCOVERY_URL = entra_stand_in.discovery_url
    settings.OIDC_ENTRA_CLIENT_ID = "nir-entra"
    settings.OIDC_ENTRA_CLIENT_SECRET = "entra-client-secret"
    cis2_stand_in.next = NextSignIn()
    entra_stand_in.next = NextSignIn()
    return {"cis2": cis2_stand_in, "entra": entra_stand_in}


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


def test_someone_not_invited_is_told_they_need_an_invitation(providers, member):
    client = Client()
    response = sign_in_through(
        providers["cis2"],
        name="cis2",
        client=client,
        email="stranger@trust.example",
        claims=CIS2_AAL3,
    )
    assert response.status_code == 403
    page = visible_text(response.content.decode())
    assert "You need an invitation to use this service" in page
    assert "stranger@trust.example" in page
    assert client.get("/account").status_code == 302  # not signed in
    assert refusals()[-1]["reason"] == "not_invited"


def test_a_deactivated_account_is_not_signed_in(providers, member):
    member.is_active = False
    member.save()
    response = sign_in_through(
        providers["cis2"], name="cis2", client=Client(), email=member.email, claims=CIS2_AAL3
    )
    assert response.status_code == 403
    assert refusals()[-1]["reason"] == "not_invited"


@pytest.mark.parametrize(
    ("what", "reason", "title"),
    [
        ({"wrong_key": True}, "token", "Sorry, we could not sign you in"),
        ({"expired": True}, "token", "Sorry, we could not sign you in"),
        ({"nonce": "a-nonce-from-another-sign-in"}, "nonce", "Sorry, we could not sign you in"),
        ({"claims": {"iss": "https://not-cis2.example"}}, "token", "could not sign you in"),
        ({"claims": {"aud": "another-service"}}, "token", "Sorry, we could not sign you in"),
    ],
    ids=["forged signature", "expired", "wrong nonce", "wrong issuer", "wrong audience"],
)
def test_an_id_token_that_fails_a_check_is_refused_and_audited(
    providers, member, what, reason, title
):
    client = Client()
    claims = {**CIS2_AAL3, **what.pop("claims", {})}
    response = sign_in_through(
        providers["cis2"], name="cis2", client=client, email=member.email, claims=claims, **what
    )
    assert response.status_code == 400
    assert title in visible_text(response.content.decode())
    assert client.get("/account").status_code == 302
    assert refusals()[-1]["reason"] == reason
    assert not AuditEntry.objects.filter(action="user.sign_in").exists()


def test_a_replayed_state_is_refused(providers, member):
    client = Client()
    providers["cis2"].next = NextSignIn(email=member.email, claims=CIS2_AAL3)
    callback = callback_from(providers["cis2"], name="cis2", client=client)
    assert client.get(callback).status_code == 302

    replayed = client.get(callback)

    assert replayed.status_code == 400
    assert "Your sign-in has expired" in visible_text(replayed.content.decode())
    assert refusals()[-1]["reason"] == "state"


def test_a_callback_from_another_browser_is_refused(providers, member):
    providers["cis2"].next = NextSignIn(email=member.email, claims=CIS2_AAL3)
    callback = callback_from(providers["cis2"], name="cis2", client=Client())
    other_browser = Client()
    response = other_browser.get(callback)
    assert response.status_code == 400
    assert other_browser.get("/account").status_code == 302
    assert refusals()[-1]["reason"] == "state"


@pytest.mark.parametrize(
    "claims",
    [
        {"acr": "AAL2_ANY", "authentication_assurance_level": "2"},
        {"acr": "AAL3_ANY", "authentication_assurance_level": "1"},
        {"acr": ""},
    ],
    ids=["level 2", "levels disagree", "no level"],
)
def test_cis2_below_the_minimum_assurance_level_is_refused(providers, member, claims):
    response = sign_in_through(
        providers["cis2"], name="cis2", client=Client(), email=member.email, claims=claims
    )
    assert response.status_code == 403
    page = visible_text(response.content.decode())
    assert "You need to sign in with your smartcard or another strong method" in page
    assert "level 3 or above" in page
    assert refusals()[-1]["reason"] == "assurance"


def test_a_lower_minimum_assurance_level_can_be_configured(providers, member, settings):
    settings.OIDC_CIS2_MINIMUM_ASSURANCE_LEVEL = 2
    response = sign_in_through(
        providers["cis2"],
        name="cis2",
        client=Client(),
        email=member.email,
        claims={"acr": "AAL2_ANY", "authentication_assurance_level": "2"},
    )
    assert response.status_code == 302


def test_an_email_the_provider_does_not_vouch_for_is_refused(providers, member):
    response = sign_in_through(
        providers["cis2"],
        name="cis2",
        client=Client(),
        email=member.email,
        claims={**CIS2_AAL3, "email_verified": False},
    )
    assert response.status_code == 403
    assert refusals()[-1]["reason"] == "no_email"


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


def test_staff_who_must_use_entra_id_cannot_sign_in_with_a_password(
    providers, settings, reviewer, member
):
    settings.STAFF_SIGN_IN_PROVIDER = "entra"
    client = Client()
    response = client.post("/sign-in", {"email": reviewer.email, "password": PASSWORD})
    assert response.status_code == 400
    assert (
        "Reviewers and administrators must sign in with your NHS England Microsoft account"
        in visible_text(response.content.decode())
    )
    assert client.get("/review").status_code == 302
    refused = AuditEntry.objects.filter(action="user.sign_in_refused", actor=reviewer).get()
    assert (refused.after["reason"], refused.after["provider"]) == ("staff_provider", "entra")
    # An applicant still signs in with their password.
    assert (
        Client().post("/sign-in", {"email": member.email, "password": PASSWORD}).status_code == 302
    )


def test_staff_who_must_use_entra_id_cannot_sign_in_through_cis2(providers, settings, reviewer):
    settings.STAFF_SIGN_IN_PROVIDER = "entra"
    response = sign_in_through(
        providers["cis2"], name="cis2", client=Client(), email=reviewer.email, claims=CIS2_AAL3
    )
    assert response.status_code == 403
    assert "Reviewers and administrators sign in with your NHS England Microsoft account" in (
        visible_text(response.content.decode())
    )
    assert refusals()[-1]["reason"] == "staff_provider"


def test_staff_who_must_use_entra_id_sign_in_through_it(providers, settings, reviewer):
    settings.STAFF_SIGN_IN_PROVIDER = "entra"
    client = Client()
    response = sign_in_through(
        providers["entra"], name="entra", client=client, email=reviewer.email, claims=ENTRA_MFA
    )
    assert response.status_code == 302
    assert client.get("/review").status_code == 200


def test_an_administrator_with_a_password_is_refused_too(providers, settings, db):
    from accounts.services import user_create

    settings.STAFF_SIGN_IN_PROVIDER = "cis2"
    administrator = user_create(
        email="admin@england.example",
        password=PASSWORD,
        kind=UserKind.ADMINISTRATOR,
        actor=None,
    )
    response = Client().post("/sign-in", {"email": administrator.email, "password": PASSWORD})
    assert "Reviewers and administrators must sign in with NHS Care Identity Service 2" in (
        visible_text(response.content.decode())
    )


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


def test_a_provider_that_says_it_did_not_check_the_email_address_is_refused(providers, member):
    for said in (False, "false", "no"):
        response = sign_in_through(
            providers["cis2"],
            name="cis2",
            client=Client(),
            email=member.email,
            claims={**CIS2_AAL3, "email_verified": said},
        )
        assert response.status_code == 403
        assert "did not give us an email address" in visible_text(response.content.decode())
    assert [r["reason"] for r in refusals()] == ["no_email"] * 3


def test_an_account_signs_in_through_one_identity_at_each_provider(providers, member):
    """Bound by the provider's subject at the first sign-in: another identity at CIS2 whose
    token names the same email address signs in to nothing."""
    from accounts.models import ProviderIdentity

    first = Client()
    response = sign_in_through(
        providers["cis2"], name="cis2", client=first, email=member.email, claims=CIS2_AAL3
    )
    assert response.status_code == 302
    bound = ProviderIdentity.objects.get(user=member)
    assert (bound.provider, bound.subject) == ("cis2", f"subject-{member.email}")
    entry = AuditEntry.objects.filter(action="user.sign_in", actor=member).get()
    assert entry.after["subject"] == f"subject-{member.email}"

    other = Client()
    response = sign_in_through(
        providers["cis2"],
        name="cis2",
        client=other,
        email=member.email,
        claims={**CIS2_AAL3, "sub": "someone-else-at-cis2"},
    )
    assert response.status_code == 403
    assert "linked to a different account" in visible_text(response.content.decode())
    assert other.get("/account").status_code == 302
    assert refusals()[-1]["reason"] == "other_account"

    # the same identity signs in again
    again = Client()
    assert (
        sign_in_through(
            providers["cis2"], name="cis2", client=again, email=member.email, claims=CIS2_AAL3
        ).status_code
        == 302
    )


def test_entra_id_is_for_nhs_englands_staff_only(providers, member):
    client = Client()
    response = sign_in_through(
        providers["entra"], name="entra", client=client, email=member.email, claims=ENTRA_MFA
    )
    assert response.status_code == 403
    assert "is for NHS England's reviewers and administrators" in visible_text(
        response.content.decode()
    )
    assert client.get("/account").status_code == 302
    assert refusals()[-1]["reason"] == "staff_only"


def test_entra_id_without_a_second_factor_is_refused(providers, reviewer, settings):
    client = Client()
    response = sign_in_through(
        providers["entra"],
        name="entra",
        client=client,
        email=reviewer.email,
        claims={"amr": ["pwd"]},
    )
    assert response.status_code == 403
    assert "You need to sign in with a second factor" in visible_text(response.content.decode())
    assert client.get("/review").status_code == 302
    assert refusals()[-1]["reason"] == "no_second_factor"
    settings.OIDC_ENTRA_REQUIRE_MFA = False
    assert (
        sign_in_through(
            providers["entra"],
            name="entra",
            client=client,
            email=reviewer.email,
            claims={"amr": ["pwd"]},
        ).status_code
        == 302
    )
