"""The steps of an application's whole life in Chromium (tests/system/test_lifecycle_pages.py),
each as the person who takes it, by labels and visible text, and the walk they share."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.core import mail
from playwright.sync_api import expect

from accounts.models import UserKind
from accounts.services import user_create
from applications.models import Application
from applications.states import Stage2State
from tests.attestations.support import attest_all
from tests.conftest import PASSWORD
from tests.evidence.conftest import clamd_address  # noqa: F401 - a real test clamd
from tests.evidence.files import PDF
from tests.system.page_checks import Walk, WatchedUser
from tests.system.steps import controller_steps
from tests.two_factor_support import give_authenticator

LEAD = "ig.lead@northern.example"
REVIEWER = "reviewer@england.example"
ADMINISTRATOR = "admin@england.example"
CSO = "ada.lovelace@northern.example"
# Typed text with the characters a template that escapes twice would show as entities.
CHANGE_COMMENT = 'Name each lead\'s role & the "on call" rota.'
DOCUMENT_NOTE = 'The CSO\'s sign-off & the "hazard" review,\nfor <5 sites.'
RESPONSE_NOTE = 'Page 4 & 5 have the "log".'
ASK_AGAIN_REASON = 'The log isn\'t signed & dated: send the "signed" copy.'
COMMENT = 'Thanks: the "log" & the case report\nread well.'
HOLD_REASON = 'We are checking the DSPT & the "register" entry.'


@dataclass
class Lifecycle:
    """The walk so far: its people, each in their own browser (created on first use), what
    they made, and a folder for the files they upload."""

    walk: Walk
    new_person: Callable[[str], WatchedUser]
    definition: object
    files: Path
    application: Application | None = None
    document_id: str = ""

    def person(self, name: str) -> WatchedUser:
        known = {user.person: user for user in self.walk.people}
        return known[name] if name in known else self.new_person(name)

    @property
    def lead(self) -> WatchedUser:
        return self.person("lead")

    @property
    def reviewer(self) -> WatchedUser:
        return self.person("reviewer")

    @property
    def pk(self) -> str:
        assert self.application is not None
        return str(self.application.pk)


# ---------------------------------------------------------------------- the trust's lead
def the_lead_answers_every_question_and_uploads_question_15s_file(life: Lifecycle):
    lead = life.lead
    lead.given_i_have_signed_in_as(LEAD)
    lead.given_i_have_started_an_application("NIR XCA Provider")
    life.application = Application.objects.get()
    lead.press_button("Start now")
    steps = controller_steps(life.definition)
    aup = next(i for i, step in enumerate(steps) if step.heading.startswith("Upload your signed"))
    lead.when_i_answer_all(steps[:aup])

    lead.then_i_see_heading("Upload your signed Acceptable Usage Policy")
    policy = life.files / "signed-aup.pdf"
    policy.write_bytes(PDF)
    lead.page.get_by_label("Upload a file").set_input_files(policy)
    lead.press_button("Continue")
    lead.then_i_see_success("signed-aup.pdf has been uploaded")

    lead.when_i_answer_all(steps[aup + 1 :])
    lead.then_i_see_heading("Check your answers before submitting")


def the_lead_records_a_key_person_and_asks_them_to_attest(life: Lifecycle):
    lead = life.lead
    lead.visit(f"/applications/{life.pk}")
    lead.follow_link("2. Governance Assurance")
    lead.follow_link("Key personnel")
    # Question 8 recorded the first Clinical Safety Officer there (ADR 0038).
    lead.then_i_see("Dr Grace Hopper, Clinical Safety Officer")
    lead.press_button("Add another person")
    lead.choose("Clinical Safety Officer")
    lead.press_button("Save")
    lead.then_i_see_the_error("Enter the person's full name")
    lead.fill("Full name", "Dr Ada Lovelace")
    lead.fill("Job title", "Clinical Safety Officer")
    lead.fill("Email address", CSO)
    lead.fill("Professional body", "General Medical Council")
    lead.fill("Registration number", "1234567")
    lead.press_button("Save")
    lead.then_i_see_success("Dr Ada Lovelace is recorded as Clinical Safety Officer")
    lead.follow_link("Ask them to attest your answers")
    lead.press_button("Send the requests")
    lead.then_i_see_the_error("Select who you want to attest question 7")
    lead.choose("Dr Ada Lovelace, Clinical Safety Officer for question 9")
    lead.press_button("Send the requests")
    lead.then_i_see_success("We have emailed Dr Ada Lovelace one link to attest 1 answer")


def the_lead_submits(life: Lifecycle):
    life.lead.follow_link("Back to stage 2")
    life.lead.press_button("Check your answers")
    life.lead.when_i_submit()
    life.lead.then_i_see_the_confirmation()


# ---------------------------------------------------------------------- the key person
def the_key_person_attests_through_the_link(life: Lifecycle):
    [email] = [m for m in mail.outbox if m.to == [CSO]]
    cso = life.person("key-person")
    cso.visit(re.search(r"/attest/\S+", email.body).group(0))
    cso.then_i_see_heading("Northern Imaging Trust has asked you to attest its answers")
    cso.follow_link(f"Create an account for {CSO}")
    cso.fill("Create a password", "Correct-Horse-Battery-9")
    cso.fill("Confirm your password", "Correct-Horse-Battery-9")
    cso.press_button("Create account")
    cso.follow_link("Do this later")
    cso.then_i_see_heading("Attest Northern Imaging Trust's answers")
    cso.choose("Yes, I attest this statement for question 9")
    cso.press_button("Send my responses")
    cso.then_i_see_heading("Your responses")


# ---------------------------------------------------------------------- NHS England's reviewer
def the_reviewer_starts_a_review_and_requests_a_change(life: Lifecycle):
    desk = life.reviewer
    desk.given_i_have_signed_in_as(REVIEWER, lands_on="Applications to review")
    desk.follow_link("Review times", exact=False)
    desk.visit("/review")
    desk.follow_link(life.application.reference)
    desk.press_button("Start review")
    desk.then_i_see_success("You have started the review")
    # The change is asked for where the answer is read: on the answers section, per answer.
    desk.follow_link("Answers")
    desk.follow_link("Request a change to question 12", exact=False)
    desk.press_button("Add change request")
    desk.then_i_see_the_error("Enter a comment")
    desk.fill("What does the organisation need to change?", CHANGE_COMMENT)
    desk.press_button("Add change request")
    desk.then_i_see_success("Your request for a change to question 12 is kept")
    desk.follow_link("Send 1 change request to the organisation")
    desk.press_button("Send change request")
    desk.then_i_see_success("You have asked the organisation to change 1 answer")


def the_lead_changes_the_answer_and_resubmits(life: Lifecycle):
    lead = life.lead
    lead.visit("/")
    lead.follow_link(life.application.reference)
    lead.follow_link("2. Governance Assurance")
    lead.then_i_see(f"NHS England: {CHANGE_COMMENT}")
    lead.follow_link("12. Incident management leads", exact=False)
    # Question 12 names the incident management leads in the key personnel (ADR 0046): the
    # change asked for is a deputy added there, shown with the comment.
    lead.then_i_see(CHANGE_COMMENT)
    lead.then_i_see("Alan Turing, Incident management lead")
    lead.follow_link("Add another Incident management lead")
    lead.fill("Full name", "Grace Hopper")
    lead.fill("Job title", "Deputy incident management lead")
    lead.fill("Email address", "grace.hopper@northern.example")
    lead.press_button("Save and continue")
    lead.then_i_see_success("Grace Hopper is recorded as Incident management lead")
    lead.then_i_see_heading("Check your answers before submitting")
    lead.when_i_submit()
    lead.then_i_see_the_confirmation()


def the_reviewer_pauses_and_resumes_onboarding(life: Lifecycle):
    desk = life.reviewer
    desk.visit(f"/review/applications/{life.pk}/answers")
    desk.then_i_see("What changed since the last submission")
    desk.then_i_see(CHANGE_COMMENT)
    desk.follow_link("Overview")
    desk.press_button("Start review")
    desk.follow_link("Pause onboarding")
    desk.press_button("Pause onboarding")
    desk.then_i_see("Enter why onboarding is paused")
    desk.fill("Why are you pausing onboarding?", HOLD_REASON)
    desk.press_button("Pause onboarding")
    desk.then_i_see_important("Onboarding is paused")
    # The overview names the hold as waiting for NHS England, and links to where it is lifted.
    desk.then_i_see("Waiting for NHS England")
    desk.follow_link("Holds")
    desk.follow_link("Lift this hold", exact=False)
    desk.press_button("Lift the hold")
    desk.fill("Why are you lifting this hold?", "The DSPT team confirmed it & we're done.")
    desk.press_button("Lift the hold")
    desk.then_i_see_success("The hold is lifted")


def the_reviewer_requests_a_document(life: Lifecycle):
    desk = life.reviewer
    desk.follow_link("Request a document")
    desk.press_button("Send request")
    desk.then_i_see("Enter the name of the document you need")
    desk.fill("Which document do you need?", "Clinical Safety Case Report & hazard log")
    desk.fill("What do you need it to show? (optional)", DOCUMENT_NOTE)
    desk.fill("Day", "31")
    desk.fill("Month", "12")
    desk.fill("Year", "2026")
    desk.press_button("Send request")
    desk.then_i_see_success("You have asked for: Clinical Safety Case Report & hazard log")
    desk.then_i_see("Waiting for the organisation")
    desk.follow_link("Evidence and documents")
    desk.follow_link("Clinical Safety Case Report & hazard log")
    desk.then_i_see("for <5 sites.")
    life.document_id = desk.page.url.rstrip("/").rsplit("/", 1)[1]


def the_lead_sends_the_document(life: Lifecycle):
    lead = life.lead
    lead.visit(f"/applications/{life.pk}")
    lead.follow_link("Clinical Safety Case Report & hazard log")
    lead.press_button("Send the document")
    lead.then_i_see_the_error("Select a file")
    report = life.files / "safety-case.pdf"
    report.write_bytes(PDF)
    lead.page.get_by_label("Upload the document").set_input_files(report)
    lead.fill("Anything NHS England should know about it (optional)", RESPONSE_NOTE)
    lead.press_button("Send the document")
    # With JavaScript the file goes with the progress bar; the banner still shows, once.
    lead.then_i_see_heading("Application ")
    lead.then_i_see_success("You have answered: Clinical Safety Case Report & hazard log")
    lead.then_i_see("Answered")
    # Withdrawing is offered until approval: the lead looks, and thinks better of it.
    lead.follow_link(f"Withdraw application {life.application.reference}")
    lead.follow_link("Cancel and go back to the application")


def the_reviewer_asks_for_the_document_again(life: Lifecycle):
    desk = life.reviewer
    desk.visit(f"/review/applications/{life.pk}/documents/{life.document_id}")
    # The file, its malware check and the organisation's note, before any decision on it.
    expect(desk.page.get_by_role("link", name="safety-case.pdf").first).to_be_visible()
    desk.then_i_see("Checked: no malware found")
    desk.then_i_see(RESPONSE_NOTE)
    desk.press_button("Ask for it again")  # a link drawn as a button
    desk.press_button("Ask for it again")
    desk.then_i_see_the_error("Enter why you are asking for the document again")
    desk.fill("Why are you asking for it again?", ASK_AGAIN_REASON)
    desk.choose("By the same date, 31 December 2026")
    desk.press_button("Ask for it again")
    desk.then_i_see_success("You have asked again for: Clinical Safety Case Report & hazard log")


def the_lead_sends_the_document_again(life: Lifecycle):
    lead = life.lead
    lead.visit(f"/applications/{life.pk}/documents/{life.document_id}")
    lead.then_i_see("NHS England has asked for this document again")
    lead.then_i_see(ASK_AGAIN_REASON)
    report = life.files / "safety-case-signed.pdf"
    report.write_bytes(PDF)
    lead.page.get_by_label("Upload the document again").set_input_files(report)
    lead.press_button("Send the document")
    lead.then_i_see_success("You have answered: Clinical Safety Case Report & hazard log")


def the_reviewer_accepts_the_document_approves_and_completes_stage_3(life: Lifecycle):
    desk = life.reviewer
    desk.visit(f"/review/applications/{life.pk}/documents/{life.document_id}")
    expect(desk.page.get_by_role("link", name="safety-case-signed.pdf").first).to_be_visible()
    desk.press_button("Accept the document")
    # The other attestations, as the key person's own pages are already walked above.
    attest_all(life.application)
    desk.visit(f"/review/applications/{life.pk}/comments")
    desk.fill("Add a comment", COMMENT)
    desk.choose("For the applicant")
    desk.press_button("Add comment")
    desk.follow_link("Overview")
    desk.follow_link("Approve stage 2")
    # The confirmation lists what the approval rests on.
    desk.then_i_see("What the approval rests on")
    desk.then_i_see("safety-case-signed.pdf")
    desk.press_button("Approve stage 2")
    desk.then_i_see_success("Stage 2 is approved")
    desk.follow_link("Mark stage 3 complete")
    desk.press_button("Mark stage 3 complete")
    desk.fill("How was stage 3 completed?", "Home Community ID issued & tested.")
    desk.press_button("Mark stage 3 complete")
    desk.then_i_see_success("Stage 3 is complete")
    life.application.refresh_from_db()
    assert life.application.stage2_state == Stage2State.APPROVED


def the_lead_sees_stage_2_approved(life: Lifecycle):
    life.lead.visit(f"/applications/{life.pk}")
    life.lead.then_i_see("NHS England has approved Stage 2")
    life.lead.then_i_see("3. Home Community ID integration")
    life.lead.then_i_do_not_see("Stage 3 cannot start until NHS England has approved stage 2")
    life.lead.then_i_see('Thanks: the "log" & the case report')


# ---------------------------------------------------------------------- an administrator
def the_administrator_manages_organisations_and_staff(life: Lifecycle):
    administrator = user_create(
        email=ADMINISTRATOR, password=PASSWORD, kind=UserKind.ADMINISTRATOR, actor=None
    )
    give_authenticator(administrator)
    admin = life.person("administrator")
    admin.given_i_have_signed_in_as(ADMINISTRATOR, lands_on="Applications to review")
    admin.follow_link("Administration: organisations and NHS England staff")
    admin.then_i_see_heading("Organisations")
    admin.follow_link("Northern Imaging Trust")
    admin.visit("/administration")
    admin.press_button("Create an organisation")
    admin.press_button("Create the organisation")
    admin.then_i_see_the_error("Enter the organisation's name")
    admin.fill("Organisation name", "Eastern Radiology & Imaging")
    admin.fill("ODS code", "REI")
    admin.fill("Email address of the first member", "lead@eastern.example")
    admin.press_button("Create the organisation")
    admin.then_i_see_success("Eastern Radiology & Imaging has been created")
    admin.visit("/administration")
    admin.follow_link("NHS England staff: reviewers and administrators")
    admin.press_button("Invite NHS England staff")
    admin.press_button("Send invitation")
    admin.then_i_see_the_error("Enter an email address")
    admin.fill("Email address", "new.reviewer@england.example")
    admin.choose("Reviewer")
    admin.press_button("Send invitation")
    admin.follow_link(f"Remove {REVIEWER}")
    admin.follow_link("Cancel")
    admin.press_button("Revoke the invitation to new.reviewer@england.example")
    admin.then_i_see_success("The invitation to new.reviewer@england.example has been revoked")
