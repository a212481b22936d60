"""A document request in Chromium: the organisation sends a file with a note, the reviewer sees
the file and its malware check and asks again with a reason, the organisation reads why and
sends again, the reviewer accepts. axe checks every page; each is saved at 1280 and 320 pixels
wide (test-artifacts/screenshots/document-request-*)."""

from datetime import date

import pytest
from django.test import Client
from playwright.sync_api import expect

from applications.models import Application
from tests.answer_sets import SUPPLIER
from tests.evidence.conftest import (  # noqa: F401 - files in a tmp folder; a real test clamd
    clamd_address,
    evidence_settings,
    scanner,
)
from tests.evidence.files import PDF
from tests.system.browser_user import BrowserUser
from tests.system.conftest import ARTIFACTS, new_context
from tests.web.conftest import Applicant
from workflow.decisions.documents import document_request_create
from workflow.models import DocumentRequest

pytestmark = pytest.mark.system

REVIEWER = "reviewer@england.example"
SUPPLIER_EMAIL = "pm@southern.example"
REASON = "This is the report for version 4.1. Send the one for PACS One 4.2.1."
WIDTHS = (1280, 320)


@pytest.fixture
def requested(people, request):
    """The supplier's submitted application, with a reviewer's request for its CSCR; files go to
    a folder of the test's own."""
    request.getfixturevalue("evidence_settings")
    client = Client()
    client.force_login(people["supplier"])
    applicant = Applicant(client).start("consumer")
    applicant.answer_all(SUPPLIER)
    assert applicant.submit().status_code == 302
    application = Application.objects.get()
    return document_request_create(
        application=application,
        actor=people["reviewer"],
        title="Clinical Safety Case Report",
        note="The latest CSCR for PACS One 4.2.1, signed by your Clinical Safety Officer.",
        due_date=date(2026, 12, 31),
        expected_version=application.stage2_version,
    )


def person(browser, axe_source, live_server, name):
    context = new_context(browser, javascript=True)
    return context, BrowserUser(
        page=context.new_page(),
        base_url=live_server.url,
        screenshots=ARTIFACTS / f"document-request-{name}",
        axe_source=axe_source,
        javascript=True,
    )


def at_both_widths(user, state):
    """Save the page (and run axe on it) at each width, then go back to the usual width."""
    for width in WIDTHS:
        user.page.set_viewport_size({"width": width, "height": 900})
        user.check_page(f"{state}-{width}px")
        wider = user.page.evaluate("document.documentElement.scrollWidth")
        assert wider <= width, f"{state} is {wider}px wide at {width}px"
    user.page.set_viewport_size({"width": 1024, "height": 900})


def send(user, path, tmp_path, name, note):
    user.visit(path)
    upload = tmp_path / name
    upload.write_bytes(PDF)
    user.page.get_by_label("Upload the document", exact=False).set_input_files(upload)
    user.fill("Anything NHS England should know about it (optional)", note)
    user.press_button("Send the document")
    # With JavaScript the file goes with the progress bar, and the banner still shows.
    user.then_i_see_success("You have ")
    user.visit(path)
    user.then_i_see(f"{name} (")
    user.then_i_see(note)


@pytest.mark.usefixtures("scanner")
def test_the_reviewer_sees_the_file_asks_again_and_accepts_what_comes_back(
    requested, browser, axe_source, live_server, tmp_path
):
    application = requested.application
    theirs = f"/applications/{application.pk}/documents/{requested.pk}"
    ours = f"/review/applications/{application.pk}/documents/{requested.pk}"
    org_context, org = person(browser, axe_source, live_server, "organisation")
    desk_context, desk = person(browser, axe_source, live_server, "reviewer")
    try:
        org.given_i_have_signed_in_as(SUPPLIER_EMAIL)
        org.visit(theirs)
        at_both_widths(org, "asked")
        send(org, theirs, tmp_path, "cscr-4.1.pdf", "Signed off by our CSO on 1 December.")

        desk.given_i_have_signed_in_as(REVIEWER, lands_on="Applications to review")
        desk.visit(ours)
        desk.then_i_see_heading("Clinical Safety Case Report")
        expect(desk.page.get_by_role("link", name="cscr-4.1.pdf").first).to_be_visible()
        desk.then_i_see("Checked: no malware found")
        desk.then_i_see("Signed off by our CSO on 1 December.")
        at_both_widths(desk, "answered")

        desk.press_button("Ask for it again")  # a link drawn as a button (role="button")
        desk.press_button("Ask for it again")
        desk.then_i_see_the_error("Enter why you are asking for the document again")
        at_both_widths(desk, "ask-again-errors")
        desk.fill("Why are you asking for it again?", REASON)
        desk.choose("By a new date")
        desk.fill("Day", "15")
        desk.fill("Month", "1")
        desk.fill("Year", "2027")
        desk.press_button("Ask for it again")
        desk.then_i_see_success("You have asked again for: Clinical Safety Case Report")
        at_both_widths(desk, "asked-again")

        org.visit(theirs)
        org.then_i_see("NHS England has asked for this document again")
        org.then_i_see(REASON)
        org.then_i_see("Send it again by 15 January 2027")
        at_both_widths(org, "asked-again")
        send(org, theirs, tmp_path, "cscr-4.2.1.pdf", "The 4.2.1 report, as asked.")

        desk.visit(ours)
        expect(desk.page.get_by_role("link", name="cscr-4.2.1.pdf").first).to_be_visible()
        desk.press_button("Accept the document")
        desk.then_i_see_success("You have accepted the document")
        desk.visit(ours)
        at_both_widths(desk, "accepted")
        org.visit(theirs)
        at_both_widths(org, "accepted")
    finally:
        org_context.close()
        desk_context.close()
    requested.refresh_from_db()
    assert requested.status == "accepted"
    assert DocumentRequest.objects.get().events.count() == 5


def test_a_file_never_scanned_cannot_be_accepted(
    requested, people, browser, axe_source, live_server, settings
):
    """Sent without a scanner, in production (EVIDENCE_UNSCANNED_COUNTS off, ADR 0030): the page
    says why, and has no accept button."""
    settings.EVIDENCE_UNSCANNED_COUNTS = False
    import io

    from evidence.upload import quarantine_file
    from workflow.decisions.documents import document_request_answer

    document_request_answer(
        request=requested,
        actor=people["supplier"],
        note="Scanned at our end.",
        received=quarantine_file(io.BytesIO(PDF), original_name="cscr.pdf"),
        expected_version=requested.version,
    )
    ours = f"/review/applications/{requested.application.pk}/documents/{requested.pk}"
    context, desk = person(browser, axe_source, live_server, "reviewer-not-scanned")
    try:
        desk.given_i_have_signed_in_as(REVIEWER, lands_on="Applications to review")
        desk.visit(ours)
        desk.then_i_see("Not checked for malware")
        desk.then_i_see("You cannot accept this document")
        desk.then_i_see("because it has not been checked for malware")
        expect(desk.page.get_by_role("button", name="Accept the document")).to_have_count(0)
        at_both_widths(desk, "not-scanned")
    finally:
        context.close()
