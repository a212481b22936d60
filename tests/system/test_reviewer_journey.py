"""NHS England's side in Chromium: the queue, an application, every decision, and the applicant
answering a request for changes. axe checks every page each journey reaches."""

import pytest
from django.test import Client
from playwright.sync_api import expect

from applications.models import Application
from applications.states import Stage2State
from tests.answer_sets import SUPPLIER
from tests.attestations.support import attest_all
from tests.system.browser_user import BrowserUser
from tests.system.conftest import ARTIFACTS, new_context
from tests.web.conftest import Applicant

pytestmark = pytest.mark.system

REVIEWER = "reviewer@england.example"


@pytest.fixture
def submitted(people):
    """The supplier's application, answered and submitted (through the pages, by Django's test
    client: the browser journeys for applicants are tested elsewhere)."""
    client = Client()
    client.force_login(people["supplier"])
    applicant = Applicant(client).start("consumer")
    applicant.answer_all(SUPPLIER)
    assert applicant.submit().status_code == 302
    return Application.objects.get()


def applicant_in_browser(browser, axe_source, live_server, javascript, name):
    context = new_context(browser, javascript=javascript)
    return context, BrowserUser(
        page=context.new_page(),
        base_url=live_server.url,
        screenshots=ARTIFACTS / f"{name}-applicant",
        axe_source=axe_source,
        javascript=javascript,
    )


def test_a_reviewer_requests_changes_the_applicant_makes_them_and_the_reviewer_approves(
    me, submitted, browser, axe_source, live_server, javascript, request
):
    me.given_i_have_signed_in_as(REVIEWER, lands_on="Applications to review")
    me.then_i_see(submitted.reference)

    # Filter the queue, then open the application.
    me.select("State", "Submitted")
    me.press_button("Apply filters")
    me.then_i_see("1 application match")
    me.follow_link(submitted.reference)
    me.then_i_see_heading(f"Application {submitted.reference}")

    me.press_button("Start review")
    me.then_i_see_success("You have started the review")

    # Changes are asked for where the answers are read: one answer at a time, collected, then
    # sent together. A comment is needed.
    me.follow_link("Answers")
    me.then_i_see("Submitted answers")
    me.follow_link("Request a change to question 6", exact=False)
    me.then_i_see("Provide the name and professional registration")
    me.press_button("Add change request")
    me.then_i_see_the_error("Enter a comment")
    me.fill("What does the organisation need to change?", "Add the CSO's registration body.")
    me.press_button("Add change request")
    me.then_i_see_success("Your request for a change to question 6 is kept")
    me.then_i_see("Your change request (not sent):")
    me.follow_link("Send 1 change request to the organisation")
    me.then_i_see("Send 1 change request to the organisation?")
    me.press_button("Send change request")
    me.then_i_see_success("You have asked the organisation to change 1 answer")

    # The applicant sees the comment and can change only that answer.
    context, applicant = applicant_in_browser(
        browser, axe_source, live_server, javascript, request.node.name
    )
    try:
        applicant.given_i_have_signed_in_as("pm@southern.example")
        applicant.follow_link(submitted.reference)
        applicant.follow_link("2. Governance Assurance")
        applicant.then_i_see("NHS England: Add the CSO's registration body.")
        applicant.follow_link("6. Clinical Safety Officer")
        expect(applicant.page.get_by_test_id("change-comment")).to_contain_text(
            "Add the CSO's registration body."
        )
        # Question 6 names the CSO in the key personnel (ADR 0046): she is recorded there.
        applicant.fill("Full name", "Dr Ada Lovelace")
        applicant.fill("Job title", "Clinical Safety Officer")
        applicant.fill("Email address", "ada.lovelace@southern.example")
        applicant.fill("Professional body", "UK CSO register")
        applicant.fill("Registration number", "GMC 1234567")
        applicant.press_button("Save and continue")
        applicant.then_i_see_heading("Check your answers before submitting")
        expect(
            applicant.page.get_by_role("link", name="Change Information Security")
        ).to_have_count(0)
        applicant.press_button("Accept and send")
        applicant.then_i_see_the_confirmation()
    finally:
        context.close()

    # The reviewer sees what changed, starts again, pauses and resumes, asks for a document,
    # and approves.
    me.visit(f"/review/applications/{submitted.pk}/answers")
    me.then_i_see("What changed since the last submission")
    me.then_i_see("Dr Ada Lovelace, Clinical Safety Officer, UK CSO register GMC 1234567")
    me.follow_link("Overview")
    me.press_button("Start review")

    me.follow_link("Pause onboarding")
    me.press_button("Pause onboarding")
    me.then_i_see("Enter why onboarding is paused")
    me.fill("Why are you pausing onboarding?", "We are checking your DSPT status.")
    me.press_button("Pause onboarding")
    me.then_i_see_important("Onboarding is paused")
    me.then_i_see("Waiting for NHS England")
    me.follow_link("Hold (NHS England): We are checking your DSPT status.")
    me.follow_link("Lift this hold", exact=False)
    me.fill("Why are you lifting this hold?", "The DSPT team confirmed it.")
    me.press_button("Lift the hold")
    me.then_i_see_success("The hold is lifted")

    me.follow_link("Request a document")
    me.press_button("Send request")
    me.then_i_see("Enter the name of the document you need")
    me.fill("Which document do you need?", "Clinical Safety Case Report")
    me.fill("Day", "31")
    me.fill("Month", "12")
    me.fill("Year", "2026")
    me.press_button("Send request")
    me.then_i_see_success("You have asked for: Clinical Safety Case Report")

    # The CSO's attestation (their own journey is tests/system/test_attestation_journey.py).
    attest_all(submitted)
    me.visit(f"/review/applications/{submitted.pk}")
    me.follow_link("Approve stage 2")
    me.then_i_see("What the approval rests on")
    me.then_i_see("Holds lifted")
    me.press_button("Approve stage 2")
    me.then_i_see_success("Stage 2 is approved")
    for section in ("Answers", "Evidence and documents", "People and attestations", "Holds"):
        me.follow_link(section)
        me.then_i_see_heading(f"Application {submitted.reference}")
    me.follow_link("Comments")
    me.follow_link("Timeline")
    me.then_i_see("Stage 2 approved by")
    me.follow_link("Overview")
    me.follow_link("Mark stage 3 complete")
    me.fill("How was stage 3 completed?", "Home Community ID issued.")
    me.press_button("Mark stage 3 complete")
    me.then_i_see_success("Stage 3 is complete")
    submitted.refresh_from_db()
    assert submitted.stage2_state == Stage2State.APPROVED


@pytest.mark.parametrize("javascript", ["javascript"], indirect=True)
def test_a_decision_by_keyboard_only(me, submitted):
    me.keyboard_only = True
    attest_all(submitted)
    me.given_i_have_signed_in_as(REVIEWER, lands_on="Applications to review")
    me.follow_link(submitted.reference)
    me.press_button("Start review")
    me.then_i_see_success("You have started the review")
    me.follow_link("Approve stage 2")
    me.press_button("Approve stage 2")
    me.then_i_see_success("Stage 2 is approved")
    submitted.refresh_from_db()
    assert submitted.stage2_state == Stage2State.APPROVED
