"""Where the organisation stands after each of NHS England's decisions, in Chromium (issue 25,
item 1): changes requested, a hold raised and then lifted, a document requested and approval.
For each, the supplier's lead reads the status on the applications list, opens the application,
reads the design system's notification banner at the top and follows its links. Every page
passes tests/system/page_checks.py (no markup shown as text, nothing refused by the CSP, axe with
0 WCAG 2.2 AA violations) and is saved at 1280 and 320 px wide
(test-artifacts/screenshots/where-you-stand-*).

NHS England's decisions are made through the workflow's services
(tests/workflow/decisions_support.py): the reviewer's pages are walked in
test_lifecycle_pages and test_reviewer_journey; this is about what the organisation sees."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from questionnaire.engine.answers import format_date
from tests.conftest import TODAY
from tests.evidence.conftest import evidence_settings  # noqa: F401 - files in a tmp folder
from tests.system.page_checks import Walk, WatchedUser
from tests.workflow.decisions_support import (
    approved,
    changes_requested,
    document_requested,
    hold_lifted,
    hold_raised,
    reviewing,
    submitted,
)
from workflow.standing import day_text

pytestmark = pytest.mark.system

LEAD = "pm@southern.example"
WIDTHS = (1280, 320)
HOLD_REASON = 'We are checking your DSPT & the "register" entry.'
# Decisions are stamped with the real clock; the service's "today" is pinned (fixed_today).
SENT = day_text(timezone.localdate(), TODAY)


@pytest.fixture
def walk(request):
    walk = Walk(f"where-you-stand-{request.node.name.removeprefix('test_')[:40]}")
    yield walk
    walk.then_every_page_loaded_was_checked()
    walk.close()


@pytest.fixture
def lead(walk, browser, axe_source, live_server, people) -> WatchedUser:
    user = walk.person(browser, axe_source, live_server.url, "lead")
    user.given_i_have_signed_in_as(LEAD)
    return user


def at_both_widths(user: WatchedUser, state: str) -> None:
    """Check and save the page at each width; nothing wider than the screen."""
    for width in WIDTHS:
        user.page.set_viewport_size({"width": width, "height": 900})
        user.check_page(f"{state}-{width}px")
        wider = user.page.evaluate("document.documentElement.scrollWidth")
        assert wider <= width, f"{state} is {wider}px wide at {width}px"
    user.page.set_viewport_size({"width": 1280, "height": 900})


def then_the_list_says(user: WatchedUser, reference: str, tag: str, *waiting: str) -> None:
    user.visit("/")
    row = user.page.get_by_role("row").filter(has_text=reference)
    expect(row.locator(".nhsuk-tag")).to_have_text(tag)
    for line in waiting:
        expect(row).to_contain_text(line)
    at_both_widths(user, "list")


def when_i_open(user: WatchedUser, reference: str) -> None:
    user.visit("/")
    user.follow_link(reference)
    user.then_i_see_heading(f"Application {reference}")


def the_banner(user: WatchedUser):
    return user.page.get_by_test_id("standing-banner")


def test_changes_requested(lead, people):
    application = submitted(people["supplier"])
    changes_requested(
        application,
        people["reviewer"],
        {"s_cso": "Give the registration number.", "s_pki": "Say who monitors renewals."},
    )
    then_the_list_says(
        lead, application.reference, "Changes requested", "Changes requested: 2 answers"
    )
    when_i_open(lead, application.reference)
    banner = the_banner(lead)
    expect(banner.get_by_role("heading", level=2)).to_have_text("Important")
    expect(banner).to_contain_text("NHS England has asked you to change 2 answers")
    expect(lead.page.locator(".nhsuk-notification-banner--success")).to_have_count(0)
    at_both_widths(lead, "changes-requested")

    question = banner.get_by_role("link", name=re.compile(r"^Question 6: "))
    lead.follow_link(question.inner_text())
    lead.then_i_see("Give the registration number.")
    when_i_open(lead, application.reference)
    lead.follow_link("Check your answers and send them again")
    lead.then_i_see_heading("Check your answers")


def test_a_hold_raised_and_then_lifted(lead, people):
    application = reviewing(submitted(people["supplier"]), people["reviewer"])
    hold = hold_raised(application, people["reviewer"], HOLD_REASON)
    then_the_list_says(lead, application.reference, "Paused", "Paused by NHS England")
    when_i_open(lead, application.reference)
    pause = lead.page.get_by_test_id("pause-banner")
    expect(pause.get_by_role("heading", level=2)).to_have_text("Important")
    expect(pause).to_contain_text("Onboarding is paused")
    expect(pause).to_contain_text(HOLD_REASON)
    expect(pause).to_contain_text(
        "NHS England will lift this hold when the reason for it has been dealt with."
    )
    expect(lead.page.locator(".nhsuk-notification-banner--success")).to_have_count(0)
    at_both_widths(lead, "paused")

    hold_lifted(hold, people["reviewer"])
    then_the_list_says(lead, application.reference, "In review", f"With NHS England since {SENT}")
    when_i_open(lead, application.reference)
    expect(lead.page.locator(".nhsuk-notification-banner")).to_have_count(0)
    lead.then_i_do_not_see(HOLD_REASON)
    at_both_widths(lead, "resumed")


def test_a_document_requested(lead, people):
    application = submitted(people["supplier"])
    document_requested(
        application, people["reviewer"], "Clinical Safety Case Report", date(2026, 12, 12)
    )
    then_the_list_says(
        lead,
        application.reference,
        "Submitted",
        "Document requested: due 12 December",
        f"With NHS England since {SENT}",
    )
    when_i_open(lead, application.reference)
    banner = the_banner(lead)
    expect(banner.get_by_role("heading", level=2)).to_have_text("Important")
    expect(banner).to_contain_text("NHS England has asked for a document: Clinical Safety Case")
    expect(banner).to_contain_text("Send it by 12 December 2026.")
    at_both_widths(lead, "document-requested")
    lead.follow_link("Send the Clinical Safety Case Report")
    lead.then_i_see_heading("Clinical Safety Case Report")


def test_approved(lead, people):
    application = approved(submitted(people["supplier"]), people["reviewer"])
    then_the_list_says(lead, application.reference, "Approved", f"Approved on {SENT}")
    when_i_open(lead, application.reference)
    banner = lead.page.locator(".nhsuk-notification-banner--success")
    expect(banner.get_by_role("heading", level=2)).to_have_text("Success")
    expect(banner).to_contain_text(
        f"NHS England approved stage 2 on {format_date(timezone.localdate())}"
    )
    expect(banner).to_contain_text("Stage 3, Home Community ID integration, is now open.")
    lead.then_i_do_not_see("Stage 3 cannot start until")
    at_both_widths(lead, "approved")
    banner.get_by_role("link", name="See your onboarding stages").click()
    expect(lead.page).to_have_url(re.compile(r"#onboarding-stages$"))
    expect(lead.page.get_by_role("heading", name="Onboarding stages")).to_be_in_viewport()
    stage3 = lead.page.locator(".nhsuk-task-list__item").filter(
        has_text="3. Home Community ID integration"
    )
    expect(stage3.locator(".nhsuk-tag")).to_have_text("Open")
