"""clamd stopped while a person uploads (issue 27, ADR 0047): the upload waits in quarantine,
unaccepted, and is scanned and accepted when clamd is back, by the cron command."""

from __future__ import annotations

import hashlib
import time

from tests.faults.harness import Browser, answered_application, signed_in_session

TRY_AGAIN = "The selected file could not be uploaded – try again"


def test_an_upload_waits_while_clamd_is_stopped_and_is_scanned_when_it_returns(
    service, member, private_clamd, tmp_path
):
    """Acknowledged: "could not be uploaded – try again" (the file is not accepted). The
    database holds one evidence row, pending, until clamd is back; then the same row clean and
    accepted, its file in the storage with its SHA-256, and nothing left in quarantine."""
    from audit.models import AuditEntry
    from evidence.models import EvidenceFile, ScanStatus
    from tests.evidence.files import PDF

    applicant, _ = answered_application(member)
    server = service(CLAMD_ADDRESS=private_clamd.address, EVIDENCE_SCAN_RETRY_SECONDS="1")
    person = Browser(server, signed_in_session(member))
    question = applicant.question_url("c_aup")
    private_clamd.stop()

    sent = person.http.post(
        f"{server.url}{question}",
        data={"csrfmiddlewaretoken": person.csrf, "then": "continue"},
        files={"evidence": ("signed-aup.pdf", PDF, "application/pdf")},
        headers={"Referer": f"{server.url}{question}"},
        allow_redirects=False,
        timeout=60,
    )
    assert sent.status_code == 400, sent.status_code
    assert TRY_AGAIN in sent.text
    [row] = EvidenceFile.objects.all()
    assert (row.scan_status, row.scan_attempts) == (ScanStatus.PENDING, 1)
    assert list((tmp_path / "quarantine").iterdir()) == [
        tmp_path / "quarantine" / f"{row.pk}.pending"
    ]
    assert not (tmp_path / "media").exists() or not any((tmp_path / "media").rglob("*.pdf"))

    private_clamd.start()
    time.sleep(1)  # the retry is due a second after the first attempt
    # The service's environment names the old socket path, which the new clamd uses again.
    assert server.manage("evidence_rescan_pending").startswith("1 clean")
    row.refresh_from_db()
    assert row.scan_status == ScanStatus.CLEAN
    assert row.sha256 == hashlib.sha256(PDF).hexdigest()
    [stored] = list((tmp_path / "media").rglob("*.pdf"))
    assert hashlib.sha256(stored.read_bytes()).hexdigest() == row.sha256
    assert list((tmp_path / "quarantine").iterdir()) == []
    actions = list(
        AuditEntry.objects.filter(action__startswith="evidence.").values_list("action", flat=True)
    )
    assert actions == ["evidence.scan_pending", "evidence.accept"], actions
    assert "signed-aup.pdf" in person.get(question).text
