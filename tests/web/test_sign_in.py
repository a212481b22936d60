import pytest
from django.test import Client

from audit.models import AuditEntry
from tests.conftest import PASSWORD
from tests.visible import words


def test_pages_need_sign_in(db):
    response = Client().get("/account")
    assert response.status_code == 302
    assert response["Location"] == "/sign-in?next=/account"


def test_the_home_address_is_the_start_page_until_you_sign_in(db):
    """`/` is someone's home once signed in; before, it is the service's start page."""
    page = words(Client().get("/"))
    assert "Onboard to the National Imaging Registry" in page
    assert "Before you start" in page
    assert "Your applications" not in page


def test_sign_in_with_email_and_password(member):
    client = Client()
    response = client.post(
        "/sign-in", {"email": "  IG.Lead@Northern.example ", "password": PASSWORD}
    )
    assert response.status_code == 302
    # signed in, and asked to set up two-factor sign-in (they may do it later)
    assert response["Location"] == "/two-factor/set-up"
    page = client.get("/")
    assert "Northern Imaging Trust" in page.content.decode()
    assert AuditEntry.objects.filter(action="user.sign_in", actor=member).count() == 1


def test_passwords_are_hashed_with_argon2(member):
    assert member.password.startswith("argon2$argon2id$")


def test_production_hashes_passwords_with_argon2_at_its_full_cost(member):
    """The suite hashes cheaply (tests/hashers.py); the service's own settings do not."""
    from django.contrib.auth.hashers import check_password, make_password
    from django.test import override_settings

    from config.settings import sign_in

    assert sign_in.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    with override_settings(PASSWORD_HASHERS=sign_in.PASSWORD_HASHERS):
        hashed = make_password("a long enough passphrase")
        assert hashed.startswith("argon2$argon2id$v=19$m=102400,t=2,p=8$")
        assert check_password("a long enough passphrase", hashed)
        # A password the suite hashed cheaply is still checked, and would be rehashed at full
        # cost on sign-in (Django's must_update).
        rehashed = []
        assert check_password(PASSWORD, member.password, setter=rehashed.append)
        assert rehashed == [PASSWORD]


@pytest.mark.parametrize(
    ("data", "messages"),
    [
        ({}, ["Enter your email address", "Enter your password"]),
        ({"email": "ig.lead@northern.example"}, ["Enter your password"]),
        (
            {"email": "ig.lead@northern.example", "password": "wrong"},
            ["Enter the correct email address and password"],
        ),
    ],
)
def test_sign_in_errors(member, data, messages):
    response = Client().post("/sign-in", data)
    body = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in body
    assert "<title>Error: Sign in" in body
    for message in messages:
        assert message in body
    if data.get("email"):
        assert 'value="ig.lead@northern.example"' in body  # what was typed is kept


def test_sign_in_redirects_only_to_this_site(member):
    # (by way of the offer to set up two-factor sign-in, whose "Do this later" goes there)
    response = Client().post(
        "/sign-in", {"email": member.email, "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert response["Location"] == "/two-factor/set-up"
    response = Client().post(
        "/sign-in", {"email": member.email, "password": PASSWORD, "next": "/applications/start"}
    )
    assert response["Location"] == "/two-factor/set-up?next=%2Fapplications%2Fstart"


def test_sign_out_needs_post_and_ends_the_session(client_member, member):
    assert client_member.get("/sign-out").status_code == 405
    response = client_member.post("/sign-out")
    assert response["Location"] == "/signed-out"
    landed = client_member.get("/signed-out")
    assert "You have signed out" in words(landed)
    assert "Sign in again" in words(landed)
    assert client_member.get("/account").status_code == 302
    assert AuditEntry.objects.filter(action="user.sign_out", actor=member).exists()


def test_inactive_user_cannot_sign_in(member):
    member.is_active = False
    member.save()
    response = Client().post("/sign-in", {"email": member.email, "password": PASSWORD})
    assert response.status_code == 400


def test_security_headers(member, client_member):
    response = client_member.get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    nonce = csp.split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in response.content.decode()


def test_repeated_wrong_passwords_lock_the_email_address_for_a_while(member, outsider, clock):
    client = Client()
    for _ in range(5):
        response = client.post("/sign-in", {"email": member.email, "password": "guess"})
        assert "Enter the correct email address and password" in response.content.decode()
    assert (
        AuditEntry.objects.filter(action="user.sign_in_failed", after__email=member.email).count()
        == 5
    )

    # the right password is refused too while locked, and the page says what to do
    response = client.post("/sign-in", {"email": member.email.upper(), "password": PASSWORD})
    assert response.status_code == 400
    assert "too many times. Wait 15 minutes, then try again" in response.content.decode()
    assert client.get("/account").status_code == 302

    # someone else is not affected
    assert (
        Client().post("/sign-in", {"email": outsider.email, "password": PASSWORD}).status_code
        == 302
    )

    # after 15 minutes the address can sign in again
    clock.advance(minutes=16)
    assert (
        Client().post("/sign-in", {"email": member.email, "password": PASSWORD}).status_code == 302
    )


def test_unknown_email_failures_are_audited_without_revealing_anything(db):
    response = Client().post("/sign-in", {"email": "nobody@nowhere.example", "password": "x"})
    assert "Enter the correct email address and password" in response.content.decode()
    entry = AuditEntry.objects.get(action="user.sign_in_failed")
    assert entry.after == {"email": "nobody@nowhere.example", "client": "127.0.0.1"}
    assert entry.actor is None


def test_the_signed_out_page_does_not_say_so_to_someone_signed_in_again(client_member, member):
    # Signed out in one tab, signed in again in another, then the first tab reloaded.
    page = client_member.get("/signed-out")
    assert page.status_code == 200
    assert "You are signed in" in words(page)
    assert "You have signed out" not in words(page)
