"""Sign-in limits: per client address, per email address, and device cookies; every attempt
audited with the client address, refused ones included."""

import pytest
from django.test import Client, RequestFactory

from accounts.client_address import client_address
from audit.models import AuditEntry
from tests.conftest import PASSWORD

LOCKED = "too many times. Wait 15 minutes, then try again"


def attempt(client, email, password="guess", **extra):
    return client.post("/sign-in", {"email": email, "password": password}, **extra)


def test_attempts_while_locked_out_are_audited_with_the_client_address(member):
    client = Client(REMOTE_ADDR="198.51.100.7")
    for _ in range(5):
        attempt(client, member.email)
    response = attempt(client, member.email, PASSWORD)
    assert LOCKED in response.content.decode()
    refused = AuditEntry.objects.get(action="user.sign_in_refused")
    assert refused.after == {"email": member.email, "client": "198.51.100.7", "reason": "email"}
    failed = AuditEntry.objects.filter(action="user.sign_in_failed")
    assert {entry.after["client"] for entry in failed} == {"198.51.100.7"}


def test_one_client_trying_many_addresses_is_refused(member, clock):
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    for number in range(20):
        response = attempt(attacker, f"person{number}@northern.example")
        assert "Enter the correct email address and password" in response.content.decode()
    # the 21st attempt is refused, even for a real address with its right password
    response = attempt(attacker, member.email, PASSWORD)
    assert response.status_code == 400
    assert LOCKED in response.content.decode()
    assert AuditEntry.objects.get(action="user.sign_in_refused").after["reason"] == "client"
    # another client is not affected, and after 15 minutes neither is this one
    assert attempt(Client(REMOTE_ADDR="192.0.2.1"), member.email, PASSWORD).status_code == 302
    clock.advance(minutes=16)
    assert attempt(attacker, member.email, PASSWORD).status_code == 302


def test_a_stranger_cannot_lock_a_user_out_of_the_browser_they_signed_in_with(member, clock):
    usual = Client(REMOTE_ADDR="192.0.2.10")
    assert attempt(usual, member.email, PASSWORD).status_code == 302
    assert usual.cookies["nir_device"]["httponly"]
    usual.post("/sign-out")

    stranger = Client(REMOTE_ADDR="203.0.113.50")
    for _ in range(5):
        attempt(stranger, member.email)
    assert LOCKED in attempt(stranger, member.email, PASSWORD).content.decode()

    # the owner's usual browser presents its device cookie and is not locked out
    assert attempt(usual, member.email, PASSWORD).status_code == 302


def test_a_device_cookie_is_limited_on_its_own(member):
    browser = Client()
    assert attempt(browser, member.email, PASSWORD).status_code == 302
    browser.post("/sign-out")
    for _ in range(5):
        assert "Enter the correct" in attempt(browser, member.email).content.decode()
    assert LOCKED in attempt(browser, member.email, PASSWORD).content.decode()
    refused = AuditEntry.objects.get(action="user.sign_in_refused")
    assert refused.after["reason"] == "device"
    # its failures do not lock the address for other browsers
    assert attempt(Client(REMOTE_ADDR="192.0.2.99"), member.email, PASSWORD).status_code == 302


def test_a_device_cookie_counts_only_for_its_own_address(member, outsider):
    browser = Client()
    assert attempt(browser, member.email, PASSWORD).status_code == 302
    browser.post("/sign-out")
    for _ in range(5):
        attempt(Client(REMOTE_ADDR="203.0.113.1"), outsider.email)
    # the member's device cookie does not unlock someone else's address
    assert LOCKED in attempt(browser, outsider.email, PASSWORD).content.decode()


def test_a_forged_device_cookie_is_ignored(member):
    for _ in range(5):
        attempt(Client(REMOTE_ADDR="203.0.113.1"), member.email)
    forged = Client()
    forged.cookies["nir_device"] = "eyJhZGRyZXNzIjoiIn0:forged:signature"
    assert LOCKED in attempt(forged, member.email, PASSWORD).content.decode()


def test_sign_in_and_sign_out_are_audited_with_the_client_address(member):
    client = Client(REMOTE_ADDR="192.0.2.44")
    attempt(client, member.email, PASSWORD)
    client.post("/sign-out")
    for action in ("user.sign_in", "user.sign_out"):
        assert AuditEntry.objects.get(action=action).after == {"client": "192.0.2.44"}


# --------------------------------------------------------------------------- client_address


def request_from(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_a_proxy_forwarded_for_is_ignored(settings):
    settings.BEHIND_PROXY = False
    assert client_address(request_from("192.0.2.1", "203.0.113.5")) == "192.0.2.1"


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (1, "203.0.113.5", "203.0.113.5"),
        # a client's own X-Forwarded-For is to the left of what the proxy appended
        (1, "10.9.9.9, 203.0.113.5", "203.0.113.5"),
        (2, "1.1.1.1, 203.0.113.5, 10.0.0.2", "203.0.113.5"),
        # fewer hops than proxies, or something that is not an address: believe only REMOTE_ADDR
        (2, "203.0.113.5", "10.0.0.1"),
        (1, "", "10.0.0.1"),
        (1, "not-an-address", "10.0.0.1"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_behind_a_proxy_the_client_is_the_right_most_untrusted_hop(
    settings, proxies, forwarded, expected
):
    settings.BEHIND_PROXY = True
    settings.PROXY_COUNT = proxies
    assert client_address(request_from("10.0.0.1", forwarded)) == expected


def test_behind_a_proxy_a_spoofed_header_cannot_dodge_the_client_limit(member, settings):
    settings.BEHIND_PROXY = True
    settings.PROXY_COUNT = 1
    for number in range(20):
        attempt(
            Client(REMOTE_ADDR="10.0.0.1"),
            f"person{number}@northern.example",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{number}, 203.0.113.9",
        )
    response = attempt(
        Client(REMOTE_ADDR="10.0.0.1"),
        member.email,
        PASSWORD,
        HTTP_X_FORWARDED_FOR="198.51.100.200, 203.0.113.9",
    )
    assert LOCKED in response.content.decode()
