"""Evidence on the pages: question 15's file, a document request answered with a file, what the
reviewer sees, and the warning when malware scanning is not configured."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from applications.models import Application
from evidence.models import EvidenceFile
from tests.answer_sets import CONTROLLER
from tests.attestations.support import attest_all
from tests.evidence.files import MARKER, PDF
from tests.visible import row
from tests.web.conftest import signed_in
from tests.workflow.test_review_cycle import Reviewer


def upload(client, url, data, name="signed-aup.pdf", **fields):
    return client.post(url, {"evidence": SimpleUploadedFile(name, data), **fields})


@pytest.fixture
def at_the_aup(applicant):
    applicant.answer_all(CONTROLLER[: [q for q, _ in CONTROLLER].index("c_aup")])
    return applicant


def test_question_15_takes_a_file_and_shows_it(at_the_aup, scanner):
    url = at_the_aup.question_url("c_aup")
    page = at_the_aup.client.get(url).content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert "The file must be smaller than 1MB" in page
    assert "You can submit stage 2 without this file" in page

    # Continue with no file goes on: question 15 may be left for now (tests/evidence/
    # test_file_question.py has each way through the page).
    assert at_the_aup.client.post(url, {}).status_code == 302

    virus = upload(at_the_aup.client, url, PDF + MARKER, name="aup.pdf")
    assert virus.status_code == 400
    assert "The selected file contains a virus" in virus.content.decode()

    good = upload(at_the_aup.client, url, PDF)
    assert good.status_code == 302
    # Uploaded, Continue goes on to question 16, with the success banner there.
    assert good["Location"] == at_the_aup.question_url("c_data_validation")
    assert (
        "signed-aup.pdf has been uploaded"
        in at_the_aup.client.get(good["Location"]).content.decode()
    )
    page = at_the_aup.client.get(url).content.decode()
    assert "Checked: no malware found" in page
    accepted = EvidenceFile.objects.get(scan_status="clean")
    assert f"/evidence/{accepted.pk}/download" in page

    # Replacing it keeps the old revision in the history.
    assert upload(at_the_aup.client, url, PDF, name="signed-aup-v2.pdf").status_code == 302
    revisions = EvidenceFile.objects.filter(purpose="question:c_aup").order_by("revision")
    assert [(r.revision, r.download_name, r.scan_status) for r in revisions] == [
        (1, "aup.pdf", "infected"),
        (2, "signed-aup.pdf", "clean"),
        (3, "signed-aup-v2.pdf", "clean"),
    ]


def test_check_answers_shows_the_file_or_says_it_is_missing(applicant):
    applicant.answer_all(CONTROLLER)
    check = applicant.client.get(f"{applicant.stage2}/check-answers")
    assert row(check, "15. Acceptable Usage Policy") == (
        "Not uploaded\nYou can submit stage 2 without it, but stage 3 cannot start until it has "
        "been uploaded. Upload the file for question 15"
    )
    assert "Accept and send" in check.content.decode()
    upload(applicant.client, applicant.question_url("c_aup"), PDF)
    check = applicant.client.get(f"{applicant.stage2}/check-answers")
    # Development and test count a file never scanned (EVIDENCE_UNSCANNED_COUNTS), and say so.
    assert row(check, "15. Acceptable Usage Policy") == (
        "signed-aup.pdf\nUploaded\nNot checked for malware: malware scanning is not configured"
    )
    change = f'href="{applicant.question_url("c_aup")}?return=check-answers"'
    assert change in check.content.decode().split("signed-aup.pdf</a>")[1]


def test_stage_3_waits_for_the_aup_which_can_come_after_approval(applicant, reviewer):
    applicant.answer_all(CONTROLLER)
    applicant.submit()
    application = Application.objects.get()
    desk = Reviewer(signed_in(reviewer), application)
    desk.post("/start")
    attest_all(application)
    desk.post("/approve")
    detail = applicant.client.get(applicant.application_url).content.decode()
    assert "Acceptable Usage Policy (question 15) has not been uploaded and accepted" in detail
    assert f'href="{applicant.question_url("c_aup")}">Upload your signed' in detail
    refused = desk.post("/stages/3/complete", {"note": "x"})
    assert refused.status_code == 400
    assert "The organisation&#39;s signed Acceptable Usage Policy" in refused.content.decode()

    # Uploaded after approval: the page is still there, and stage 3 can start.
    assert upload(applicant.client, applicant.question_url("c_aup"), PDF).status_code == 302
    detail = applicant.client.get(applicant.application_url).content.decode()
    assert "has not been uploaded and accepted" not in detail
    assert desk.post("/stages/3/complete", {"note": "HCID issued"}).status_code == 302
    page = desk.page("evidence").content.decode()
    assert "Question 15: " in page and "signed-aup.pdf" in page


def test_a_document_request_is_answered_with_a_file(applicant, reviewer, outsider):
    applicant.answer_all(CONTROLLER)
    applicant.submit()
    application = Application.objects.get()
    desk = Reviewer(signed_in(reviewer), application)
    desk.post("/start")
    desk.post(
        "/documents/new",
        {"title": "Hazard log", "due-day": "4", "due-month": "1", "due-year": "2027"},
    )
    request = application.document_requests.get()
    url = f"{applicant.application_url}/documents/{request.pk}"
    missing = applicant.client.post(url, {"note": "Attached"})
    assert missing.status_code == 400
    assert "Select a file" in missing.content.decode()
    request.refresh_from_db()
    assert request.status == "open"
    sent = upload(applicant.client, url, PDF, name="hazard-log.pdf", note="v3", version=1)
    assert sent.status_code == 302
    request.refresh_from_db()
    assert (request.status, request.response_note) == ("answered", "v3")
    file = EvidenceFile.objects.get(purpose=f"document_request:{request.pk}")

    page = desk.page("evidence").content.decode()
    assert "Requested: Hazard log" in page
    assert f"/evidence/{file.pk}/download" in page
    assert desk.client.get(f"/evidence/{file.pk}/download").status_code == 200
    assert signed_in(outsider).get(f"/evidence/{file.pk}/download").status_code == 404
    assert signed_in(outsider).post(url, {"note": "x"}).status_code == 404


def test_every_page_says_when_malware_scanning_is_not_configured(client_member, settings):
    assert settings.CLAMD_ADDRESS == ""
    assert "Malware scanning is not configured" in client_member.get("/").content.decode()
    settings.CLAMD_ADDRESS = "unix:///run/clamav/clamd.ctl"
    assert "Malware scanning is not configured" not in client_member.get("/").content.decode()


def test_an_upload_sent_by_the_progress_bar_is_told_where_to_go_not_redirected(at_the_aup):
    """The progress bar's XMLHttpRequest would follow a redirect itself and use up the success
    message on a page nobody sees (core/upload_progress.py): it is answered 204 with the place."""
    url = at_the_aup.question_url("c_aup")
    sent = at_the_aup.client.post(
        url,
        {"evidence": SimpleUploadedFile("signed-aup.pdf", PDF)},
        headers={"X-Upload-Progress": "1"},
    )
    assert sent.status_code == 204
    assert "Location" not in sent
    page = at_the_aup.client.get(sent["X-Upload-Location"])
    assert "signed-aup.pdf has been uploaded" in page.content.decode()
    # Refused, it is the page with the error, as a plain post gets.
    empty = at_the_aup.client.post(
        url,
        {"evidence": SimpleUploadedFile("empty.pdf", b"")},
        headers={"X-Upload-Progress": "1"},
    )
    assert empty.status_code == 400
    assert "The selected file is empty" in empty.content.decode()
