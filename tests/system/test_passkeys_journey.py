"""Passkeys in Chromium (ADR 0043) with its virtual authenticator, through the Chrome DevTools
Protocol (WebAuthn.addVirtualAuthenticator: CTAP2, internal, resident keys, the person verified):
an applicant adds a passkey after giving their password, signs out, signs in with the passkey
alone (after cancelling once), and removes it. Without JavaScript the pages say passkeys need
it. axe and the markup check on every page the journey reaches."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.system

EMAIL = "ig.lead@northern.example"
CANCELLED = "Your passkey was not used. Try again, and follow what your browser asks"
NEEDS_JAVASCRIPT = "You need to turn on JavaScript in your browser to use a passkey"


@pytest.fixture
def passkey_site(settings, live_server):
    """The relying party is the live server: its host (localhost) and origin."""
    settings.PASSKEY_RP_ID = urlsplit(live_server.url).hostname
    settings.PASSKEY_ORIGIN = live_server.url


def virtual_authenticator(me):
    cdp = me.page.context.new_cdp_session(me.page)
    cdp.send("WebAuthn.enable")
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    return cdp, added["authenticatorId"]


def add_passkey_page(me):
    me.follow_link(EMAIL)
    me.then_i_see_heading("Your account")
    me.then_i_see("You have not added a passkey.")
    me.follow_link("Add a passkey")
    # Adding a passkey asks for the current factor first: the password, as there is no app.
    me.then_i_see_heading("Confirm it is you")
    me.fill("Password", PASSWORD)
    me.press_button("Continue")
    me.then_i_see_heading("Add a passkey")


def test_a_member_adds_a_passkey_signs_in_with_it_and_removes_it(me, passkey_site):
    if me.javascript:
        cdp, authenticator = virtual_authenticator(me)
    me.given_i_have_signed_in_as(EMAIL)
    add_passkey_page(me)
    me.press_button("Add passkey")
    me.then_i_see_the_error("Enter a name for your passkey")
    me.fill("Name your passkey", "This laptop")
    me.press_button("Add passkey")
    if not me.javascript:
        me.then_i_see(NEEDS_JAVASCRIPT)
        me.then_i_see_the_error(NEEDS_JAVASCRIPT)
        me.page.locator("header").get_by_role("button", name="Sign out").click()
        me.then_i_see_heading("You have signed out")
        me.visit("/sign-in")
        me.follow_link("Sign in with a passkey")
        me.then_i_see(NEEDS_JAVASCRIPT)
        me.press_button("Use a passkey")
        me.then_i_see_the_error(NEEDS_JAVASCRIPT)
        return

    me.then_i_see_heading("Your account")
    me.then_i_see_success("Passkey ‘This laptop’ added")
    expect(me.page.get_by_test_id("passkeys")).to_contain_text("This laptop")
    credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})
    assert len(credentials["credentials"]) == 1
    assert credentials["credentials"][0]["isResidentCredential"] is True

    me.page.locator("header").get_by_role("button", name="Sign out").click()
    me.then_i_see_heading("You have signed out")
    me.visit("/sign-in")
    me.follow_link("Sign in with a passkey")
    me.then_i_see_heading("Sign in with a passkey")
    expect(me.page.get_by_text(NEEDS_JAVASCRIPT)).to_be_hidden()
    # The person cancels at the fingerprint or PIN prompt (they are not verified): an error.
    verified = {"authenticatorId": authenticator, "isUserVerified": False}
    cdp.send("WebAuthn.setUserVerified", verified)
    me.press_button("Use a passkey")
    me.then_i_see_the_error(CANCELLED)
    cdp.send("WebAuthn.setUserVerified", {**verified, "isUserVerified": True})
    me.press_button("Use a passkey")
    me.then_i_see_heading("Your applications")

    me.follow_link(EMAIL)
    expect(me.page.get_by_test_id("passkeys")).not_to_contain_text("Not used yet")
    me.follow_link("Remove passkey This laptop")
    me.then_i_see_heading("Confirm it is you")
    me.fill("Password", PASSWORD)
    me.press_button("Continue")
    me.then_i_see_heading("Remove passkey ‘This laptop’")
    me.press_button("Remove passkey")
    me.then_i_see_success("Passkey ‘This laptop’ removed")
    me.then_i_see("You have not added a passkey.")
