"""Document requests, from request to answer to acceptance, with overdue ones standing out."""

import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from applications.models import Application
from audit.models import AuditEntry
from tests.answer_sets import SUPPLIER
from tests.attestations.support import attest_all
from tests.web.conftest import signed_in
from workflow.models import DocumentRequest


@pytest.fixture
def submitted(applicant):
    applicant.answer_all(SUPPLIER)
    applicant.submit()
    return Application.objects.get()


def shown_version(client, url):
    """The request's version a page's form posts back (the page as opened now)."""
    page = client.get(url).content.decode()
    return re.search(r'name="version" value="(\d+)"', page).group(1)


def send(client, url, note, version=None, name="cscr.pdf"):
    """Answer a request with a PDF and a note, as the applicant's form does."""
    from tests.evidence.files import PDF

    if version is None:
        version = shown_version(client, url)
    return client.post(
        url, {"evidence": SimpleUploadedFile(name, PDF), "note": note, "version": version}
    )


def ask(client, application, version=None, **fields):
    if version is None:
        form = client.get(f"/review/applications/{application.pk}/documents/new")
        version = re.search(r'name="version" value="(\d+)"', form.content.decode()).group(1)
    data = {
        "version": version,
        "title": "Clinical Safety Case Report",
        "note": "The latest CSCR for PACS One 4.2.1",
        "due-day": "10",
        "due-month": "12",
        "due-year": "2026",
        **fields,
    }
    return client.post(f"/review/applications/{application.pk}/documents/new", data)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": ""}, "Enter the name of the document you need"),
        (
            {"due-day": "", "due-month": "", "due-year": ""},
            "Enter the date you need the document by",
        ),
        ({"due-day": "31", "due-month": "2"}, "Due date must be a real date"),
        ({"due-year": "2025"}, "Due date must be today or in the future"),
        ({"note": "x" * 2001}, "Note must be 2,000 characters or fewer"),
    ],
)
def test_a_request_needs_a_title_and_a_real_due_date(submitted, reviewer, fields, message):
    response = ask(signed_in(reviewer), submitted, **fields)
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert "Clinical Safety Case Report" in body or fields.get("title") == ""
    assert not DocumentRequest.objects.exists()


def test_from_request_to_answer_to_acceptance(
    applicant, submitted, reviewer, outsider, monkeypatch, scanner
):
    desk = signed_in(reviewer)
    assert ask(desk, submitted).status_code == 302
    request = DocumentRequest.objects.get()
    assert (request.status, request.due_date) == ("open", date(2026, 12, 10))

    detail = applicant.client.get(applicant.application_url).content.decode()
    assert "Documents NHS England has asked for" in detail
    assert "Clinical Safety Case Report" in detail
    assert "Overdue" not in detail

    # Past its due date, it stands out on both sides.
    from questionnaire import definitions

    monkeypatch.setattr(definitions, "today", lambda: date(2026, 12, 11))
    assert "Overdue" in applicant.client.get(applicant.application_url).content.decode()
    assert "Overdue" in desk.get(f"/review/applications/{submitted.pk}").content.decode()
    assert "Document overdue" in desk.get("/review").content.decode()

    # Another organisation cannot see or answer it.
    url = f"{applicant.application_url}/documents/{request.pk}"
    assert signed_in(outsider).get(url).status_code == 404
    assert signed_in(outsider).post(url, {"note": "x"}).status_code == 404

    empty = applicant.client.post(url, {"note": "Attached"})
    assert empty.status_code == 400
    assert "Select a file" in empty.content.decode()
    version = shown_version(applicant.client, url)
    assert send(applicant.client, url, "Sent on 9 December", version).status_code == 302
    request.refresh_from_db()
    assert request.status == "answered"
    # Answering twice (a double click) is refused, not applied twice.
    again = send(applicant.client, url, "again", version)
    assert again.status_code == 400
    assert "This request has changed since you opened the page" in again.content.decode()
    request.refresh_from_db()
    assert request.response_note == "Sent on 9 December"

    review_url = f"/review/applications/{submitted.pk}/documents/{request.pk}"
    seen = shown_version(desk, review_url)
    assert desk.post(review_url, {"action": "accept", "version": seen}).status_code == 302
    request.refresh_from_db()
    assert request.status == "accepted" and request.closed_by == reviewer
    stale = desk.post(review_url, {"action": "withdraw", "version": seen})
    assert stale.status_code == 409
    assert "This request has changed since you opened the page" in stale.content.decode()
    assert [e.action for e in AuditEntry.objects.filter(action__startswith="document_request")] == [
        "document_request.create",
        "document_request.answer",
        "document_request.accepted",
    ]


def test_a_document_can_be_requested_after_approval(submitted, reviewer):
    desk = signed_in(reviewer)
    from tests.workflow.test_review_cycle import Reviewer

    flow = Reviewer(desk, submitted)
    flow.post("/start")
    attest_all(submitted)
    flow.post("/approve")
    submitted.refresh_from_db()
    assert submitted.stage2_state == "approved"
    assert ask(desk, submitted, title="Hazard log").status_code == 302
    assert DocumentRequest.objects.get().title == "Hazard log"


def test_withdrawing_a_request_answered_since_the_page_loaded_is_refused(
    applicant, submitted, reviewer
):
    desk = signed_in(reviewer)
    ask(desk, submitted)
    request = DocumentRequest.objects.get()
    review_url = f"/review/applications/{submitted.pk}/documents/{request.pk}"
    seen = shown_version(desk, review_url)
    # The reviewer's page showed it open; the organisation answers it meanwhile.
    send(applicant.client, f"{applicant.application_url}/documents/{request.pk}", "Emailed today")
    stale = desk.post(review_url, {"action": "withdraw", "version": seen})
    assert stale.status_code == 409
    assert "This request has changed since you opened the page" in stale.content.decode()
    request.refresh_from_db()
    assert request.status == "answered" and request.response_note == "Emailed today"


def test_a_double_submitted_request_asks_once(submitted, reviewer):
    desk = signed_in(reviewer)
    form = desk.get(f"/review/applications/{submitted.pk}/documents/new").content.decode()
    version = re.search(r'name="version" value="(\d+)"', form).group(1)
    assert ask(desk, submitted, version=version).status_code == 302
    again = ask(desk, submitted, version=version)
    assert again.status_code == 409
    assert "Someone else has made a decision" in again.content.decode()
    assert DocumentRequest.objects.count() == 1
