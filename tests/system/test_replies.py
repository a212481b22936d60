"""A reply to NHS England in Chromium (issue 25, item 5; ADR 0037): the organisation replies to a
reviewer's hold, is told a reply that is too long is too long (the text kept), sends it, and
reads it under the hold; the reviewer reads it on the holds section and the timeline. Every page
is checked for markup shown as text, the CSP and axe (tests/system/page_checks.py), at 1280 px and
at 320 px (screenshots in test-artifacts/screenshots/replies/)."""

import pytest
from django.test import Client
from playwright.sync_api import expect

from applications.models import Application
from tests.answer_sets import SUPPLIER
from tests.system.page_checks import Walk, WatchedUser
from tests.web.conftest import Applicant
from tests.workflow.replies_support import CHANGE_COMMENT, COMMENT, reviewer_said_everything
from workflow.decisions.review import review_start, reviewer_hold_raise

pytestmark = pytest.mark.system

REVIEWER = "reviewer@england.example"
SUPPLIER_EMAIL = "pm@southern.example"
HOLD_REASON = "Your DSPT publication date does not match the DSPT register."
REPLY = "We published this year's DSPT on 1 December 2026.\nThe register shows it from today."


@pytest.fixture
def held(people):
    """The supplier's submitted application, in review with the reviewer, paused by their hold."""
    client = Client()
    client.force_login(people["supplier"])
    applicant = Applicant(client).start("consumer")
    applicant.answer_all(SUPPLIER)
    assert applicant.submit().status_code == 302
    application = Application.objects.get()
    review_start(
        application=application,
        actor=people["reviewer"],
        expected_version=application.stage2_version,
    )
    application.refresh_from_db()
    reviewer_hold_raise(
        application=application,
        actor=people["reviewer"],
        expected_version=application.stage2_version,
        reason=HOLD_REASON,
    )
    return application


def at_both_widths(user: WatchedUser, state: str) -> None:
    """Check the page (markup, CSP, axe, screenshot) at 1280 px and at 320 px, where it must not
    scroll sideways."""
    for width in (1280, 320):
        user.page.set_viewport_size({"width": width, "height": 900})
        user.check_page(f"{state}-{width}px")
        wide = user.page.evaluate("document.documentElement.scrollWidth")
        assert wide <= width, f"{state} is {wide}px wide at {width}px"
    user.page.set_viewport_size({"width": 1280, "height": 900})


def test_the_organisation_replies_to_a_hold_and_the_reviewer_reads_it(
    browser, axe_source, live_server, held
):
    walk = Walk("replies")
    try:
        org = walk.person(browser, axe_source, live_server.url, "organisation")
        org.given_i_have_signed_in_as(SUPPLIER_EMAIL)
        org.visit(f"/applications/{held.pk}")
        org.then_i_see(HOLD_REASON)
        org.follow_link("Reply to NHS England about this hold")
        org.then_i_see_heading("Reply to NHS England")
        at_both_widths(org, "asked")

        too_long = "x" * 1950 + "\n" + "y" * 50  # 2,001 characters
        org.fill("Your reply", too_long)
        org.press_button("Send reply")
        org.then_i_see_the_error("Reply must be 2,000 characters or fewer")
        expect(org.page.get_by_label("Your reply")).to_have_value(too_long)
        at_both_widths(org, "too-long")

        org.fill("Your reply", REPLY)
        org.press_button("Send reply")
        org.then_i_see_success("Your reply has been sent to NHS England")
        banner = org.page.get_by_test_id("pause-banner")
        expect(banner).to_contain_text(HOLD_REASON)
        expect(banner).to_contain_text("We published this year's DSPT on 1 December 2026.")
        expect(banner.get_by_role("link", name="Reply again about this hold")).to_be_visible()
        at_both_widths(org, "replied")

        desk = walk.person(browser, axe_source, live_server.url, "reviewer")
        desk.given_i_have_signed_in_as(REVIEWER, lands_on="Applications to review")
        desk.visit(f"/review/applications/{held.pk}")
        desk.then_i_see("Reply from the organisation: A hold raised on")
        desk.follow_link("Reply from the organisation: A hold raised on", exact=False)
        desk.then_i_see("Replies from the organisation")
        thread = desk.page.get_by_test_id("reply-thread")
        expect(thread).to_contain_text(HOLD_REASON)
        expect(thread).to_contain_text(f"Reply from {SUPPLIER_EMAIL}")
        expect(thread).to_contain_text("The register shows it from today.")
        at_both_widths(desk, "holds")

        desk.visit(f"/review/applications/{held.pk}/timeline?kind=replies")
        desk.then_i_see("Reply about a hold raised on")
        desk.then_i_see("The register shows it from today.")
        at_both_widths(desk, "timeline")
        walk.then_every_page_loaded_was_checked()
    finally:
        walk.close()


def test_replies_to_a_comment_a_change_request_and_a_document_request_are_read_by_the_reviewer(
    browser, axe_source, live_server, people
):
    client = Client()
    client.force_login(people["supplier"])
    said = reviewer_said_everything(Applicant(client).start("consumer"), people["reviewer"])
    application = said.application
    walk = Walk("replies-three-kinds")
    try:
        org = walk.person(browser, axe_source, live_server.url, "organisation")
        org.given_i_have_signed_in_as(SUPPLIER_EMAIL)
        replies = {
            "comment": (f"/applications/{application.pk}", "this comment", COMMENT),
            "change_request": (
                f"/applications/{application.pk}/stage-2/questions/s_cso",
                "this change request",
                CHANGE_COMMENT,
            ),
            "document_request": (
                f"/applications/{application.pk}/documents/{said.document.pk}",
                "this document request",
                "The latest signed version",
            ),
        }
        for to, (page, what, reviewer_said) in replies.items():
            org.visit(page)
            org.then_i_see(reviewer_said)
            org.follow_link(f"Reply to NHS England about {what}")
            org.then_i_see_heading("Reply to NHS England")
            org.fill("Your reply", f"Our answer about {what}.")
            org.press_button("Send reply")
            org.then_i_see_success("Your reply has been sent to NHS England")
            org.then_i_see(f"Our answer about {what}.")
            expect(org.page.get_by_role("link", name=f"Reply again about {what}")).to_be_visible()
            at_both_widths(org, f"replied-{to}")

        desk = walk.person(browser, axe_source, live_server.url, "reviewer")
        desk.given_i_have_signed_in_as(REVIEWER, lands_on="Applications to review")
        base = f"/review/applications/{application.pk}"
        for section, what in (
            ("comments", "this comment"),
            ("answers", "this change request"),
            ("evidence", "this document request"),
        ):
            desk.visit(f"{base}/{section}")
            thread = desk.page.get_by_test_id("reply-thread")
            expect(thread).to_contain_text(f"Our answer about {what}.")
            at_both_widths(desk, section)
        walk.then_every_page_loaded_was_checked()
    finally:
        walk.close()
