"""Storing evidence: each bad file refused with its message, good files kept as revisions, every
outcome audited, and a file never accepted before a clean scan (a real clamd, see conftest)."""

import pytest
from django.db import IntegrityError, transaction

from audit.models import AuditEntry
from evidence.models import EvidenceFile, ScanStatus
from evidence.refusals import (
    EMPTY,
    PASSWORD_PROTECTED,
    TRY_AGAIN,
    VIRUS,
    WRONG_TYPE,
    EvidenceRefused,
)
from evidence.rescan import evidence_rescan_due, evidence_scan_retry
from evidence.selectors import evidence_history, evidence_latest
from evidence.storage import quarantine_path
from tests.evidence import files
from tests.evidence.conftest import quarantined, stored

pytestmark = pytest.mark.django_db


def refused(store, data, name="evidence.pdf"):
    with pytest.raises(EvidenceRefused) as refusal:
        store(data, name)
    return refusal.value


@pytest.mark.integration
def test_the_eicar_test_file_is_refused_as_a_virus_and_its_bytes_deleted(
    store, scanner, settings, application
):
    # EICAR is plain text: it reaches the scanner only inside an allowed container.
    refusal = refused(store, files.zip_of([("eicar.pdf", b"%PDF-1.4\n" + files.EICAR)]), "a.zip")
    assert refusal.message == VIRUS
    row = EvidenceFile.objects.get()
    assert row.scan_status == ScanStatus.INFECTED
    assert "Eicar-Test-Signature" in row.scan_result
    assert not row.accepted
    assert stored(settings) == []
    assert quarantined(settings) == []
    entry = AuditEntry.objects.get(action="evidence.infected")
    assert entry.after["signature"].startswith("Eicar-Test-Signature")
    assert entry.organisation == application.organisation
    assert evidence_latest(application, "question:c_aup") is None


@pytest.mark.integration
@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"%PDF-1.4\n" + files.EICAR, "eicar.pdf"),
        (files.zip_of([("a.pdf", files.PDF), ("b.pdf", b"%PDF-1.4 " + files.MARKER)]), "x.zip"),
        (files.PNG + files.MARKER, "photo.png"),
    ],
)
def test_a_signature_anywhere_is_a_virus(store, scanner, settings, data, name):
    assert refused(store, data, name).message == VIRUS
    assert stored(settings) == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (files.zip_bomb(), WRONG_TYPE),
        (files.zip_of([("../../etc/cron.d/evil.pdf", files.PDF)]), WRONG_TYPE),
        (files.encrypted_zip(), PASSWORD_PROTECTED),
        (files.elf(), WRONG_TYPE),
        (b"", EMPTY),
    ],
    ids=["zip bomb", "traversal", "encrypted", "renamed ELF", "empty"],
)
def test_bad_files_are_refused_with_their_message_and_nothing_is_kept(
    store, scanner, settings, data, message
):
    assert refused(store, data, "report.pdf").message == message
    assert EvidenceFile.objects.count() == 0
    assert stored(settings) == []
    assert quarantined(settings) == []
    entry = AuditEntry.objects.get(action="evidence.refuse")
    assert entry.after["message"] == message


@pytest.mark.integration
@pytest.mark.parametrize(
    ("data", "name", "kind"),
    [
        (files.PDF, "Hazard log.pdf", "pdf"),
        (files.docx(), "DPIA.docx", "docx"),
        (files.odt(), "DPIA.odt", "odt"),
        (files.zip_of([("a.pdf", files.PDF), ("b.jpg", files.JPEG)]), "scans.zip", "zip"),
    ],
)
def test_good_files_are_scanned_clean_stored_and_accepted(
    store, scanner, settings, application, data, name, kind
):
    import hashlib

    evidence = store(data, name)
    assert evidence.scan_status == ScanStatus.CLEAN
    assert evidence.scan_result == "stream: OK"
    assert evidence.kind == kind
    assert evidence.sha256 == hashlib.sha256(data).hexdigest()
    assert evidence.size == len(data)
    assert evidence.original_name == evidence.download_name == name
    assert evidence.revision == 1
    [path] = stored(settings)
    assert path.read_bytes() == data
    assert quarantined(settings) == []
    assert AuditEntry.objects.filter(action="evidence.accept", object_id=str(evidence.pk)).exists()
    assert evidence_latest(application, "question:c_aup") == evidence


def test_without_a_scanner_files_are_accepted_and_marked_not_scanned(store, settings):
    from evidence.scanning import scanner_configured

    assert not scanner_configured()
    evidence = store(files.PDF)
    assert evidence.scan_status == ScanStatus.NOT_SCANNED
    assert evidence.accepted
    assert evidence.scanned_at is None
    assert AuditEntry.objects.filter(action="evidence.accept_unscanned").count() == 1


def test_a_replaced_file_keeps_its_old_revision(store, application):
    first = store(files.PDF, "v1.pdf")
    second = store(files.docx(), "v2.docx")
    other = store(files.PNG, "logo.png", purpose="document_request:hazard-log")
    assert (first.revision, second.revision, other.revision) == (1, 2, 1)
    assert evidence_latest(application, "question:c_aup") == second
    assert list(evidence_history(application, "question:c_aup")) == [first, second]
    first.refresh_from_db()
    assert first.original_name == "v1.pdf"


@pytest.mark.integration
def test_a_scanner_that_is_down_leaves_the_file_pending_until_the_retry_accepts_it(
    store, dead_scanner, settings, application, clamd_address
):
    with pytest.raises(EvidenceRefused) as refusal:
        store(files.PDF, "hazard.pdf")
    assert refusal.value.message == TRY_AGAIN
    assert refusal.value.message == "The selected file could not be uploaded – try again"
    row = EvidenceFile.objects.get()
    assert row.scan_status == ScanStatus.PENDING
    assert row.scan_attempts == 1
    assert row.next_scan_at is not None
    assert evidence_latest(application, "question:c_aup") is None
    assert evidence_latest(application, "question:c_aup", accepted_only=False) == row
    assert quarantined(settings) == [quarantine_path(row.pk)]
    assert stored(settings) == []
    assert AuditEntry.objects.filter(action="evidence.scan_pending").count() == 1

    # Still down: the retry counts the attempt and waits longer.
    assert evidence_scan_retry(evidence_id=row.pk) == "pending"
    row.refresh_from_db()
    assert (row.scan_status, row.scan_attempts) == (ScanStatus.PENDING, 2)

    # Back up: the cron sweep (due now) accepts it.
    settings.CLAMD_ADDRESS = clamd_address
    assert evidence_rescan_due(now=row.next_scan_at) == {"clean": 1}
    row.refresh_from_db()
    assert row.scan_status == ScanStatus.CLEAN
    assert row.scanned_at is not None
    assert [p.read_bytes() for p in stored(settings)] == [files.PDF]
    assert quarantined(settings) == []
    assert evidence_latest(application, "question:c_aup") == row
    assert evidence_scan_retry(evidence_id=row.pk) == "skipped"


@pytest.mark.integration
def test_the_retry_task_deletes_a_pending_file_found_infected(
    store, dead_scanner, settings, clamd_address
):
    from evidence.rescan import evidence_scan_task

    with pytest.raises(EvidenceRefused):
        store(b"%PDF-1.4 " + files.MARKER)
    row = EvidenceFile.objects.get()
    settings.CLAMD_ADDRESS = clamd_address
    evidence_scan_task.enqueue(str(row.pk))  # the immediate backend runs it now
    row.refresh_from_db()
    assert row.scan_status == ScanStatus.INFECTED
    assert "NIR-Test-Marker" in row.scan_result
    assert quarantined(settings) == [] and stored(settings) == []


def test_a_file_never_scanned_is_refused_after_the_last_attempt(store, dead_scanner, settings):
    settings.EVIDENCE_SCAN_MAX_ATTEMPTS = 2
    with pytest.raises(EvidenceRefused):
        store(files.PDF)
    row = EvidenceFile.objects.get()
    assert evidence_scan_retry(evidence_id=row.pk) == "refused"
    row.refresh_from_db()
    assert row.scan_status == ScanStatus.REFUSED
    assert quarantined(settings) == [] and stored(settings) == []
    assert AuditEntry.objects.filter(action="evidence.scan_refuse").count() == 1


def test_rows_are_append_only_but_for_a_pending_rows_scan(store, dead_scanner, settings):
    with pytest.raises(EvidenceRefused):
        store(files.PDF)
    pending = EvidenceFile.objects.get()
    # The scan's columns of a pending row may change.
    EvidenceFile.objects.filter(pk=pending.pk).update(scan_result="still waiting")
    for change in ({"sha256": "0" * 64}, {"original_name": "other.pdf"}, {"revision": 7}):
        with pytest.raises(IntegrityError), transaction.atomic():
            EvidenceFile.objects.filter(pk=pending.pk).update(**change)
    settings.CLAMD_ADDRESS = ""
    accepted = EvidenceFile.objects.get(pk=store(files.PDF).pk)
    # A decided row changes no more, scan columns included, and no row is ever deleted.
    for change in ({"scan_status": "pending"}, {"scan_result": "x"}):
        with pytest.raises(IntegrityError), transaction.atomic():
            EvidenceFile.objects.filter(pk=accepted.pk).update(**change)
    with pytest.raises(IntegrityError), transaction.atomic():
        EvidenceFile.objects.filter(pk=pending.pk).delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        EvidenceFile.objects.filter(pk=accepted.pk).delete()
