"""Key people named once, asked once (issue 25, ADR 0038), in Chromium, as a trust's IG lead, its
Clinical Safety Officer and its SIRO: the lead names the CSO once, on question 8, and finds her
in the key personnel; the CSO receives one email, signs in once, attests every statement on one
page, and her home names each question; the SIRO's link has expired and says so; the lead sends
it again. axe and the markup check run on every page each of them reaches."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from applications.models import Application
from attestations.models import AttestationLink, AttestationStatus
from tests.answer_sets import CONTROLLER, SUPPLIER
from tests.system.browser_user import BrowserUser
from tests.system.conftest import ARTIFACTS, new_context
from tests.web.conftest import Applicant

pytestmark = pytest.mark.system

CSO_EMAIL = "ada.lovelace@northern.example"
SIRO_EMAIL = "sam.owen@northern.example"


def someone_else(browser, axe_source, live_server, javascript, name):
    context = new_context(browser, javascript=javascript)
    return context, BrowserUser(
        page=context.new_page(),
        base_url=live_server.url,
        screenshots=ARTIFACTS / name,
        axe_source=axe_source,
        javascript=javascript,
    )


def link_in(email):
    return re.search(r"/attest/\S+", email.body).group(0)


def emails_to(address):
    return [m for m in mail.outbox if m.to == [address]]


def test_the_cso_is_named_once_and_asked_once(
    me, people, browser, axe_source, live_server, javascript, request
):
    # Given the trust's answers, question 8 given as text before (through Django's test client).
    client = Client()
    client.force_login(people["trust"])
    Applicant(client).start("consumer").answer_all(CONTROLLER)
    application = Application.objects.get()
    stage2 = f"/applications/{application.pk}/stage-2"

    # The lead names the CSO on question 8, once.
    me.given_i_have_signed_in_as("ig.lead@northern.example")
    me.visit(f"{stage2}/questions/c_csos")
    me.then_i_see_heading("Provide the names of your Clinical Safety Officers")
    me.then_i_see("Your answer so far:")
    me.press_button("Save and continue")
    me.then_i_see_the_error("Enter the person's full name")
    me.fill("Full name", "Dr Ada Lovelace")
    me.fill("Job title", "Clinical Safety Officer")
    me.fill("Email address", CSO_EMAIL)
    me.fill("Professional body", "General Medical Council")
    me.fill("Registration number", "1234567")
    me.press_button("Save and continue")
    me.then_i_see_success(
        "Dr Ada Lovelace is recorded as Clinical Safety Officer in your key personnel"
    )
    # …and finds her in the key personnel, where she records the SIRO.
    me.visit(f"/applications/{application.pk}/key-personnel")
    me.then_i_see("Dr Ada Lovelace, Clinical Safety Officer")
    me.press_button("Add another person")
    me.choose("Senior Information Risk Owner (SIRO)")
    me.fill("Full name", "Sam Owen")
    me.fill("Job title", "Director of Finance")
    me.fill("Email address", SIRO_EMAIL)
    me.press_button("Save")
    me.then_i_see_success("Sam Owen is recorded as Senior Information Risk Owner (SIRO)")

    # The lead asks for every attestation at once: each person's only candidate is chosen.
    me.follow_link("Ask them to attest your answers")
    me.then_i_see("Who will attest question 9: DCB0160?")
    me.press_button("Send the requests")
    me.then_i_see_success("Dr Ada Lovelace one link to attest 3 answers")

    # The CSO receives one email, listing each question.
    [email] = emails_to(CSO_EMAIL)
    for label in (
        "Question 7: Clinical approval of the deployment",
        "Question 9: DCB0160",
        "Question 10: Clinical safety hazard log",
    ):
        assert label in email.body
    context, cso = someone_else(
        browser, axe_source, live_server, javascript, f"{request.node.name}-cso"
    )
    try:
        cso.visit(link_in(email))
        cso.then_i_see_heading("Northern Imaging Trust has asked you to attest its answers")
        cso.follow_link(f"Create an account for {CSO_EMAIL}")
        cso.fill("Create a password", "Correct-Horse-Battery-9")
        cso.fill("Confirm your password", "Correct-Horse-Battery-9")
        cso.press_button("Create account")
        cso.then_i_see_heading("Set up two-factor authentication")
        cso.follow_link("Do this later")
        # Every statement on one page, each naming its question.
        cso.then_i_see_heading("Attest Northern Imaging Trust's answers")
        cso.choose("Yes, I attest this statement for question 7")
        cso.choose("Yes, I attest this statement for question 9")
        cso.press_button("Send my responses")
        cso.then_i_see_the_error("Select whether you attest the statement for question 10")
        cso.choose("Yes, I attest this statement for question 10")
        cso.press_button("Send my responses")
        cso.then_i_see_success("We have sent your responses")
        cso.then_i_see_heading("Your responses")
        # Her home names each question, with its status.
        cso.visit("/")
        cso.then_i_see_heading("What you have been asked to attest")
        cso.then_i_see("Question 7: Clinical approval of the deployment")
        cso.then_i_see("Question 9: DCB0160")
        cso.then_i_see("Question 10: Clinical safety hazard log")
    finally:
        context.close()
    assert len(emails_to(CSO_EMAIL)) == 1
    statuses = set(
        application.attestations.filter(email=CSO_EMAIL).values_list("status", flat=True)
    )
    assert statuses == {AttestationStatus.ATTESTED}

    # The SIRO's link has expired by the time she follows it: it says so, and whom to ask.
    [siro_email] = emails_to(SIRO_EMAIL)
    AttestationLink.objects.filter(request__email=SIRO_EMAIL).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    context, siro = someone_else(
        browser, axe_source, live_server, javascript, f"{request.node.name}-siro"
    )
    try:
        siro.visit(link_in(siro_email))
        siro.then_i_see_heading("This link has expired")
        siro.then_i_see(
            "To get a new link, ask Northern Imaging Trust: email ig.lead@northern.example"
        )

        # The lead sends it again; the old link no longer works, the new one does.
        me.visit(f"/applications/{application.pk}/attestations")
        me.then_i_see("Expired")
        me.press_button("Send the link to Sam Owen again")
        me.then_i_see_success("We have emailed Sam Owen a new link")
        old, new = emails_to(SIRO_EMAIL)
        siro.visit(link_in(old))
        siro.then_i_see_heading("This link has been replaced")
        siro.visit(link_in(new))
        siro.then_i_see_heading("Northern Imaging Trust has asked you to attest its answers")
        siro.then_i_see("Question 5: Data Protection Impact Assessment (DPIA)")
    finally:
        context.close()


def test_the_suppliers_cso_is_named_once_on_question_6(me, people):
    """The supplier's question 6 and the key personnel are one record (ADR 0046): she is named
    on the question, found in the key personnel, changed there, and the question shows the
    change, each answer kept as a revision."""
    client = Client()
    client.force_login(people["supplier"])
    Applicant(client).start("consumer").answer_all(SUPPLIER)  # question 6 given as text before
    application = Application.objects.get()
    stage2 = f"/applications/{application.pk}/stage-2"

    me.given_i_have_signed_in_as("pm@southern.example")
    me.visit(f"{stage2}/questions/s_cso")
    me.then_i_see_heading(
        "Provide the name and professional registration of your Clinical Safety Officer"
    )
    me.then_i_see("Your answer so far:")
    me.fill("Full name", "Dr Ada Lovelace")
    me.fill("Job title", "Clinical Safety Officer")
    me.fill("Email address", "ada.lovelace@southern.example")
    me.fill("Professional body", "General Medical Council")
    me.fill("Registration number", "1234567")
    me.press_button("Save and continue")
    me.then_i_see_success(
        "Dr Ada Lovelace is recorded as Clinical Safety Officer in your key personnel"
    )

    # She is in the key personnel, where her registration is changed…
    me.visit(f"/applications/{application.pk}/key-personnel")
    me.then_i_see("Dr Ada Lovelace, Clinical Safety Officer")
    me.follow_link("Change Dr Ada Lovelace", exact=False)
    me.fill("Registration number", "7654321")
    me.press_button("Save")
    # …and question 6 shows the change.
    me.visit(f"{stage2}/questions/s_cso")
    me.then_i_see("General Medical Council 7654321")
    me.visit(f"{stage2}/check-answers")
    me.then_i_see("Dr Ada Lovelace, Clinical Safety Officer, General Medical Council 7654321")
    revisions = application.stage2_response.revisions.filter(question_id="s_cso")
    assert revisions.count() == 3  # the text, her, her new registration
