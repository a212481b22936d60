"""Administration without a shell (issue 26; ADR 0039), as an administrator and a reviewer live
it in Chromium: the administrator finds the reviewer, resets their two-factor authentication with
a reason, and the reviewer signing in is asked to set it up again; the administrator then filters
the audit log and opens the entry, and deactivates and reactivates the reviewer. Every page
passes tests/system/page_checks.py (no markup shown as text, nothing refused by the CSP, axe),
and the administration pages are looked at 320 px wide too, with no sideways scroll."""

from __future__ import annotations

import re

import pytest

from accounts.models import UserKind
from accounts.services import user_create
from tests.conftest import PASSWORD
from tests.system.page_checks import Walk, _path
from tests.two_factor_support import give_authenticator

pytestmark = pytest.mark.system

REASON = "Lost their phone and recovery codes <checked by video call> & their manager"
PHONE = {"width": 320, "height": 640}
DESKTOP = {"width": 1280, "height": 900}


def at_phone_width(person, state: str) -> None:
    """The page 320 px wide: checked, kept and no wider than the window; then back to 1280 px
    (the page as it was at 1280 px was checked when it arrived)."""
    here = _path(person.page.url)
    person.page.set_viewport_size(PHONE)
    person.page.reload()
    person.check_page(state)
    scroll, window = person.page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert scroll <= window, f"{here} is {scroll}px wide in a {window}px window"
    person.page.set_viewport_size(DESKTOP)
    person.page.reload()
    person.page.wait_for_load_state("load")
    person.checked.extend([here, here])


def test_an_administrator_resets_a_reviewers_two_factor_and_reads_the_audit_log(
    browser, axe_source, live_server, people
):
    reviewer = people["reviewer"]
    reviewer.full_name = "Rosalind Franklin"
    reviewer.save()
    administrator = user_create(
        email="admin@england.example",
        password=PASSWORD,
        kind=UserKind.ADMINISTRATOR,
        full_name="Alan Admin",
        actor=None,
    )
    give_authenticator(administrator)
    walk = Walk("administration")
    try:
        admin = walk.person(browser, axe_source, live_server.url, "administrator")
        admin.given_i_have_signed_in_as("admin@england.example", lands_on="Applications to review")
        admin.visit("/administration")
        admin.then_i_see("The audit log's hash chain has never been checked")
        admin.follow_link("Find a person by name or email address")
        admin.then_i_see_heading("Find a person")
        admin.fill("Name or email address", "ROSALIND")
        admin.press_button("Search")
        admin.then_i_see("1 person found")
        admin.then_i_see("reviewer@england.example")
        at_phone_width(admin, "search-320px")
        admin.follow_link("Rosalind Franklin (reviewer@england.example)")
        admin.then_i_see_heading("Rosalind Franklin")
        admin.then_i_see("Set up")
        at_phone_width(admin, "person-320px")

        admin.press_button("Reset two-factor authentication")
        admin.then_i_see_heading("Reset two-factor authentication for Rosalind Franklin")
        admin.press_button("Reset two-factor authentication")
        admin.then_i_see_the_error("Enter why you are resetting their two-factor authentication")
        admin.fill("Why are you resetting it?", REASON)
        admin.press_button("Reset two-factor authentication")
        admin.then_i_see_heading("Rosalind Franklin")
        admin.then_i_see_success("Two-factor authentication has been reset for Rosalind Franklin")
        admin.then_i_see("Not set up: they must set it up at their next sign-in")

        colleague = walk.person(browser, axe_source, live_server.url, "reviewer")
        colleague.visit("/sign-in")
        colleague.fill("Email address", "reviewer@england.example")
        colleague.fill("Password", PASSWORD)
        colleague.press_button("Sign in")
        colleague.then_i_see_heading("Set up two-factor authentication")
        colleague.then_i_see(
            "You need to set up two-factor authentication before you can use this service"
        )
        colleague.then_i_do_not_see("Do this later")

        admin.visit("/administration")
        admin.follow_link("Look through the audit log")
        admin.then_i_see_heading("Audit log")
        admin.select("What happened", "Two-factor authentication reset")
        admin.fill("Who (name or email address)", "alan")
        admin.press_button("Apply filters")
        admin.then_i_see("1 entry match")
        at_phone_width(admin, "audit-log-320px")
        admin.follow_link(re.compile(r"Two-factor authentication reset"))
        admin.then_i_see_heading(re.compile(r"^Audit entry \d+$"))
        admin.then_i_see("Alan Admin (admin@england.example)")
        admin.then_i_see("Rosalind Franklin (reviewer@england.example)")
        admin.then_i_see(REASON)
        admin.then_i_see("Had an authenticator app")
        at_phone_width(admin, "audit-entry-320px")

        # Deactivating and reactivating, each confirmed first.
        admin.visit(f"/administration/people/{reviewer.pk}")
        admin.press_button("Deactivate the account")
        admin.then_i_see_heading("Are you sure you want to deactivate Rosalind Franklin?")
        admin.press_button("Deactivate Rosalind Franklin")
        admin.then_i_see_success("Rosalind Franklin can no longer sign in")
        admin.then_i_see("They cannot sign in")
        admin.press_button("Reactivate the account")
        admin.then_i_see_heading("Are you sure you want to reactivate Rosalind Franklin?")
        admin.press_button("Reactivate Rosalind Franklin")
        admin.then_i_see_success("Rosalind Franklin can sign in again")
        walk.then_every_page_loaded_was_checked()
    finally:
        walk.close()
