"""Uploads through HTTP (a test-only page, tests/evidence/urls.py): the body streams into
quarantine in chunks, a file is stopped at the limit, and the messages are the design system's."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from evidence.models import EvidenceFile
from evidence.refusals import SELECT_A_FILE
from evidence.upload import CHUNK_SIZE, QuarantineUploadHandler
from tests.evidence import files
from tests.evidence.conftest import LIMIT, quarantined, stored

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.evidence.urls")]


@pytest.fixture
def client(member):
    client = Client()
    client.force_login(member)
    return client


def upload(client, application, data, name="evidence.pdf", **fields):
    url = f"/test/upload/{application.pk}"
    payload = dict(fields)
    if data is not None:
        payload["evidence"] = SimpleUploadedFile(name, data, content_type="application/pdf")
    return client.post(url, payload)


def pdf_of_size(size):
    return files.PDF + b"%" * (size - len(files.PDF))


def test_a_pdf_is_received_and_stored(client, application, settings):
    response = upload(client, application, files.PDF, note="kept")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["handlers"] == ["QuarantineUploadHandler"]
    assert body["note"] == "kept"
    assert EvidenceFile.objects.get().sha256 == body["sha256"]
    assert quarantined(settings) == []  # moved to storage, nothing left behind


def test_no_file_is_select_a_file(client, application):
    assert upload(client, application, None).json()["error"] == SELECT_A_FILE
    # A file input left empty sends a part with an empty file name: no file either.
    body = (
        b'--B\r\nContent-Disposition: form-data; name="evidence"; filename=""\r\n'
        b"Content-Type: application/octet-stream\r\n\r\n\r\n--B--\r\n"
    )
    response = client.generic(
        "POST",
        f"/test/upload/{application.pk}",
        body,
        content_type="multipart/form-data; boundary=B",
    )
    assert response.json()["error"] == SELECT_A_FILE


def test_an_empty_file_is_empty(client, application, settings):
    assert upload(client, application, b"").json()["error"] == "The selected file is empty"
    assert quarantined(settings) == []


@pytest.mark.parametrize(
    ("size", "accepted"),
    [(LIMIT - 1, True), (LIMIT, False), (LIMIT + 1, False)],
    ids=["one byte under", "exactly the limit", "one byte over"],
)
def test_a_file_must_be_smaller_than_the_limit(client, application, settings, size, accepted):
    response = upload(client, application, pdf_of_size(size), note="after the file")
    if accepted:
        assert response.status_code == 200, response.json()
        assert EvidenceFile.objects.get().size == size
    else:
        assert response.json()["error"] == "The selected file must be smaller than 1MB"
        # The fields after the file are still read.
        assert response.json()["handlers"] == ["QuarantineUploadHandler"]
        assert EvidenceFile.objects.count() == 0
        assert stored(settings) == [] and quarantined(settings) == []


def test_the_message_names_the_configured_limit(client, application, settings):
    settings.EVIDENCE_MAX_BYTES = 250 * 1024 * 1024
    from evidence.refusals import too_large_message

    assert too_large_message() == "The selected file must be smaller than 250MB"


def test_the_body_streams_to_disk_in_chunks_and_stops_at_the_limit(
    client, application, settings, monkeypatch
):
    """Larger than Django's in-memory upload size (2.5MB): every chunk goes to disk as it
    comes, and a file over the limit never has more than the limit on disk."""
    settings.EVIDENCE_MAX_BYTES = 4 * 1024 * 1024
    on_disk = []
    chunks = []
    receive = QuarantineUploadHandler.receive_data_chunk

    def spy(self, raw_data, start):
        chunks.append(len(raw_data))
        result = receive(self, raw_data, start)
        on_disk.append(self.path.stat().st_size if self.path and self.path.exists() else 0)
        return result

    monkeypatch.setattr(QuarantineUploadHandler, "receive_data_chunk", spy)
    size = 3 * 1024 * 1024
    response = upload(client, application, pdf_of_size(size))
    assert response.status_code == 200, response.json()
    assert max(chunks) <= CHUNK_SIZE
    assert len(chunks) >= size // CHUNK_SIZE
    # Written as it came: the file on disk grew chunk by chunk (the file object may buffer at
    # most one chunk's worth before it reaches the disk).
    assert on_disk == sorted(on_disk)
    assert all(
        abs(written - sum(chunks[: n + 1])) <= CHUNK_SIZE for n, written in enumerate(on_disk)
    )

    chunks.clear()
    on_disk.clear()
    settings.EVIDENCE_MAX_BYTES = 1024 * 1024
    # Within the allowance for the multipart envelope, so the handler must count to stop it.
    response = upload(client, application, pdf_of_size(1536 * 1024))
    assert response.json()["error"] == "The selected file must be smaller than 1MB"
    assert max(on_disk) < settings.EVIDENCE_MAX_BYTES
    # The handler was stopped at the limit: the rest of the file was read past, not handed to it.
    assert sum(chunks) <= settings.EVIDENCE_MAX_BYTES + CHUNK_SIZE
    assert quarantined(settings) == []


def test_a_request_larger_than_the_limit_writes_nothing(client, application, settings, monkeypatch):
    """The Content-Length says too large: the file is skipped before a byte is written."""
    from django.test.client import MULTIPART_CONTENT, encode_multipart

    written = []
    monkeypatch.setattr(QuarantineUploadHandler, "receive_data_chunk", lambda *a: written.append(1))
    body = encode_multipart(
        "BoUnDaRy",
        {"note": "before", "evidence": SimpleUploadedFile("big.pdf", pdf_of_size(3 * LIMIT))},
    )
    response = client.generic(
        "POST",
        f"/test/upload/{application.pk}",
        body,
        content_type=MULTIPART_CONTENT.replace("BoUnDaRyStRiNg", "BoUnDaRy"),
    )
    assert response.json()["error"] == "The selected file must be smaller than 1MB"
    assert written == []


def test_the_csrf_check_still_applies(member, application):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    response = client.post(f"/test/upload/{application.pk}", {"evidence": io.BytesIO(files.PDF)})
    assert response.status_code == 403
    assert EvidenceFile.objects.count() == 0


def test_a_signed_out_upload_keeps_no_byte(application, settings):
    response = Client().post(f"/test/upload/{application.pk}", {"evidence": io.BytesIO(files.PDF)})
    assert response.status_code == 302 and "/sign-in" in response["Location"]
    assert quarantined(settings) == []


def test_a_page_that_takes_no_file_reads_its_fields_and_discards_the_file(client, settings):
    response = client.post(
        "/test/takes-no-file", {"note": "hello", "evidence": io.BytesIO(files.PDF)}
    )
    assert response.json() == {"files": 0, "note": "hello"}
    assert quarantined(settings) == []
