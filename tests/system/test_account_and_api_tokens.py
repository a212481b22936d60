"""Your account and API tokens in Chromium (ADR 0024), axe on every page, with and without
JavaScript: from the header's email address to Your account, then API tokens; a token made
past its errors, after the password is given again, works against the API once, shown once,
and is refused after it is revoked."""

import json
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.system


def api_status(base_url: str, secret: str) -> tuple[int, object]:
    request = urllib.request.Request(  # noqa: S310 - the test's own live server
        f"{base_url}/api/v1/applications", headers={"Authorization": f"Bearer {secret}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as reply:  # noqa: S310
            return reply.status, json.loads(reply.read())
    except urllib.error.HTTPError as error:
        return error.code, None


def test_a_member_makes_an_api_token_uses_it_and_revokes_it(me, live_server):
    me.given_i_have_signed_in_as("ig.lead@northern.example")
    me.follow_link("ig.lead@northern.example")
    me.then_i_see_heading("Your account")
    me.then_i_see("Northern Imaging Trust")
    me.follow_link("API tokens")
    me.then_i_see_heading("API tokens")
    me.then_i_see("You have no tokens in date.")

    # A signed-in session alone does not make a token: the password comes first (issue 22).
    me.press_button("Create a token")
    me.then_i_see_heading("Create an API token")
    me.press_button("Continue")
    me.then_i_see_the_error("Enter your password")
    me.fill("Password", PASSWORD)
    me.press_button("Continue")
    me.then_i_see_heading("API tokens")

    me.press_button("Create token")
    me.then_i_see_the_error("Enter a name for the token")
    me.fill("Name", "PACS integration")
    me.press_button("Create token")
    me.then_i_see_the_error("Select how long the token lasts")
    me.choose("30 days")
    me.press_button("Create token")
    secret = me.page.get_by_test_id("token-secret").inner_text()
    assert secret.startswith("nir_")
    me.then_i_see("We do not keep it and cannot show it to you again.")

    status, body = api_status(live_server.url, secret)
    assert status == 200, body

    # Shown once: the page again lists the token by its start, never the whole secret.
    me.visit("/account/api-tokens")
    expect(me.page.get_by_test_id("new-token")).to_have_count(0)
    assert secret not in me.page.content()
    me.then_i_see("PACS integration")

    me.press_button("Revoke PACS integration")
    me.then_i_see_success("Token PACS integration revoked")
    me.then_i_see("You have no tokens in date.")
    assert api_status(live_server.url, secret)[0] == 401
    # the password given allowed one token: another asks again
    me.press_button("Create a token")
    me.then_i_see_heading("Create an API token")
