"""Two-factor sign-in through the pages: setting up an authenticator app, the sign-in's second
step (a code, a wrong code, a reused code, recovery codes), lockout, who must use it, and the
person's own two-factor page. The codes are real TOTP codes for the secret the service made."""

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from audit.models import AuditEntry
from tests.conftest import PASSWORD
from tests.two_factor_support import (
    fresh_code,
    give_authenticator,
    give_authenticator_with_recovery_codes,
)
from two_factor import totp
from two_factor.models import Authenticator, RecoveryCode
from two_factor.secret_storage import authenticator_secret

ENTER_CODE = "Enter the 6-digit code from your authenticator app"
LOCKED = "You have entered the wrong code too many times. Wait 15 minutes, then try again"


def password_step(client, user, **extra):
    return client.post("/sign-in", {"email": user.email, "password": PASSWORD, **extra})


def is_signed_in(client):
    return SESSION_KEY in client.session


def actions(user):
    return list(
        AuditEntry.objects.filter(actor=user, action__startswith="two_factor.").values_list(
            "action", flat=True
        )
    )


def secret_on_page(body):
    return re.search(r'data-testid="secret-key">([A-Z2-7 ]+)<', body).group(1).replace(" ", "")


def wrong_code(secret):
    """A 6-digit code that is not the secret's code for any step near now."""
    now = totp.current_step(timezone.now())
    near = {totp.code_at(secret, step) for step in range(now - 3, now + 4)}
    return next(code for code in (f"{d}" * 6 for d in range(10)) if code not in near)


# --------------------------------------------------------------------------- setting up


def test_an_applicant_is_asked_at_sign_in_and_may_do_it_later(member):
    client = Client()
    response = password_step(client, member, next="/applications/start")
    assert response["Location"] == "/two-factor/set-up?next=%2Fapplications%2Fstart"
    assert is_signed_in(client)  # optional for applicants: their session has started
    page = client.get(response["Location"])
    body = page.content.decode()
    assert "Set up two-factor authentication" in body
    assert '<a href="/applications/start">Do this later</a>' in body
    assert page["Cache-Control"].startswith("max-age=0") or "no-store" in page["Cache-Control"]
    # doing it later: the page they were going to opens, and nothing was stored
    assert client.get("/applications/start").status_code == 200
    assert not Authenticator.objects.exists()


def test_setting_up_shows_a_qr_code_and_the_key_then_recovery_codes_once(member):
    client = Client()
    client.force_login(member)
    body = client.get("/two-factor/set-up").content.decode()
    assert '<svg width="200" height="200"' in body
    assert 'role="img" aria-label="QR code to scan with your authenticator app"' in body
    assert "<img" not in body.split("<svg")[1].split("</svg>")[0]  # drawn inline, not fetched
    secret = secret_on_page(body)
    # the same secret is offered again after an error, so the app already set up still works
    for data, message in [
        ({}, ENTER_CODE),
        ({"code": "12ab56"}, "The code must be 6 numbers"),
        ({"code": wrong_code(secret)}, "Enter the correct code from your authenticator app"),
    ]:
        response = client.post("/two-factor/set-up", data)
        assert response.status_code == 400
        assert message in response.content.decode()
        assert secret_on_page(response.content.decode()) == secret
    assert not Authenticator.objects.exists()

    code = fresh_code(secret)
    response = client.post("/two-factor/set-up", {"code": f"{code[:3]} {code[3:]}"})
    assert response["Location"] == "/two-factor/recovery-codes"
    page = client.get("/two-factor/recovery-codes").content.decode()
    codes = re.findall(r"<code>([a-z2-9-]{19})</code>", page)
    assert len(codes) == 10 and len(set(codes)) == 10
    # shown once, stored only as hashes
    assert client.get("/two-factor/recovery-codes")["Location"] == "/two-factor"
    stored = set(RecoveryCode.objects.filter(user=member).values_list("code_hash", flat=True))
    assert len(stored) == 10 and not stored & set(codes)
    device = Authenticator.objects.get(user=member)
    assert authenticator_secret(device) == secret and device.is_confirmed
    assert actions(member) == ["two_factor.enrolled"]
    status = client.get("/two-factor").content.decode()
    assert "On" in status and "10 of 10" in status


def test_a_double_submitted_set_up_keeps_the_first_recovery_codes(member):
    client = Client()
    client.force_login(member)
    secret = secret_on_page(client.get("/two-factor/set-up").content.decode())
    code = fresh_code(secret)
    first = client.post("/two-factor/set-up", {"code": code})
    hashes = set(RecoveryCode.objects.values_list("code_hash", flat=True))
    # the second request of a double click still carries the secret in its session copy
    session = client.session
    session["two_factor_new_secret"] = {"user": member.pk, "secret": secret}
    session.save()
    second = client.post("/two-factor/set-up", {"code": code})
    assert first["Location"] == second["Location"] == "/two-factor/recovery-codes"
    assert set(RecoveryCode.objects.values_list("code_hash", flat=True)) == hashes
    assert actions(member) == ["two_factor.enrolled"]


def test_a_set_up_submitted_again_after_the_first_finished_goes_to_the_codes_not_a_replacement(
    member,
):
    """Found by review: without JavaScript, a second press of Continue after the first request
    had finished (the new secret gone from the session) asked for a code from the "current" app
    just set up, and the recovery codes, not yet seen, were never shown."""
    client = Client()
    client.force_login(member)
    secret = secret_on_page(client.get("/two-factor/set-up").content.decode())
    code = fresh_code(secret)
    assert client.post("/two-factor/set-up", {"code": code})["Location"] == (
        "/two-factor/recovery-codes"
    )
    second = client.post("/two-factor/set-up", {"code": code})
    assert second["Location"] == "/two-factor/recovery-codes"
    page = client.get(second["Location"]).content.decode()
    assert len(re.findall(r"<code>([a-z2-9-]{19})</code>", page)) == 10
    assert actions(member) == ["two_factor.enrolled"]
    # once the codes have been shown, a new app still needs the current one
    assert client.get("/two-factor/set-up")["Location"].startswith("/two-factor/set-up/confirm")


# --------------------------------------------------------------------------- signing in


def test_sign_in_with_a_code_holds_the_session_until_the_code_is_right(member):
    secret = give_authenticator(member)
    client = Client()
    response = password_step(client, member, next="/applications/start")
    assert response["Location"] == "/two-factor/sign-in"
    # pending: not signed in, no page behind sign-in opens
    assert not is_signed_in(client)
    assert client.get("/account").status_code == 302
    assert client.get("/two-factor").status_code == 302
    page = client.get("/two-factor/sign-in").content.decode()
    assert ENTER_CODE in page and "Use a recovery code instead" in page
    pending_key = client.session.session_key

    response = client.post("/two-factor/sign-in", {"code": wrong_code(secret)})
    assert response.status_code == 400
    assert "Enter the correct code from your authenticator app" in response.content.decode()
    assert not is_signed_in(client)

    response = client.post("/two-factor/sign-in", {"code": fresh_code(secret)})
    assert response["Location"] == "/applications/start"
    assert is_signed_in(client)
    assert client.session.session_key != pending_key  # a new key for the signed-in session
    assert "two_factor_pending" not in client.session
    assert actions(member)[-2:] == ["two_factor.failed", "two_factor.verified"]
    assert AuditEntry.objects.filter(action="user.sign_in", actor=member).count() == 1


def test_a_code_cannot_be_used_twice(member):
    secret = give_authenticator(member)
    code = fresh_code(secret)
    first = Client()
    password_step(first, member)
    assert first.post("/two-factor/sign-in", {"code": code}).status_code == 302
    # someone who saw the code, within its 30 seconds
    second = Client()
    password_step(second, member)
    response = second.post("/two-factor/sign-in", {"code": code})
    assert response.status_code == 400
    assert "Each code can only be used once" in response.content.decode()
    assert not is_signed_in(second)
    failed = AuditEntry.objects.get(action="two_factor.failed", actor=member)
    assert failed.after["reason"] == "reused"
    # the next code works
    assert second.post("/two-factor/sign-in", {"code": fresh_code(secret)}).status_code == 302


def test_each_recovery_code_works_once(member):
    _, codes = give_authenticator_with_recovery_codes(member)
    client = Client()
    password_step(client, member)
    assert (
        "Enter a recovery code" in client.get("/two-factor/sign-in/recovery-code").content.decode()
    )
    response = client.post("/two-factor/sign-in/recovery-code", {"recovery-code": ""})
    assert "Enter a recovery code" in response.content.decode()
    response = client.post(
        "/two-factor/sign-in/recovery-code", {"recovery-code": f" {codes[0].upper()} "}
    )
    assert response["Location"] == "/"
    assert is_signed_in(client)
    assert "You have 9 recovery codes left" in client.get("/").content.decode()
    client.post("/sign-out")

    again = Client()
    password_step(again, member)
    response = again.post("/two-factor/sign-in/recovery-code", {"recovery-code": codes[0]})
    assert response.status_code == 400
    assert "Each recovery code can only be used once" in response.content.decode()
    assert not is_signed_in(again)
    response = again.post("/two-factor/sign-in/recovery-code", {"recovery-code": codes[1]})
    assert response.status_code == 302 and is_signed_in(again)
    assert actions(member).count("two_factor.recovery_code_used") == 2
    assert RecoveryCode.objects.filter(user=member, used_at__isnull=True).count() == 8


def test_wrong_codes_lock_the_second_factor_for_a_while(member, outsider, clock):
    secret = give_authenticator(member)
    client = Client()
    password_step(client, member)
    for _ in range(3):
        client.post("/two-factor/sign-in", {"code": wrong_code(secret)})
    for _ in range(2):
        client.post("/two-factor/sign-in/recovery-code", {"recovery-code": "not-a-code"})
    # the right code is refused now, with words saying what to do
    response = client.post("/two-factor/sign-in", {"code": fresh_code(secret)})
    assert response.status_code == 400
    assert LOCKED in response.content.decode()
    assert not is_signed_in(client)
    assert actions(member).count("two_factor.failed") == 5
    assert actions(member).count("two_factor.locked_out") == 1
    assert actions(member)[-1] == "two_factor.refused"
    # someone else is not affected
    other_secret = give_authenticator(outsider)
    other = Client()
    password_step(other, outsider)
    assert other.post("/two-factor/sign-in", {"code": fresh_code(other_secret)}).status_code == 302

    # after 15 minutes the code works again (the pending sign-in itself has expired by then)
    clock.advance(minutes=16)
    assert client.get("/two-factor/sign-in")["Location"] == "/sign-in"
    password_step(client, member)
    assert client.post("/two-factor/sign-in", {"code": fresh_code(secret)}).status_code == 302
    assert is_signed_in(client)


def test_a_pending_sign_in_expires(member, clock):
    secret = give_authenticator(member)
    client = Client()
    password_step(client, member)
    clock.advance(minutes=11)
    response = client.post("/two-factor/sign-in", {"code": fresh_code(secret)})
    assert response["Location"] == "/sign-in"
    assert not is_signed_in(client)


def test_the_second_step_needs_the_password_step_first(db):
    client = Client()
    assert client.get("/two-factor/sign-in")["Location"] == "/sign-in"
    assert client.post("/two-factor/sign-in", {"code": "123456"})["Location"] == "/sign-in"
    assert client.get("/two-factor/sign-in/recovery-code")["Location"] == "/sign-in"
    assert client.get("/two-factor/set-up")["Location"] == "/sign-in"


# --------------------------------------------------------------------------- who must use it


def test_staff_must_set_it_up_before_their_session_starts(reviewer):
    client = Client()
    response = password_step(client, reviewer, next="/review")
    assert response["Location"] == "/two-factor/set-up"
    assert not is_signed_in(client)
    assert client.get("/review").status_code == 302
    body = client.get("/two-factor/set-up").content.decode()
    assert "You need to set up two-factor authentication before you can use this service" in body
    assert "Do this later" not in body
    secret = secret_on_page(body)
    response = client.post("/two-factor/set-up", {"code": fresh_code(secret)})
    assert response["Location"] == "/two-factor/recovery-codes?next=%2Freview"
    assert is_signed_in(client)
    page = client.get(response["Location"]).content.decode()
    assert 'href="/review"' in page  # continue to where they were going
    assert AuditEntry.objects.filter(action="user.sign_in", actor=reviewer).count() == 1

    # next time the code is asked for
    client.post("/sign-out")
    assert password_step(client, reviewer)["Location"] == "/two-factor/sign-in"


def test_staff_cannot_turn_it_off(reviewer):
    give_authenticator(reviewer)
    client = Client()
    client.force_login(reviewer)
    page = client.get("/two-factor").content.decode()
    assert "It cannot be turned off" in page and "Turn off" not in page
    assert client.get("/two-factor/turn-off").status_code == 404
    assert client.post("/two-factor/turn-off", {"code": "123456"}).status_code == 404
    assert Authenticator.objects.filter(user=reviewer).exists()


def test_the_setting_requires_it_for_everyone(member, settings):
    settings.TWO_FACTOR_REQUIRED_FOR_ALL = True
    client = Client()
    assert password_step(client, member)["Location"] == "/two-factor/set-up"
    assert not is_signed_in(client)
    assert "Do this later" not in client.get("/two-factor/set-up").content.decode()


# --------------------------------------------------------------------------- your two-factor page


def test_an_applicant_turns_it_off_after_entering_a_code(member):
    secret = give_authenticator(member)
    client = Client()
    client.force_login(member)
    assert "Turn off two-factor authentication" in client.get("/two-factor").content.decode()
    response = client.post("/two-factor/turn-off", {"code": wrong_code(secret)})
    assert response.status_code == 400
    assert Authenticator.objects.filter(user=member).exists()
    response = client.post("/two-factor/turn-off", {"code": fresh_code(secret)})
    assert response["Location"] == "/two-factor"
    assert not Authenticator.objects.filter(user=member).exists()
    assert not RecoveryCode.objects.filter(user=member).exists()
    assert "two_factor.turned_off" in actions(member)


def test_new_recovery_codes_replace_the_old_ones(member):
    secret, old = give_authenticator_with_recovery_codes(member)
    client = Client()
    client.force_login(member)
    response = client.post("/two-factor/recovery-codes/new", {"code": fresh_code(secret)})
    assert response["Location"] == "/two-factor/recovery-codes"
    new = re.findall(
        r"<code>([a-z2-9-]{19})</code>", client.get(response["Location"]).content.decode()
    )
    assert len(new) == 10 and not set(new) & set(old)
    assert "two_factor.recovery_codes_regenerated" in actions(member)
    client.post("/sign-out")
    client = Client()
    password_step(client, member)
    refused = client.post("/two-factor/sign-in/recovery-code", {"recovery-code": old[0]})
    assert refused.status_code == 400
    accepted = client.post("/two-factor/sign-in/recovery-code", {"recovery-code": new[0]})
    assert accepted.status_code == 302


def test_support_clears_a_users_authenticator(reviewer, capsys):
    give_authenticator(reviewer)
    call_command("two_factor_clear", "Reviewer@England.example")
    assert "Two-factor authentication cleared for reviewer@england.example" in (
        capsys.readouterr().out
    )
    assert not Authenticator.objects.filter(user=reviewer).exists()
    assert not RecoveryCode.objects.filter(user=reviewer).exists()
    reset = AuditEntry.objects.get(action="two_factor.reset")
    assert reset.object_id == str(reviewer.pk)
    assert reset.after == {"reason": "support reset", "had_authenticator": True}
    # staff set it up again at their next sign-in
    assert password_step(Client(), reviewer)["Location"] == "/two-factor/set-up"


def test_clearing_an_unknown_address_fails(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No user has the email address"):
        call_command("two_factor_clear", "nobody@example.com")


# --------------------------------------------------------------------------- a new app (issue 22)


def recovery_hashes(user):
    return set(RecoveryCode.objects.filter(user=user).values_list("code_hash", flat=True))


def test_a_signed_in_session_alone_cannot_replace_the_app(member):
    """Issue 22, finding 1: with only a signed-in session, the set-up page gave a new secret and
    a code made from it replaced the app and every recovery code."""
    give_authenticator(member)
    before = Authenticator.objects.get(user=member)
    codes_before = recovery_hashes(member)
    thief = Client()
    thief.force_login(member)
    page = thief.get("/two-factor/set-up")
    # No new secret is shown: the current app (or a recovery code) is asked for first.
    assert page.status_code == 302
    assert page["Location"].startswith("/two-factor/set-up/confirm")
    assert "secret-key" not in thief.get(page["Location"]).content.decode()
    # A secret kept in the session from an earlier page does not help either.
    new_secret = totp.secret_new()
    session = thief.session
    session["two_factor_new_secret"] = {"user": member.pk, "secret": new_secret}
    session.save()
    for data in ({"code": fresh_code(new_secret)}, {"code": ""}):
        response = thief.post("/two-factor/set-up", data)
        assert response.status_code == 302
        assert response["Location"].startswith("/two-factor/set-up/confirm")
    after = Authenticator.objects.get(user=member)
    assert (after.confirmed_at, after.last_used_step) == (
        before.confirmed_at,
        before.last_used_step,
    )
    assert recovery_hashes(member) == codes_before
    assert "two_factor.enrolled" not in actions(member)[1:]


def test_the_service_refuses_to_replace_an_app_without_the_current_factor(member, reviewer):
    from two_factor.services import CodeCheck, authenticator_enrol

    give_authenticator(member)
    codes_before = recovery_hashes(member)
    new_secret = totp.secret_new()
    result = authenticator_enrol(
        user=member, secret=new_secret, code=fresh_code(new_secret), client="test"
    )
    assert result is CodeCheck.CURRENT_FACTOR_NEEDED
    assert recovery_hashes(member) == codes_before

    # Staff held for their required set-up in one browser, who set an app up in another
    # meanwhile: the first browser's page cannot replace it.
    pending = Client()
    assert password_step(pending, reviewer)["Location"] == "/two-factor/set-up"
    pending_secret = secret_on_page(pending.get("/two-factor/set-up").content.decode())
    give_authenticator(reviewer)
    response = pending.post("/two-factor/set-up", {"code": fresh_code(pending_secret)})
    assert response["Location"] == "/sign-in"
    assert not is_signed_in(pending)
    assert actions(reviewer).count("two_factor.enrolled") == 1


def test_replacing_the_app_after_a_code_from_the_current_one(member):
    old_secret, old_codes = give_authenticator_with_recovery_codes(member)
    client = Client()
    client.force_login(member)
    status = client.get("/two-factor").content.decode()
    link = re.search(r'href="(/two-factor/[^"]*)">Set up a new authenticator app', status)
    confirm_url = link.group(1)
    assert confirm_url == "/two-factor/set-up/confirm?next=/two-factor"
    # the set-up page itself sends there too
    assert client.get("/two-factor/set-up?next=/two-factor")["Location"] == (
        "/two-factor/set-up/confirm?next=%2Ftwo-factor"
    )
    page = client.get(confirm_url)
    body = page.content.decode()
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    assert "Set up a new authenticator app" in body
    assert "Enter the 6-digit code from your authenticator app" in body
    assert "Use a recovery code instead" in body
    for data, message in [
        ({}, ENTER_CODE),
        ({"code": "12ab56"}, "The code must be 6 numbers"),
        ({"code": wrong_code(old_secret)}, "Enter the correct code from your authenticator app"),
    ]:
        response = client.post(confirm_url, data)
        assert response.status_code == 400
        assert message in response.content.decode()
    # a code from the app being replaced opens the set-up page, for this session only
    response = client.post(confirm_url, {"code": fresh_code(old_secret)})
    assert response["Location"] == "/two-factor/set-up?next=%2Ftwo-factor"
    other = Client()
    other.force_login(member)
    assert other.get("/two-factor/set-up")["Location"].startswith("/two-factor/set-up/confirm")
    page = client.get(response["Location"])
    assert page.status_code == 200
    # the way back keeps the app they have (found by the browser walk: it said "Do this later")
    assert '<a href="/two-factor">Cancel and keep your current app</a>' in page.content.decode()
    assert "Do this later" not in page.content.decode()
    new_secret = secret_on_page(page.content.decode())
    assert "Set up a new authenticator app" in page.content.decode()
    response = client.post(
        "/two-factor/set-up", {"code": fresh_code(new_secret), "next": "/two-factor"}
    )
    assert response["Location"] == "/two-factor/recovery-codes?next=%2Ftwo-factor"
    new_codes = re.findall(
        r"<code>([a-z2-9-]{19})</code>", client.get(response["Location"]).content.decode()
    )
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    assert authenticator_secret(Authenticator.objects.get(user=member)) == new_secret
    entries = AuditEntry.objects.filter(actor=member, action__startswith="two_factor.")
    verified = entries.filter(action="two_factor.verified").get()
    assert verified.after["purpose"] == "replace"
    assert entries.filter(action="two_factor.enrolled").last().after["replaced"] is True
    # the permission was used up with the replacement: another new app asks again
    assert client.get("/two-factor/set-up")["Location"].startswith("/two-factor/set-up/confirm")


def test_replacing_a_lost_app_with_a_recovery_code(member):
    _, old_codes = give_authenticator_with_recovery_codes(member)
    client = Client()
    client.force_login(member)
    url = "/two-factor/set-up/confirm/recovery-code"
    body = client.get(url).content.decode()
    assert "Enter a recovery code" in body
    assert "Use a code from your authenticator app instead" in body
    response = client.post(url, {"recovery-code": "not-a-code"})
    assert response.status_code == 400
    assert "Enter a correct recovery code" in response.content.decode()
    response = client.post(url, {"recovery-code": old_codes[0]})
    assert response["Location"] == "/two-factor/set-up"
    new_secret = secret_on_page(client.get("/two-factor/set-up").content.decode())
    response = client.post("/two-factor/set-up", {"code": fresh_code(new_secret)})
    assert response["Location"] == "/two-factor/recovery-codes"
    assert authenticator_secret(Authenticator.objects.get(user=member)) == new_secret
    used = AuditEntry.objects.get(actor=member, action="two_factor.recovery_code_used")
    assert used.after["purpose"] == "replace"


def test_the_permission_to_replace_the_app_lasts_ten_minutes(member, clock):
    secret = give_authenticator(member)
    client = Client()
    client.force_login(member)
    client.post("/two-factor/set-up/confirm", {"code": fresh_code(secret)})
    assert client.get("/two-factor/set-up").status_code == 200
    clock.advance(minutes=11)
    client.force_login(member)  # the session's own idle limit is not what is tested here
    assert client.get("/two-factor/set-up")["Location"].startswith("/two-factor/set-up/confirm")


def test_the_confirm_step_counts_towards_the_lockout(member):
    secret = give_authenticator(member)
    client = Client()
    client.force_login(member)
    for _ in range(5):
        client.post("/two-factor/set-up/confirm", {"code": wrong_code(secret)})
    response = client.post("/two-factor/set-up/confirm", {"code": fresh_code(secret)})
    assert response.status_code == 400
    assert LOCKED in response.content.decode()
    assert client.get("/two-factor/set-up")["Location"].startswith("/two-factor/set-up/confirm")


def test_setting_up_a_first_app_asks_for_no_current_code(member):
    client = Client()
    client.force_login(member)
    assert client.get("/two-factor/set-up").status_code == 200
    assert client.get("/two-factor/set-up/confirm")["Location"] == "/two-factor/set-up"
