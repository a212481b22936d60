"""Password reset (ADR 0011): the answer never says whether an address has an account; the
link works once, within PASSWORD_RESET_MINUTES, and not after the password changes; asking is
throttled per address and per client; a new password ends other sessions and two-factor is
still asked at the next sign-in."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import PasswordReset
from accounts.password_resets import PASSWORD_RESET_CLIENT_LIMIT, PASSWORD_RESET_EMAIL_LIMIT
from audit.models import AuditEntry
from core.tokens import token_hash
from notifications.models import Notification
from tests.conftest import PASSWORD
from tests.two_factor_support import give_authenticator
from tests.web.conftest import signed_in

from .support import SERVICE_URL, errors_on, link_in_outbox, text_of

NEW_PASSWORD = "Plum-Orchard-Lantern-42"
DEAD = "This link has expired or has already been used"


@pytest.fixture(autouse=True)
def service_url(settings):
    settings.SERVICE_URL = SERVICE_URL


@pytest.fixture
def ask(django_capture_on_commit_callbacks):
    """Ask for a link as a browser would; the background task runs when the request commits."""

    def ask(email, client=None):
        with django_capture_on_commit_callbacks(execute=True):
            return (client or Client()).post("/password-reset", {"email": email})

    return ask


def choose(client, link, password=NEW_PASSWORD):
    response = client.get(link)
    if response.status_code != 302:
        return response
    return client.post(response["Location"], {"password": password, "password_confirm": password})


def test_the_answer_is_the_same_for_an_address_with_an_account_and_one_without(ask, member):
    known = ask(member.email)
    unknown = ask("nobody@northern.example")
    assert known.status_code == unknown.status_code == 200
    assert text_of(known).replace(member.email, "X") == text_of(unknown).replace(
        "nobody@northern.example", "X"
    )
    assert "If an account exists for" in text_of(known)
    # Only the account's owner gets an email; the unknown address gets none.
    assert Notification.objects.filter(template="password_reset").count() == 1
    assert Notification.objects.get(template="password_reset").recipient == member.email
    # Both requests are recorded alike.
    assert AuditEntry.objects.filter(action="user.password_reset_request").count() == 2


def test_a_reset_sets_the_new_password_and_the_link_works_once(ask, member):
    ask(member.email)
    link = link_in_outbox("password_reset", member.email)
    token = link.removeprefix("/password-reset/link/")
    reset = PasswordReset.objects.get()
    assert reset.token_hash == token_hash(token)
    assert reset.expires_at - reset.created_at <= timedelta(minutes=60)
    browser = Client()
    response = choose(browser, link)
    assert response.status_code == 302 and response["Location"] == "/sign-in"
    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)
    assert AuditEntry.objects.filter(action="user.password_reset", actor=member).exists()
    again = Client().get(link)
    assert again.status_code == 404 and DEAD in text_of(again)
    # The page behind the link is gone for the browser that used it too.
    assert browser.get("/password-reset/new-password").status_code == 404


def test_an_expired_link_does_not_work(ask, member):
    ask(member.email)
    link = link_in_outbox("password_reset", member.email)
    PasswordReset.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = choose(Client(), link)
    assert response.status_code == 404 and DEAD in text_of(response)
    member.refresh_from_db()
    assert member.check_password(PASSWORD)


def test_a_link_stops_working_once_the_password_changes_another_way(ask, member):
    ask(member.email)
    link = link_in_outbox("password_reset", member.email)
    member.set_password("Another-Password-Entirely-7")
    member.save()
    assert Client().get(link).status_code == 404


def test_a_new_link_ends_the_earlier_one_and_it_dies_when_used(ask, member):
    """Found by review of issue 22: asking again left the earlier email's link working, and a
    browser that had followed it, until it expired. Only the newest email works, as with a
    resent invitation."""
    ask(member.email)
    first = link_in_outbox("password_reset", member.email)
    browser_a = Client()
    assert browser_a.get(first)["Location"] == "/password-reset/new-password"
    ask(member.email)
    second = link_in_outbox("password_reset", member.email)
    assert first != second
    assert Client().get(first).status_code == 404
    response = browser_a.post(
        "/password-reset/new-password",
        {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD},
    )
    assert response.status_code == 404 and DEAD in text_of(response)
    member.refresh_from_db()
    assert not member.check_password(NEW_PASSWORD)
    issued = AuditEntry.objects.filter(action="password_reset.issue").order_by("sequence")
    assert [entry.after["earlier_links_ended"] for entry in issued] == [0, 1]
    assert choose(Client(), second).status_code == 302
    assert Client().get(second).status_code == 404


def test_a_browser_that_followed_a_link_is_cut_off_once_a_link_is_used_elsewhere(ask, member):
    """Issue 22: the session keeps the link's token hash and the link is checked again on each
    request, so using it (or any link of the account) ends every earlier session's claim."""
    ask(member.email)
    first = link_in_outbox("password_reset", member.email)
    browser_a = Client()
    assert browser_a.get(first)["Location"] == "/password-reset/new-password"
    assert member.email in text_of(browser_a.get("/password-reset/new-password"))
    ask(member.email)
    assert choose(Client(), link_in_outbox("password_reset", member.email)).status_code == 302
    response = browser_a.post(
        "/password-reset/new-password",
        {
            "password": "Another-Password-Entirely-7",
            "password_confirm": "Another-Password-Entirely-7",
        },
    )
    assert response.status_code == 404 and DEAD in text_of(response)
    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)


def no_store(response):
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    return {"no-store", "private"} <= directives


def test_the_reset_pages_are_not_stored(ask, member):
    """Issue 22, finding 7: the new-password page shows the account's email address, and the
    answer to asking repeats the address typed."""
    asked = ask(member.email)
    assert member.email in text_of(asked) and no_store(asked)
    browser = Client()
    followed = browser.get(link_in_outbox("password_reset", member.email))
    assert no_store(followed)
    page = browser.get("/password-reset/new-password")
    assert member.email in text_of(page)
    assert no_store(page)
    refused = browser.post("/password-reset/new-password", {"password": "short"})
    assert refused.status_code == 400 and no_store(refused)


def test_dead_links_answer_alike(ask, member):
    ask(member.email)
    used = link_in_outbox("password_reset", member.email)
    choose(Client(), used)
    answers = {
        (r.status_code, text_of(r))
        for r in (Client().get(used), Client().get("/password-reset/link/never-made"))
    }
    assert len(answers) == 1


def test_the_new_password_follows_the_rules(ask, member):
    ask(member.email)
    link = link_in_outbox("password_reset", member.email)
    browser = Client()
    response = choose(browser, link, password="password")
    assert response.status_code == 400
    assert errors_on(response)
    member.refresh_from_db()
    assert member.check_password(PASSWORD)
    # The link still works after a wrong password was refused.
    assert choose(browser, link).status_code == 302


def test_asking_is_throttled_per_address_whatever_it_is(ask, member):
    for email in (member.email, "nobody@northern.example"):
        for _ in range(PASSWORD_RESET_EMAIL_LIMIT):
            assert ask(email).status_code == 200
        response = ask(email)
        assert response.status_code == 429
        assert "There is a problem" in text_of(response)
        assert "You have asked for too many links. Wait 15 minutes, then try again" in text_of(
            response
        )
    assert Notification.objects.filter(template="password_reset").count() == (
        PASSWORD_RESET_EMAIL_LIMIT
    )
    assert AuditEntry.objects.filter(action="user.password_reset_refused").count() == 2


def test_asking_is_throttled_per_client(ask, db):
    for n in range(PASSWORD_RESET_CLIENT_LIMIT):
        assert ask(f"person{n}@northern.example").status_code == 200
    assert ask("one.more@northern.example").status_code == 429


def test_the_form_answers_in_the_design_systems_words(ask, db):
    assert errors_on(ask("")) == ["Enter your email address"]
    response = ask("not an email")
    assert errors_on(response) == [
        "Enter an email address in the correct format, like name@example.com"
    ]
    assert 'value="not an email"' in response.content.decode()


def test_a_new_password_signs_out_other_sessions_and_two_factor_is_still_asked(ask, member):
    secret = give_authenticator(member)
    elsewhere = signed_in(member)
    assert elsewhere.get("/").status_code == 200
    ask(member.email)
    assert choose(Client(), link_in_outbox("password_reset", member.email)).status_code == 302
    assert elsewhere.get("/account")["Location"].startswith("/sign-in")
    browser = Client()
    response = browser.post("/sign-in", {"email": member.email, "password": NEW_PASSWORD})
    assert response["Location"] == "/two-factor/sign-in"
    assert browser.get("/account")["Location"].startswith("/sign-in")
    assert secret


def test_the_sign_in_page_links_to_the_reset(db):
    assert 'href="/password-reset"' in Client().get("/sign-in").content.decode()
