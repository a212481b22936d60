"""Key personnel who attest, in Chromium (ADR 0012): the applicant records the Clinical Safety
Officer and asks them to attest question 8; the CSO follows the emailed link, creates an account
and attests; the reviewer sees it and approves. axe checks every page each of them reaches."""

import re

import pytest
from django.core import mail
from django.test import Client

from applications.models import Application
from attestations.models import Attestation, AttestationStatus
from tests.answer_sets import SUPPLIER
from tests.system.browser_user import BrowserUser
from tests.system.conftest import ARTIFACTS, new_context
from tests.web.conftest import Applicant

pytestmark = pytest.mark.system

CSO_EMAIL = "ada.lovelace@southern.example"


def someone_else(browser, axe_source, live_server, javascript, name):
    context = new_context(browser, javascript=javascript)
    return context, BrowserUser(
        page=context.new_page(),
        base_url=live_server.url,
        screenshots=ARTIFACTS / name,
        axe_source=axe_source,
        javascript=javascript,
    )


def test_the_cso_attests_through_the_link_and_the_reviewer_sees_it(
    me, people, browser, axe_source, live_server, javascript, request
):
    # Given the supplier's answers (through the pages, by Django's test client).
    client = Client()
    client.force_login(people["supplier"])
    Applicant(client).start("consumer").answer_all(SUPPLIER)
    application = Application.objects.get()

    # The applicant records the CSO, putting right what they left out.
    me.given_i_have_signed_in_as("pm@southern.example")
    me.follow_link(application.reference)
    me.follow_link("2. Governance Assurance")
    me.follow_link("Key personnel")
    me.then_i_see("You have not recorded anyone yet.")
    me.press_button("Add a person")
    me.choose("Clinical Safety Officer")
    me.press_button("Save")
    me.then_i_see_the_error("Enter the person's full name")
    me.then_i_see_the_error("Enter their professional registration number")
    me.fill("Full name", "Dr Ada Lovelace")
    me.fill("Job title", "Clinical Safety Officer")
    me.fill("Email address", CSO_EMAIL)
    me.fill("Professional body", "General Medical Council")
    me.fill("Registration number", "1234567")
    me.press_button("Save")
    me.then_i_see_success("Dr Ada Lovelace is recorded as Clinical Safety Officer")

    # …and asks them to attest question 8 (the only CSO is chosen already). Submission does not
    # wait for them.
    me.follow_link("Ask them to attest your answers")
    me.then_i_see("Not asked yet")
    me.then_i_see("Who will attest question 8: DCB0129 compliance?")
    me.press_button("Send the requests")
    me.then_i_see_success("We have emailed Dr Ada Lovelace one link to attest 1 answer")
    me.then_i_see("Waiting for a response")
    me.visit(f"/applications/{application.pk}/stage-2/check-answers")
    me.press_button("Accept and send")
    me.then_i_see_the_confirmation()

    # The CSO follows the link in the email, creates an account and attests.
    [email] = [m for m in mail.outbox if m.to == [CSO_EMAIL]]
    path = re.search(r"/attest/\S+", email.body).group(0)
    context, cso = someone_else(
        browser, axe_source, live_server, javascript, f"{request.node.name}-cso"
    )
    try:
        cso.visit(path)
        cso.then_i_see_heading("Southern Scans Ltd has asked you to attest its answers")
        cso.then_i_see("Question 8: DCB0129 compliance")
        cso.follow_link(f"Create an account for {CSO_EMAIL}")
        cso.press_button("Create account")
        cso.then_i_see_the_error("Enter a password")
        cso.fill("Create a password", "Correct-Horse-Battery-9")
        cso.fill("Confirm your password", "Correct-Horse-Battery-9")
        cso.press_button("Create account")
        cso.then_i_see_heading("Set up two-factor authentication")
        cso.follow_link("Do this later")
        cso.then_i_see_heading("Attest Southern Scans Ltd's answers")
        cso.then_i_see("Confirm that your manufacturer and product are compliant")
        cso.then_i_see("I confirm that our manufacturer and product are compliant")
        cso.press_button("Send my responses")
        cso.then_i_see_the_error("Select whether you attest the statement for question 8")
        cso.choose("Yes, I attest this statement for question 8")
        cso.press_button("Send my responses")
        cso.then_i_see_success("We have sent your responses")
        cso.then_i_see_heading("Your responses")
        # The link works once.
        cso.visit(path)
        cso.then_i_see_heading("This link has already been used")
    finally:
        context.close()
    assert Attestation.objects.get().status == AttestationStatus.ATTESTED

    # The reviewer sees it on the application and approves.
    context, desk = someone_else(
        browser, axe_source, live_server, javascript, f"{request.node.name}-reviewer"
    )
    try:
        desk.given_i_have_signed_in_as(
            "reviewer@england.example", lands_on="Applications to review"
        )
        desk.follow_link(application.reference)
        desk.press_button("Start review")
        desk.follow_link("People and attestations")
        desk.then_i_see("Dr Ada Lovelace, Clinical Safety Officer (ada.lovelace@southern.example)")
        desk.then_i_see("of answer revision 1")
        desk.follow_link("Overview")
        desk.follow_link("Approve stage 2")
        desk.press_button("Approve stage 2")
        desk.then_i_see_success("Stage 2 is approved")
    finally:
        context.close()
