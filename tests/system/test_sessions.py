"""Sessions in the browser: the warning before the idle limit, staying signed in, being signed
out, and an answer typed when the session ended coming back after signing in again."""

import time

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.system

IDLE_LIMIT = 15
WARN_BEFORE = 11


@pytest.fixture
def short_idle_limit(settings):
    settings.SESSION_COOKIE_AGE = IDLE_LIMIT
    settings.SESSION_TIMEOUT_WARNING = WARN_BEFORE


def the_warning(me):
    return me.page.get_by_role("dialog", name="You’re about to be signed out")


@pytest.mark.parametrize("javascript", [True], ids=["javascript"])
def test_a_warning_before_the_idle_limit_lets_me_stay_signed_in(me, short_idle_limit):
    me.given_i_have_signed_in_as("ig.lead@northern.example")
    signed_in_at = time.monotonic()
    me.page.locator("header").get_by_role("button", name="Sign out").focus()

    # when I do nothing, then I am warned before the idle limit, with focus on the dialog
    warning = the_warning(me)
    expect(warning).to_be_visible(timeout=(IDLE_LIMIT - WARN_BEFORE + 5) * 1000)
    expect(warning).to_contain_text("For your security, we will sign you out in")
    expect(warning).to_contain_text("Any answer you have not saved will be lost")
    expect(warning).to_have_attribute("aria-modal", "true")
    stay = warning.get_by_role("button", name="Stay signed in")
    expect(stay).to_be_focused()
    expect(warning.get_by_role("button", name="Sign out")).to_be_visible()
    me.check_page("timeout-warning")

    # when I choose to stay signed in, the dialog closes and focus goes back where it was
    stay.click()
    expect(warning).to_be_hidden()
    expect(me.page.locator("header").get_by_role("button", name="Sign out")).to_be_focused()

    # then I am still signed in after the time the session would have ended
    me.page.wait_for_timeout(max(0, signed_in_at + IDLE_LIMIT + 1 - time.monotonic()) * 1000)
    me.visit("/")
    me.then_i_see_heading("Your applications")

    # Escape also means "stay signed in"
    expect(warning).to_be_visible(timeout=(IDLE_LIMIT - WARN_BEFORE + 5) * 1000)
    me.page.keyboard.press("Escape")
    expect(warning).to_be_hidden()

    # when I do not answer the warning, then I am signed out and taken to sign in
    expect(warning).to_be_visible(timeout=(IDLE_LIMIT - WARN_BEFORE + 5) * 1000)
    me.page.wait_for_url("**/sign-in?next=%2F", timeout=(WARN_BEFORE + 5) * 1000)
    me.then_i_see_heading("Sign in")
    me.visit("/account")
    me.then_i_see_heading("Sign in")


def end_every_session():
    """As the idle limit ends them: through the session engine, so that a session read through
    a cache (cached_db with Redis, ADR 0027) ends there too."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.sessions.models import Session

    store = import_module(settings.SESSION_ENGINE).SessionStore
    for key in Session.objects.values_list("session_key", flat=True):
        store(session_key=key).delete()
    assert not Session.objects.exists()


def test_an_answer_typed_when_the_session_ended_is_back_after_signing_in(me):

    me.given_i_have_signed_in_as("pm@southern.example")
    me.given_i_have_started_an_application()
    me.press_button("Start now")
    me.choose("Data Processor (Supplier)")
    me.fill("Product name", "PACS One")
    me.fill("Product version", "4.2.1")

    # when my session ends before I save, and I save
    end_every_session()
    me.press_button("Save and continue")

    # then I am asked to sign in, and afterwards I see what I typed, not yet saved
    me.then_i_see_heading("Sign in")
    me.when_i_sign_in_as("pm@southern.example")
    me.then_i_see("We kept the answer you entered. Check it and continue to save it.")
    expect(me.page.get_by_role("radio", name="Data Processor (Supplier)")).to_be_checked()
    expect(me.page.get_by_label("Product name", exact=True)).to_have_value("PACS One")
    expect(me.page.get_by_label("Product version", exact=True)).to_have_value("4.2.1")

    # when I continue, it is saved and I go on to the next question
    me.press_button("Save and continue")
    me.then_i_see_heading("question 2")
    me.then_i_do_not_see("We kept the answer you entered")


def test_the_warning_works_under_the_real_content_security_policy(
    browser, live_server, people, short_idle_limit
):
    from tests.system.conftest import new_context

    context = new_context(browser, javascript=True, bypass_csp=False)
    page = context.new_page()
    refused = []
    page.on(
        "console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None
    )
    page.goto(live_server.url + "/sign-in")
    page.get_by_label("Email address", exact=True).fill("ig.lead@northern.example")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    warning = page.get_by_role("dialog", name="You’re about to be signed out")
    expect(warning).to_be_visible(timeout=(IDLE_LIMIT - WARN_BEFORE + 5) * 1000)
    warning.get_by_role("button", name="Stay signed in").click()
    expect(warning).to_be_hidden()
    assert refused == []
    context.close()
