"""Passkeys through the pages (ADR 0043): adding one after the current factor, the refusals
(no JavaScript, cancelled, a wrong origin, an unknown passkey, a counter going backwards, a
challenge used twice), nobody removing another person's, a passkey at the two-factor step and
signing in with one alone; every change and refusal in the audit log. The passkeys are a
software authenticator's (tests/passkey_support.py), the stand-in for the person's device."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client

from audit.models import AuditEntry
from tests.conftest import PASSWORD
from tests.passkey_support import SoftAuthenticator
from tests.two_factor_support import fresh_code, give_authenticator
from tests.visible import visible_text
from tests.web.conftest import signed_in
from two_factor.models import Authenticator, Passkey
from two_factor.secret_storage import authenticator_secret

ADD = "/account/passkeys/add"
CONFIRM = "/account/passkeys/confirm"
SIGN_IN = "/sign-in/passkey"
SECOND_STEP = "/two-factor/sign-in/passkey"

pytestmark = pytest.mark.django_db


def is_signed_in(client):
    return SESSION_KEY in client.session


def passkey_actions(user):
    return list(
        AuditEntry.objects.filter(actor=user, action__startswith="passkey.")
        .order_by("sequence")
        .values_list("action", flat=True)
    )


def refusals():
    return list(
        AuditEntry.objects.filter(action="passkey.refused")
        .order_by("sequence")
        .values_list("after__reason", flat=True)
    )


def confirm_with_password(client):
    response = client.post(CONFIRM, {"password": PASSWORD, "next": ADD})
    assert response.status_code == 302 and response["Location"] == ADD, response


def add_passkey(client, key, name="Work laptop"):
    confirm_with_password(client)
    page = client.get(ADD)
    response = client.post(ADD, {"name": name, "credential": key.create(page)})
    assert response.status_code == 302, response.content.decode()
    return response


def test_adding_a_passkey_needs_the_current_factor_and_lists_it_on_the_account_page(member):
    client = signed_in(member)
    response = client.get(ADD)
    assert response["Location"] == f"{CONFIRM}?next=%2Faccount%2Fpasskeys%2Fadd"
    key = SoftAuthenticator()
    response = add_passkey(client, key)
    assert response["Location"] == "/account#passkeys"
    account = client.get("/account").content.decode()
    assert "Passkey ‘Work laptop’ added" in account
    assert "Work laptop" in account and "Not used yet" in account
    passkey = Passkey.objects.get(user=member)
    assert bytes(passkey.credential_id) == key.credential_id
    assert passkey_actions(member) == ["passkey.added"]
    # One check allows one change: another passkey asks for the current factor again.
    assert client.get(ADD)["Location"].startswith(CONFIRM)


def test_someone_with_an_app_confirms_with_a_code_not_the_password(member):
    give_authenticator(member)
    client = signed_in(member)
    page = client.get(CONFIRM).content.decode()
    assert "Enter the 6-digit code from your authenticator app" in page
    assert "Enter a code from your authenticator app before you add or remove a passkey" in page


@pytest.mark.parametrize(
    ("form", "message", "reason"),
    [
        ({}, "You need to turn on JavaScript in your browser to use a passkey", "no_credential"),
        (
            {"passkey-error": "cancelled"},
            "Your passkey was not used. Try again, and follow what your browser asks",
            "cancelled",
        ),
        (
            {"passkey-error": "already_registered"},
            "That passkey is already added. Use a different passkey",
            "already_registered",
        ),
    ],
)
def test_adding_without_a_passkey_from_the_browser_says_why(member, form, message, reason):
    client = signed_in(member)
    confirm_with_password(client)
    client.get(ADD)
    response = client.post(ADD, {"name": "Laptop", **form})
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body and message in body
    assert 'href="#passkey-button"' in body
    assert not Passkey.objects.exists()
    assert refusals() == [reason]


def test_a_passkey_needs_a_name(member):
    client = signed_in(member)
    confirm_with_password(client)
    page = client.get(ADD)
    response = client.post(ADD, {"name": " ", "credential": SoftAuthenticator().create(page)})
    assert response.status_code == 400
    assert "Enter a name for your passkey" in response.content.decode()
    assert not Passkey.objects.exists()


def test_a_passkey_made_for_another_site_is_refused(member):
    client = signed_in(member)
    confirm_with_password(client)
    page = client.get(ADD)
    credential = SoftAuthenticator().create(page, origin="https://phishing.example")
    response = client.post(ADD, {"name": "Laptop", "credential": credential})
    assert response.status_code == 400
    assert "Your passkey could not be checked. Try again" in response.content.decode()
    assert not Passkey.objects.exists()
    assert refusals() == ["invalid"]


def test_signing_in_with_a_passkey_alone(member):
    key = SoftAuthenticator()
    add_passkey(signed_in(member), key)
    client = Client()
    sign_in = client.get(SIGN_IN)
    assert "Sign in with a passkey" in sign_in.content.decode()
    response = client.post(SIGN_IN, {"credential": key.get(sign_in), "next": "/account"})
    assert response["Location"] == "/account"
    assert is_signed_in(client)
    passkey = Passkey.objects.get(user=member)
    assert passkey.sign_count == 1 and passkey.last_used_at is not None
    assert passkey_actions(member) == ["passkey.added", "passkey.verified"]
    assert AuditEntry.objects.filter(actor=member, action="user.sign_in").exists()


def test_the_sign_in_page_offers_a_passkey():
    body = Client().get("/sign-in").content.decode()
    assert '<a href="/sign-in/passkey">Sign in with a passkey</a>' in body


def test_an_unknown_passkey_a_counter_going_back_and_a_reused_challenge_are_refused(member):
    key = SoftAuthenticator()
    add_passkey(signed_in(member), key)
    client = Client()

    page = client.get(SIGN_IN)
    response = client.post(SIGN_IN, {"credential": SoftAuthenticator().get(page)})
    assert response.status_code == 400
    assert "That passkey is not registered with this service" in response.content.decode()

    page = client.get(SIGN_IN)
    client.post(SIGN_IN, {"credential": key.get(page, sign_count=5)})
    assert is_signed_in(client)
    client.logout()
    page = client.get(SIGN_IN)
    response = client.post(SIGN_IN, {"credential": key.get(page, sign_count=3)})
    assert response.status_code == 400
    assert "That passkey cannot be trusted, as it may have been copied" in (
        response.content.decode()
    )
    assert not is_signed_in(client)

    page = client.get(SIGN_IN)
    answer = key.get(page, sign_count=10)
    client.post(SIGN_IN, {"credential": answer})
    client.logout()
    response = client.post(SIGN_IN, {"credential": answer})
    assert response.status_code == 400
    assert "The time to use your passkey ran out. Try again" in response.content.decode()
    assert refusals() == ["unknown", "sign_count", "expired"]


def test_a_passkey_at_the_two_factor_step(member, outsider):
    give_authenticator(member)
    key = SoftAuthenticator()
    client = signed_in(member)
    # With an app, the current factor is a code from it.
    secret = authenticator_secret(Authenticator.objects.get(user=member))
    assert client.post(CONFIRM, {"code": fresh_code(secret), "next": ADD})["Location"] == ADD
    page = client.get(ADD)
    client.post(ADD, {"name": "Phone", "credential": key.create(page)})
    other = SoftAuthenticator()
    add_passkey(signed_in(outsider), other)

    client = Client()
    response = client.post("/sign-in", {"email": member.email, "password": PASSWORD})
    assert response["Location"] == "/two-factor/sign-in"
    assert "Use a passkey instead" in client.get("/two-factor/sign-in").content.decode()
    # Another person's passkey is not this person's second factor.
    page = client.get(SECOND_STEP)
    response = client.post(SECOND_STEP, {"credential": other.get(page)})
    assert response.status_code == 400 and not is_signed_in(client)
    page = client.get(SECOND_STEP)
    response = client.post(SECOND_STEP, {"credential": key.get(page)})
    assert response.status_code == 302 and is_signed_in(client)


def test_someone_with_a_passkey_and_no_app_is_asked_for_the_passkey(member):
    key = SoftAuthenticator()
    add_passkey(signed_in(member), key)
    client = Client()
    response = client.post("/sign-in", {"email": member.email, "password": PASSWORD})
    assert response["Location"] == SECOND_STEP
    assert not is_signed_in(client)
    page = client.get(SECOND_STEP)
    assert "Use a code from your app instead" not in page.content.decode()
    client.post(SECOND_STEP, {"credential": key.get(page)})
    assert is_signed_in(client)


def test_nobody_removes_another_persons_passkey(member, outsider):
    add_passkey(signed_in(member), SoftAuthenticator())
    passkey = Passkey.objects.get(user=member)
    client = signed_in(outsider)
    confirm_with_password(client)
    assert client.get(f"/account/passkeys/remove?passkey={passkey.pk}")["Location"] == (
        "/account#passkeys"
    )
    client.post("/account/passkeys/remove", {"passkey": passkey.pk})
    assert Passkey.objects.filter(pk=passkey.pk).exists()
    assert "passkey.removed" not in passkey_actions(outsider)


def test_removing_a_passkey_needs_the_current_factor(member):
    client = signed_in(member)
    add_passkey(client, SoftAuthenticator())
    passkey = Passkey.objects.get(user=member)
    remove = f"/account/passkeys/remove?passkey={passkey.pk}"
    assert (
        client.get(remove)["Location"]
        == f"{CONFIRM}?next=%2Faccount%2Fpasskeys%2Fremove%3Fpasskey%3D{passkey.pk}"
    )
    client.post("/account/passkeys/remove", {"passkey": passkey.pk})
    assert Passkey.objects.filter(pk=passkey.pk).exists()
    client.post(CONFIRM, {"password": PASSWORD, "next": remove})
    assert "Remove passkey ‘Work laptop’" in client.get(remove).content.decode()
    response = client.post("/account/passkeys/remove", {"passkey": passkey.pk})
    assert response["Location"] == "/account#passkeys"
    assert not Passkey.objects.exists()
    assert "Passkey ‘Work laptop’ removed" in client.get("/account").content.decode()
    assert passkey_actions(member) == ["passkey.added", "passkey.removed"]


def test_a_passkey_is_the_current_factor_for_adding_another(member):
    client = signed_in(member)
    key = SoftAuthenticator()
    add_passkey(client, key)
    confirm = client.get(f"{CONFIRM}?next=%2Faccount%2Fpasskeys%2Fadd").content.decode()
    assert (
        '<a href="/account/passkeys/confirm/passkey?next=%2Faccount%2Fpasskeys%2Fadd">'
        "Use a passkey instead</a>"
    ) in confirm
    with_passkey = f"{CONFIRM}/passkey?next=%2Faccount%2Fpasskeys%2Fadd"
    # Another person's passkey, or none, is not this person's current factor.
    page = client.get(with_passkey)
    response = client.post(with_passkey, {"credential": SoftAuthenticator().get(page)})
    assert response.status_code == 400
    assert client.get(ADD)["Location"].startswith(CONFIRM)
    page = client.get(with_passkey)
    assert client.post(with_passkey, {"credential": key.get(page)})["Location"] == ADD
    page = client.get(ADD)
    second = SoftAuthenticator()
    response = client.post(ADD, {"name": "Security key", "credential": second.create(page)})
    assert response["Location"] == "/account#passkeys"
    assert Passkey.objects.filter(user=member).count() == 2
    assert passkey_actions(member) == [
        "passkey.added",
        "passkey.refused",
        "passkey.verified",
        "passkey.added",
    ]


def test_supports_reset_removes_the_persons_passkeys_too(member, outsider):
    from two_factor.services import authenticator_reset

    add_passkey(signed_in(member), SoftAuthenticator())
    add_passkey(signed_in(outsider), SoftAuthenticator())
    authenticator_reset(user=member, actor=None, reason="lost phone")
    assert not Passkey.objects.filter(user=member).exists()
    assert Passkey.objects.filter(user=outsider).count() == 1
    reset = AuditEntry.objects.get(action="two_factor.reset")
    assert reset.after == {
        "reason": "lost phone",
        "had_authenticator": False,
        "passkeys_removed": 1,
    }


def test_staff_who_must_sign_in_through_their_organisation_cannot_use_a_passkey_alone(
    reviewer, settings
):
    """A passkey alone stands for the password and the second factor: where reviewers and
    administrators must sign in through Entra ID (STAFF_SIGN_IN_PROVIDER), it is refused as
    their password is."""
    key = SoftAuthenticator()
    add_passkey(signed_in(reviewer), key)
    settings.STAFF_SIGN_IN_PROVIDER = "entra"
    client = Client()
    sign_in = client.get(SIGN_IN)
    response = client.post(SIGN_IN, {"credential": key.get(sign_in)})
    assert response.status_code != 302
    assert not is_signed_in(client)
    assert "Reviewers and administrators must sign in with your NHS England Microsoft account" in (
        visible_text(response.content.decode())
    )
    refused = AuditEntry.objects.filter(action="user.sign_in_refused", actor=reviewer).get()
    assert (refused.after["reason"], refused.after["provider"]) == ("staff_provider", "entra")
