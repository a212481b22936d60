"""A document the reviewer sees before accepting it: the file, its malware check, the
organisation's note and the request's history; asking again with a reason the organisation
reads; and no accepting a file that has not passed its malware check."""

import re
from datetime import date

import pytest
from django.core import mail
from django.db import DatabaseError, transaction

from applications.models import Application
from audit.models import AuditEntry
from evidence.models import EvidenceFile, ScanStatus
from tests.answer_sets import SUPPLIER
from tests.evidence.files import evidence_row
from tests.visible import row, words
from tests.web.conftest import signed_in
from tests.workflow.test_document_requests import ask, send, shown_version
from workflow.decisions import documents
from workflow.models import DocumentRequest, DocumentRequestEvent

REASON = "The report is for version 4.1.\nSend the one for PACS One 4.2.1 & its hazard log."


@pytest.fixture
def submitted(applicant):
    applicant.answer_all(SUPPLIER)
    applicant.submit()
    return Application.objects.get()


@pytest.fixture
def asked(applicant, submitted, reviewer):
    """A reviewer's request the organisation has answered with cscr.pdf and a note."""
    desk = signed_in(reviewer)
    assert ask(desk, submitted).status_code == 302
    request = DocumentRequest.objects.get()
    theirs = f"{applicant.application_url}/documents/{request.pk}"
    assert send(applicant.client, theirs, "Signed off by our CSO").status_code == 302
    ours = f"/review/applications/{submitted.pk}/documents/{request.pk}"
    return desk, request, theirs, ours


def ask_again(desk, ours, version=None, **fields):
    if version is None:
        version = shown_version(desk, f"{ours}/ask-again")
    return desk.post(f"{ours}/ask-again", {"version": version, **fields})


def accept(desk, ours, version=None):
    if version is None:
        version = shown_version(desk, ours)
    return desk.post(ours, {"action": "accept", "version": version})


NEW_DATE = {"due-choice": "new", "due-day": "5", "due-month": "1", "due-year": "2027"}


def test_asked_again_the_organisation_reads_why_sends_again_and_the_reviewer_accepts(
    scanner, applicant, asked, reviewer, member, settings, django_capture_on_commit_callbacks
):
    desk, request, theirs, ours = asked
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SERVICE_URL = "https://nir.example.nhs.uk"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        made = ask_again(desk, ours, reason=REASON, **NEW_DATE)
    assert made.status_code == 302
    assert made["Location"] == ours
    request.refresh_from_db()
    assert (request.status, request.due_date, request.round) == ("open", date(2027, 1, 5), 2)

    # The members are told, with the reason, the new date and a link to the request.
    (email,) = [m for m in mail.outbox if "asked again" in m.subject]
    assert email.to == [member.email]
    assert "The report is for version 4.1." in email.body and "5 January 2027" in email.body
    assert f"https://nir.example.nhs.uk{theirs}" in email.body

    page = applicant.client.get(theirs)
    text = words(page)
    assert "NHS England has asked for this document again" in text
    assert "Send the one for PACS One 4.2.1 & its hazard log." in text
    assert "Send it again by 5 January 2027" in text
    assert "Upload the document again" in text
    assert "Asked again" in text

    assert send(applicant.client, theirs, "Now for 4.2.1", name="cscr-4.2.1.pdf").status_code == 302
    request.refresh_from_db()
    assert (request.status, request.response_note) == ("answered", "Now for 4.2.1")

    page = desk.get(ours)
    assert row(page, "File") == "cscr-4.2.1.pdf"
    assert row(page, "The organisation's note") == "Now for 4.2.1"
    assert "Other files sent for this request" in words(page)
    assert accept(desk, ours).status_code == 302
    request.refresh_from_db()
    assert request.status == "accepted"
    accepted = request.events.get(kind="accepted")
    assert accepted.evidence.original_name == "cscr-4.2.1.pdf"

    assert [e.kind for e in request.events.all()] == [
        "requested",
        "answered",
        "asked_again",
        "answered",
        "accepted",
    ]
    audit = AuditEntry.objects.filter(action__startswith="document_request").order_by("pk")
    assert [e.action for e in audit] == [
        "document_request.create",
        "document_request.answer",
        "document_request.ask_again",
        "document_request.answer",
        "document_request.accepted",
    ]
    asked_again = audit[2]
    assert asked_again.actor == reviewer
    assert asked_again.after["reason"] == REASON
    assert asked_again.after["due_date"] == "2027-01-05"
    assert asked_again.before["status"] == "answered"


def test_the_reviewer_sees_the_file_its_malware_check_the_note_and_the_history(
    scanner, applicant, asked
):
    desk, request, theirs, ours = asked
    file = EvidenceFile.objects.get(purpose=f"document_request:{request.pk}")
    page = desk.get(ours)
    assert row(page, "File") == "cscr.pdf"
    assert row(page, "Size") == f"{file.size} bytes"
    assert row(page, "Type") == "PDF"
    assert row(page, "Malware check") == "Checked: no malware found"
    assert row(page, "The organisation's note") == "Signed off by our CSO"
    assert f'href="/evidence/{file.pk}/download"' in page.content.decode()
    text = words(page)
    assert re.search(r"History Asked for \d+ \w+ 2026 at [\w:]+ by reviewer@", text), text
    assert "What was asked for: The latest CSCR for PACS One 4.2.1" in text
    assert (
        "Sent " in text
        and "by ig.lead@northern.example" in text
        and "Note: Signed off by our CSO" in text
    )
    assert "Accept the document" in text and "Ask for it again" in text

    # The download is the evidence one: scoped and audited.
    assert desk.get(f"/evidence/{file.pk}/download").status_code == 200
    assert AuditEntry.objects.filter(action="evidence.download", object_id=str(file.pk)).exists()

    # The organisation's page shows NHS England's steps as NHS England's.
    theirs_text = words(applicant.client.get(theirs))
    assert "by NHS England" in theirs_text and "reviewer@" not in theirs_text


def test_a_file_never_scanned_cannot_be_accepted_where_scanning_is_required(asked, settings):
    """Sent while no scanner was configured, in production (EVIDENCE_UNSCANNED_COUNTS off, ADR
    0030): the page says why and the service refuses too."""
    settings.EVIDENCE_UNSCANNED_COUNTS = False
    desk, request, _, ours = asked
    assert EvidenceFile.objects.get().scan_status == ScanStatus.NOT_SCANNED
    page = desk.get(ours)
    text = words(page)
    assert row(page, "Malware check") == "Not checked for malware"
    assert "You cannot accept this document" in text
    assert "because it has not been checked for malware" in text
    assert "Accept the document" not in text
    refused = accept(desk, ours)
    assert refused.status_code == 400
    assert "because it has not been checked for malware" in words(refused)
    request.refresh_from_db()
    assert request.status == "answered"
    assert not AuditEntry.objects.filter(action="document_request.accepted").exists()

    # In development and test, where unscanned files count, it may be accepted.
    settings.EVIDENCE_UNSCANNED_COUNTS = True
    assert accept(desk, ours).status_code == 302


@pytest.mark.parametrize(
    ("status", "unscanned_counts", "why"),
    [
        (ScanStatus.CLEAN, False, ""),
        (ScanStatus.PENDING, True, "until its malware check has finished"),
        (ScanStatus.INFECTED, True, "because it contains a virus"),
        (ScanStatus.REFUSED, True, "because it could not be checked for malware"),
        (ScanStatus.NOT_SCANNED, False, "because it has not been checked for malware"),
        (ScanStatus.NOT_SCANNED, True, ""),
    ],
)
def test_only_a_file_that_passed_its_malware_check_can_be_accepted(
    settings, status, unscanned_counts, why
):
    settings.EVIDENCE_UNSCANNED_COUNTS = unscanned_counts
    problem = documents.document_request_cannot_accept(EvidenceFile(scan_status=status))
    assert (why in problem) if why else problem == ""
    assert bool(problem) == bool(why)


def test_an_infected_answer_is_refused_by_the_service(asked, reviewer, member):
    """Whatever the pages show, accept checks the answer's file itself."""
    _, request, _, _ = asked
    request.refresh_from_db()
    infected = evidence_row(
        request.application,
        f"document_request:{request.pk}",
        ScanStatus.INFECTED,
        uploaded_by=member,
        revision=2,
        name="cscr.pdf",
    )
    DocumentRequestEvent.objects.create(
        request=request, kind="answered", actor=member, evidence=infected
    )
    with pytest.raises(documents.DecisionRefused, match="contains a virus"):
        documents.document_request_accept(
            request=request, actor=reviewer, expected_version=request.version
        )
    request.refresh_from_db()
    assert request.status == "answered"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"reason": "", "due-choice": "same"}, "Enter why you are asking for the document again"),
        (
            {"reason": "x" * 2001, "due-choice": "same"},
            "Reason must be 2000 characters or less",
        ),
        ({"reason": "Wrong version"}, "Select when you need the document by"),
        (
            {"reason": "Wrong version", "due-choice": "new"},
            "Enter the new date you need the document by",
        ),
        (
            {"reason": "Wrong version", "due-choice": "new", "due-day": "5", "due-year": "2027"},
            "Due date must include a month",
        ),
        (
            {"reason": "Wrong", "due-choice": "new", "due-day": "31", "due-month": "2"}
            | {"due-year": "2027"},
            "Due date must be a real date",
        ),
        (
            {"reason": "Wrong", "due-choice": "new", "due-day": "1", "due-month": "1"}
            | {"due-year": "2026"},
            "Due date must be today or in the future",
        ),
    ],
)
def test_asking_again_needs_a_reason_and_a_due_date(asked, fields, message):
    desk, request, _, ours = asked
    refused = ask_again(desk, ours, **fields)
    assert refused.status_code == 400
    assert message in words(refused)
    assert "There is a problem" in words(refused)
    request.refresh_from_db()
    assert (request.status, request.round) == ("answered", 1)


def test_the_same_due_date_is_kept_when_asked(asked):
    desk, request, _, ours = asked
    assert (
        ask_again(desk, ours, reason="Wrong version", **{"due-choice": "same"}).status_code == 302
    )
    request.refresh_from_db()
    assert (request.status, request.due_date) == ("open", date(2026, 12, 10))
    assert request.events.get(kind="asked_again").due_date == date(2026, 12, 10)


def test_stale_pages_show_an_error_and_change_nothing(scanner, applicant, asked):
    desk, request, theirs, ours = asked
    seen = shown_version(desk, ours)
    # Asked again twice (a double click, or a second tab): once.
    first = ask_again(desk, ours, seen, reason="Wrong version", **{"due-choice": "same"})
    assert first.status_code == 302
    again = ask_again(desk, ours, seen, reason="Wrong version", **{"due-choice": "same"})
    assert again.status_code == 409
    assert "This request has changed since you opened the page" in words(again)
    assert request.events.filter(kind="asked_again").count() == 1
    # The organisation's tab opened before it was asked again does not answer the new round.
    stale_send = send(applicant.client, theirs, "old tab", version=seen)
    assert stale_send.status_code == 400
    assert "This request has changed since you opened the page" in words(stale_send)
    request.refresh_from_db()
    assert request.status == "open"
    # The organisation answers again; the reviewer's tab from before (the first file) cannot
    # accept what it never showed.
    assert send(applicant.client, theirs, "Second go").status_code == 302
    stale_accept = accept(desk, ours, seen)
    assert stale_accept.status_code == 409
    assert "This request has changed since you opened the page" in words(stale_accept)
    request.refresh_from_db()
    assert request.status == "answered"
    # The ask-again page of a request no longer answered says so, rather than a form.
    assert accept(desk, ours).status_code == 302
    page = desk.get(f"{ours}/ask-again")
    assert page.status_code == 200
    assert "You can only ask again for a document the organisation has sent" in words(page)


def test_another_organisation_and_applicants_are_refused(asked, member, outsider):
    """NHS England's pages refuse an applicant, of either organisation, before any record is
    read (ADR 0036): 403, the same whatever the URL names; nothing changes. Another
    organisation's page of the request is not found."""
    _, request, theirs, ours = asked
    for client in (signed_in(outsider), signed_in(member)):
        assert client.get(f"{ours}/ask-again").status_code == 403
        assert client.post(f"{ours}/ask-again", {"reason": "x"}).status_code == 403
    assert signed_in(outsider).get(theirs).status_code == 404  # their own page: not found
    request.refresh_from_db()
    assert request.status == "answered"


def test_the_history_is_append_only_in_the_database(asked):
    _, request, _, _ = asked
    before = list(request.events.values())
    with pytest.raises(DatabaseError), transaction.atomic():
        DocumentRequestEvent.objects.update(text="rewritten")
    with pytest.raises(DatabaseError), transaction.atomic():
        DocumentRequestEvent.objects.all().delete()
    event = request.events.first()
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    assert list(request.events.values()) == before
