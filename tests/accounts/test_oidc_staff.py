"""NHS England's staff and their provider (ADR 0042): with STAFF_SIGN_IN_PROVIDER set, reviewers
and administrators sign in only through it, not with a password or the other provider;
Microsoft Entra ID is for staff only, and asks for a second factor unless configured not to."""

from django.test import Client

from accounts.models import UserKind
from audit.models import AuditEntry
from tests.accounts.oidc_support import CIS2_AAL3, ENTRA_MFA, refusals, sign_in_through
from tests.conftest import PASSWORD
from tests.visible import visible_text


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
