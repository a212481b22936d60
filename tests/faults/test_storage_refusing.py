"""The evidence storage refusing writes (issue 27, ADR 0047): the person is told, in the design
system's words, that the file could not be uploaded and to try again, and nothing is recorded as
accepted; when the storage takes writes again the same upload is accepted."""

from __future__ import annotations

import hashlib

from tests.faults.harness import Browser, answered_application, signed_in_session

TRY_AGAIN = "The selected file could not be uploaded – try again"


def test_a_storage_refusing_writes_accepts_nothing_and_the_next_try_is_accepted(
    service, member, tmp_path
):
    """Acknowledged: "could not be uploaded – try again", then, once the storage takes writes,
    the page after question 15. The database holds one evidence row, the second upload's, and
    the first upload's refusal in the audit log; quarantine is empty."""
    from audit.models import AuditEntry
    from evidence.models import EvidenceFile
    from tests.evidence.files import PDF

    applicant, _ = answered_application(member)
    server = service()
    person = Browser(server, signed_in_session(member))
    question = applicant.question_url("c_aup")
    # The storage's folder cannot be written: a file stands where its `evidence` folder must be
    # made (the suite runs as root, which file permissions do not stop; a full disk or a bucket
    # refusing writes fails the same call, storage.save, with an OSError or a ClientError).
    media = tmp_path / "media"
    media.mkdir()
    (media / "evidence").write_bytes(b"in the way")

    def upload():
        return person.http.post(
            f"{server.url}{question}",
            data={"csrfmiddlewaretoken": person.csrf, "then": "continue"},
            files={"evidence": ("signed-aup.pdf", PDF, "application/pdf")},
            headers={"Referer": f"{server.url}{question}"},
            allow_redirects=False,
            timeout=60,
        )

    refused = upload()
    assert refused.status_code == 400, refused.status_code
    assert TRY_AGAIN in refused.text
    assert not EvidenceFile.objects.exists()
    assert list(
        AuditEntry.objects.filter(action__startswith="evidence.").values_list("action", flat=True)
    ) == ["evidence.refuse"]
    assert list((tmp_path / "quarantine").iterdir()) == []

    (media / "evidence").unlink()
    accepted = upload()
    assert accepted.status_code == 302, accepted.status_code
    assert "signed-aup.pdf has been uploaded" in person.get(accepted.headers["Location"]).text
    [row] = EvidenceFile.objects.all()
    assert row.sha256 == hashlib.sha256(PDF).hexdigest()
    [stored] = list(media.rglob("*.pdf"))
    assert hashlib.sha256(stored.read_bytes()).hexdigest() == row.sha256
    assert list((tmp_path / "quarantine").iterdir()) == []
