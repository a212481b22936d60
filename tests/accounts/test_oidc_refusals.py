"""Who and what a sign-in through NHS CIS2 or Microsoft Entra ID refuses (ADR 0042): someone not
invited or deactivated, an ID token that fails a check, a replayed or foreign callback, an
assurance level below the minimum, an email address the provider does not vouch for, and a
second identity at the provider for an account already bound to one. Each refusal is audited
with its reason."""

import pytest
from django.test import Client

from audit.models import AuditEntry
from tests.accounts.oidc_support import CIS2_AAL3, callback_from, refusals, sign_in_through
from tests.oidc_provider import NextSignIn
from tests.visible import visible_text


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
