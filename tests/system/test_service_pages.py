"""The pages every NHS service has, as a newcomer and an administrator live them in Chromium:
the start page at `/` leads to sign-in, every footer link opens its page, and the feedback link
in the phase banner records feedback that an administrator then reads. Every page passes
tests/system/page_checks.py (no markup shown as text, nothing refused by the CSP, axe)."""

from __future__ import annotations

import pytest

from accounts.models import UserKind
from accounts.services import user_create
from tests.conftest import PASSWORD
from tests.system.page_checks import Walk
from tests.two_factor_support import give_authenticator

pytestmark = pytest.mark.system

SUGGESTION = 'Say how long the "review" takes & who to ask, <2 weeks before starting.'
FOOTER = {
    "Help and contact": "Help and contact",
    "Accessibility statement": "Accessibility statement for Onboard to the National Imaging",
    "Privacy notice": "Privacy notice",
    "Cookies": "Cookies",
}


def test_a_newcomer_reads_the_start_page_the_footer_pages_and_gives_feedback(
    browser, axe_source, live_server, people
):
    walk = Walk("service-pages")
    try:
        newcomer = walk.person(browser, axe_source, live_server.url, "newcomer")
        newcomer.visit("/")
        newcomer.then_i_see_heading("Onboard to the National Imaging Registry")
        newcomer.then_i_see("Before you start")
        newcomer.then_i_see("You need an invitation to use this service")
        for link, heading in FOOTER.items():
            newcomer.page.get_by_role("contentinfo").get_by_role("link", name=link).click()
            newcomer._arrived()
            newcomer.then_i_see_heading(heading)
        # every cookie the cookies page names is one the service sets (the lifecycle test
        # checks the other way: every cookie set is named here)
        for name in ("sessionid", "csrftoken", "messages", "nir_device"):
            newcomer.then_i_see(name)

        newcomer.follow_link("feedback")
        newcomer.then_i_see_heading("Give feedback on this service")
        newcomer.press_button("Send feedback")
        newcomer.then_i_see_the_error("Select how you feel about this service")
        newcomer.fill("How could we improve this service? (optional)", SUGGESTION)
        newcomer.choose("Satisfied")
        newcomer.press_button("Send feedback")
        newcomer.then_i_see_heading("Thank you for your feedback")

        newcomer.visit("/")
        newcomer.press_button("Sign in")  # a link drawn as a button
        newcomer.then_i_see_heading("Sign in")

        administrator = user_create(
            email="admin@england.example",
            password=PASSWORD,
            kind=UserKind.ADMINISTRATOR,
            actor=None,
        )
        give_authenticator(administrator)
        admin = walk.person(browser, axe_source, live_server.url, "administrator")
        admin.given_i_have_signed_in_as("admin@england.example", lands_on="Applications to review")
        admin.visit("/administration")
        admin.follow_link("Feedback from people using the service")
        admin.then_i_see_heading("Feedback")
        admin.then_i_see(SUGGESTION)
        admin.then_i_see("Satisfied")
        admin.then_i_see("/cookies")  # the page it was given from
        walk.then_every_page_loaded_was_checked()
    finally:
        walk.close()
