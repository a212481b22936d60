"""Creating a personal API token asks for the current factor first (issue 22): a code from the
authenticator app or a recovery code for someone who has an app, the password for someone who
has none. A signed-in session alone (a stolen one) cannot mint a lasting credential."""

import pytest
from django.test import Client
from django.utils import timezone

from api.models import ApiToken
from api.services import CurrentFactorNeeded, token_create
from audit.models import AuditEntry
from tests.conftest import PASSWORD
from tests.two_factor_support import (
    fresh_code,
    give_authenticator,
    give_authenticator_with_recovery_codes,
)
from tests.web.conftest import errors_on, signed_in
from two_factor.current_factor import Factor, GivenFactor

TOKENS = "/account/api-tokens"
CONFIRM = "/account/api-tokens/confirm"
NEW = {"name": "Supplier portal", "days": "30"}


def wrong_code(secret):
    right = fresh_code(secret)
    return "000000" if right != "000000" else "111111"


def test_a_signed_in_session_alone_cannot_create_a_token(member):
    give_authenticator(member)
    client = signed_in(member)
    response = client.post(TOKENS, NEW)
    assert response.status_code == 302 and response["Location"] == CONFIRM
    assert not ApiToken.objects.exists()
    assert not AuditEntry.objects.filter(action="api_token.created").exists()


def test_a_signed_in_session_alone_cannot_create_a_token_without_two_factor(member):
    response = signed_in(member).post(TOKENS, NEW)
    assert response.status_code == 302 and response["Location"] == CONFIRM
    assert not ApiToken.objects.exists()


def test_the_service_refuses_without_the_current_factor(member):
    with pytest.raises(CurrentFactorNeeded):
        token_create(user=member, name="CI", days=7, current_factor=None)
    long_ago = GivenFactor(
        at=timezone.now() - timezone.timedelta(minutes=11), factor=Factor.PASSWORD
    )
    with pytest.raises(CurrentFactorNeeded):
        token_create(user=member, name="CI", days=7, current_factor=long_ago)
    give_authenticator(member)
    # someone with an authenticator app gives a code or a recovery code, not the password
    just_now = GivenFactor(at=timezone.now(), factor=Factor.PASSWORD)
    with pytest.raises(CurrentFactorNeeded):
        token_create(user=member, name="CI", days=7, current_factor=just_now)
    assert not ApiToken.objects.exists()


def test_the_page_asks_for_a_code_before_showing_the_form(member):
    give_authenticator(member)
    client = signed_in(member)
    page = client.get(TOKENS).content.decode()
    assert 'name="name"' not in page
    assert f'href="{CONFIRM}"' in page
    confirm = client.get(CONFIRM)
    body = confirm.content.decode()
    assert confirm.status_code == 200 and "no-store" in confirm["Cache-Control"]
    assert "Enter the 6-digit code from your authenticator app" in body
    assert "Use a recovery code instead" in body


def test_with_a_current_code_a_token_is_created_once(member):
    secret = give_authenticator(member)
    client = signed_in(member)
    response = client.post(CONFIRM, {"code": wrong_code(secret)})
    assert errors_on(response) == ["Enter the correct code from your authenticator app"]
    response = client.post(CONFIRM, {"code": fresh_code(secret)})
    assert response["Location"] == TOKENS
    assert 'name="name"' in client.get(TOKENS).content.decode()
    # another session of the same person gains nothing from it
    assert signed_in(member).post(TOKENS, NEW)["Location"] == CONFIRM
    response = client.post(TOKENS, NEW)
    assert response.status_code == 200
    assert 'data-testid="token-secret">nir_' in response.content.decode()
    assert ApiToken.objects.filter(user=member).count() == 1
    # the permission is used up by one creation
    response = client.post(TOKENS, {"name": "Second", "days": "7"})
    assert response["Location"] == CONFIRM
    assert ApiToken.objects.filter(user=member).count() == 1
    entries = AuditEntry.objects.filter(actor=member)
    assert entries.get(action="two_factor.verified").after["purpose"] == "api_token"
    assert entries.get(action="two_factor.failed").after["purpose"] == "api_token"


def test_the_service_lets_one_check_create_one_token(member):
    given = GivenFactor(at=timezone.now(), factor=Factor.PASSWORD)
    token_create(user=member, name="One", days=7, current_factor=given)
    with pytest.raises(CurrentFactorNeeded):
        token_create(user=member, name="Two", days=7, current_factor=given)
    assert ApiToken.objects.count() == 1


def test_a_recovery_code_does_instead_of_a_code(member):
    _, codes = give_authenticator_with_recovery_codes(member)
    client = signed_in(member)
    url = CONFIRM + "/recovery-code"
    assert "Enter a recovery code" in client.get(url).content.decode()
    response = client.post(url, {"recovery-code": "not-a-code"})
    assert "Enter a correct recovery code" in " ".join(errors_on(response))
    response = client.post(url, {"recovery-code": codes[0]})
    assert response["Location"] == TOKENS
    assert client.post(TOKENS, NEW).status_code == 200
    assert ApiToken.objects.filter(user=member).count() == 1
    used = AuditEntry.objects.get(actor=member, action="two_factor.recovery_code_used")
    assert used.after["purpose"] == "api_token"


def test_wrong_codes_here_count_towards_the_second_factor_lockout(member):
    secret = give_authenticator(member)
    client = signed_in(member)
    for _ in range(5):
        client.post(CONFIRM, {"code": wrong_code(secret)})
    response = client.post(CONFIRM, {"code": fresh_code(secret)})
    assert errors_on(response) == [
        "You have entered the wrong code too many times. Wait 15 minutes, then try again"
    ]
    assert client.post(TOKENS, NEW)["Location"] == CONFIRM
    assert AuditEntry.objects.filter(actor=member, action="two_factor.locked_out").count() == 1


def test_without_an_authenticator_app_the_password_is_asked_for(member):
    client = signed_in(member)
    body = client.get(CONFIRM).content.decode()
    assert "Enter your password" in body and 'type="password"' in body
    assert errors_on(client.post(CONFIRM, {})) == ["Enter your password"]
    assert errors_on(client.post(CONFIRM, {"password": "not it"})) == ["Enter the correct password"]
    assert AuditEntry.objects.filter(action="user.sign_in_failed").get().after == {
        "email": member.email,
        "client": "127.0.0.1",
        "purpose": "api_token",
    }
    response = client.post(CONFIRM, {"password": PASSWORD})
    assert response["Location"] == TOKENS
    assert AuditEntry.objects.filter(
        actor=member, action="user.password_confirmed", after__purpose="api_token"
    ).exists()
    assert client.post(TOKENS, NEW).status_code == 200
    assert client.post(TOKENS, NEW)["Location"] == CONFIRM
    assert ApiToken.objects.filter(user=member).count() == 1


def test_wrong_passwords_here_count_towards_the_sign_in_lockout(member):
    client = signed_in(member)
    for _ in range(5):
        client.post(CONFIRM, {"password": "not it"})
    response = client.post(CONFIRM, {"password": PASSWORD})
    assert errors_on(response) == [
        "You have entered the wrong password too many times. Wait 15 minutes, then try again"
    ]
    assert client.post(TOKENS, NEW)["Location"] == CONFIRM
    # and the sign-in page is locked for the address too
    locked = Client().post("/sign-in", {"email": member.email, "password": PASSWORD})
    assert locked.status_code == 400


def test_revoking_needs_no_current_factor(member):
    given = GivenFactor(at=timezone.now(), factor=Factor.PASSWORD)
    token = token_create(user=member, name="CI", days=7, current_factor=given).token
    assert signed_in(member).post(f"{TOKENS}/{token.pk}/revoke").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
