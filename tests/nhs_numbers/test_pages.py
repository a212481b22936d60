"""The NHS number checker's page: the report, refusals in the design system's words, the file
scanned by a real clamd while it streams, nothing of it kept, and only a Data Controller
application's members let in."""

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from applications.models import Application
from audit.models import AuditEntry
from evidence.refusals import EMPTY, SELECT_A_FILE, TRY_AGAIN, VIRUS
from nhs_numbers import upload as upload_module
from nhs_numbers.upload import NOT_A_CSV
from tests.evidence import files
from tests.web.conftest import errors_on, signed_in

BAD_ROWS = b"\xef\xbb\xbfNHS number\r\n9434765919\r\n943 476 5919\r\n\r\n9434765918\r\n12345\r\n"


def send(client, url, data: bytes, name: str = "numbers.csv"):
    return client.post(url, {"numbers": SimpleUploadedFile(name, data, "text/csv")})


def files_under(folder) -> list[Path]:
    folder = Path(folder)
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


@pytest.fixture
def no_disk(settings, tmp_path):
    """Where Django would spill a large upload, watched: the checker must write nothing there."""
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "upload-temp")
    (tmp_path / "upload-temp").mkdir()
    return settings


def page_text(response) -> str:
    return " ".join(response.content.decode().split())


def test_the_page_says_the_file_is_not_stored(client_member, check_url):
    page = page_text(client_member.get(check_url))
    assert "Check a file of NHS numbers" in page
    assert "never stored" in page
    assert "smaller than 20MB" in page


def test_a_file_with_bad_rows_is_reported_by_line_and_reason_and_audited_by_counts(
    client_member, check_url, member, controller_application, no_disk
):
    response = send(client_member, check_url, BAD_ROWS)
    assert response.status_code == 200
    page = page_text(response)
    counts = re.findall(
        r'<dt class="nhsuk-summary-list__key" > ([^<]+?) </dt> '
        r'<dd class="nhsuk-summary-list__value" > ([^<]+?) </dd>',
        page,
    )
    assert dict(counts[:4]) == {
        "NHS numbers checked": "4",
        "Valid": "2",
        "Not valid": "2",
        "Blank lines skipped": "1",
    }
    assert "Line 1 was read as a header and not checked" in page
    rows = re.findall(
        r'<td class="nhsuk-table__cell">(\d+)</td> <td class="nhsuk-table__cell">([^<]+)</td>', page
    )
    assert rows == [
        ("5", "The check digit is wrong (Modulus 11)"),
        ("6", "Has 5 digits: an NHS number has 10"),
    ]
    assert "Malware scanning is not configured" in page
    entry = AuditEntry.objects.get(action="nhs_numbers.check")
    assert entry.actor == member and entry.object_id == str(controller_application.pk)
    assert entry.after == {
        "checked": 4,
        "valid": 2,
        "invalid": 2,
        "blank_lines": 1,
        "header_line": 1,
        "bytes": len(BAD_ROWS),
    }
    assert "9434765919" not in str(entry.after) and "9434765918" not in str(entry.before)
    assert files_under(no_disk.FILE_UPLOAD_TEMP_DIR) == []
    assert files_under(no_disk.EVIDENCE_QUARANTINE_DIR) == []
    assert files_under(no_disk.MEDIA_ROOT) == []


def test_a_file_of_valid_numbers_says_so(client_member, check_url):
    page = page_text(send(client_member, check_url, b"9434765919\n4010232137\n"))
    assert "Every NHS number in the file is valid" in page


def test_a_file_is_checked_and_scanned_by_clamd_as_it_streams(
    client_member, check_url, scanner, no_disk
):
    data = b"9434765919\r\n" * 200_000  # 2.4MB: many chunks
    response = send(client_member, check_url, data)
    assert response.status_code == 200
    page = page_text(response)
    assert "Every NHS number in the file is valid" in page
    assert "200,000" in page
    assert "Malware scanning is not configured" not in page
    assert files_under(no_disk.FILE_UPLOAD_TEMP_DIR) == []


def test_malware_is_refused_with_no_report_and_audited(client_member, check_url, scanner):
    response = send(client_member, check_url, b"9434765919\n" + files.EICAR + b"\n")
    assert response.status_code == 400
    assert errors_on(response) == [VIRUS]
    assert "Report" not in page_text(response)
    entry = AuditEntry.objects.get(action="nhs_numbers.check_refused")
    assert "Eicar" in entry.after["reason"]
    assert not AuditEntry.objects.filter(action="nhs_numbers.check").exists()


def test_no_verdict_from_clamd_asks_to_try_again(client_member, check_url, dead_scanner):
    response = send(client_member, check_url, b"9434765919\n")
    assert response.status_code == 400
    assert errors_on(response) == [TRY_AGAIN]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", EMPTY),
        ("9434765919\n".encode("utf-16"), NOT_A_CSV),
        (b"PK\x03\x04 a spreadsheet, not its CSV", NOT_A_CSV),
        (b"%PDF-1.7\n", NOT_A_CSV),
    ],
)
def test_a_file_that_is_not_a_csv_or_empty_is_refused(client_member, check_url, data, message):
    response = send(client_member, check_url, data)
    assert response.status_code == 400
    assert errors_on(response) == [message]


def test_no_file_asks_to_select_one(client_member, check_url):
    response = client_member.post(check_url, {})
    assert response.status_code == 400
    assert errors_on(response) == [SELECT_A_FILE]
    assert not AuditEntry.objects.filter(action__startswith="nhs_numbers.").exists()


def test_a_file_too_large_is_refused_while_it_streams(
    client_member, check_url, monkeypatch, no_disk
):
    monkeypatch.setattr(upload_module, "NHS_NUMBER_FILE_MAX_BYTES", 200 * 1024)
    response = send(client_member, check_url, b"9434765919\n" * 30_000)  # 330KB
    assert response.status_code == 400
    assert errors_on(response) == ["The selected file must be smaller than 200KB"]
    assert files_under(no_disk.FILE_UPLOAD_TEMP_DIR) == []


def test_a_file_one_byte_under_the_limit_is_checked(client_member, check_url, monkeypatch):
    monkeypatch.setattr(upload_module, "NHS_NUMBER_FILE_MAX_BYTES", 111)
    response = send(client_member, check_url, b"9434765919\n" * 10)  # 110 bytes
    assert response.status_code == 200
    assert "Every NHS number in the file is valid" in page_text(response)


def test_another_organisations_member_gets_a_404(outsider, check_url):
    client = signed_in(outsider)
    assert client.get(check_url).status_code == 404
    assert send(client, check_url, b"9434765919\n").status_code == 404
    assert not AuditEntry.objects.filter(action__startswith="nhs_numbers.").exists()


def test_a_supplier_application_has_no_checker(client_member, organisation, member):
    supplier = Application.objects.create(
        organisation=organisation, scope="both", role="supplier", created_by=member
    )
    assert client_member.get(f"/applications/{supplier.pk}/nhs-number-check").status_code == 404


def test_the_controller_application_page_links_to_the_checker(applicant):
    applicant.start()
    applicant.answer("role", {"answer": "controller"})
    page = applicant.client.get(applicant.application_url).content.decode()
    assert f'href="{applicant.application_url}/nhs-number-check"' in page
