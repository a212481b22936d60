"""A gunicorn worker killed with SIGKILL while it receives an upload (issue 27, ADR 0047): no
row, the half-received file deleted from quarantine by the cron command, and the person uploads
the file again."""

from __future__ import annotations

import http.client
import os
import signal
import threading
import time
import uuid
from pathlib import Path

import pytest

from tests.faults.harness import Browser, answered_application, signed_in_session, wait_for

CHUNK = 64 * 1024


def multipart(csrf: str, name: str, content: bytes) -> tuple[str, bytes, bytes]:
    """The form's body in two parts: everything up to and including the file's bytes, and the
    closing boundary; and its content type."""
    boundary = uuid.uuid4().hex
    head = (
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n'
        f"{csrf}\r\n"
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="then"\r\n\r\ncontinue\r\n'
        f"--{boundary}\r\n"
        f'Content-Disposition: form-data; name="evidence"; filename="{name}"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    return f"multipart/form-data; boundary={boundary}", head + content, tail


def test_a_worker_killed_mid_upload_records_nothing_and_the_person_uploads_again(
    service, member, tmp_path
):
    """Acknowledged: nothing for the first upload (the worker died receiving it), then the page
    after question 15 for the second. The database holds one evidence row, the second upload's,
    accepted, with its file's SHA-256; quarantine is empty once the cron command has run."""
    import hashlib

    from django.core.management import call_command
    from django.test import override_settings

    from audit.models import AuditEntry
    from evidence.models import EvidenceFile
    from tests.evidence.files import PDF

    applicant, _ = answered_application(member)
    server = service()
    person = Browser(server, signed_in_session(member))
    question = applicant.question_url("c_aup")
    quarantine = Path(tmp_path / "quarantine")

    # The first upload: 4MB of a PDF, sent slowly, and the worker killed when part of it is in
    # quarantine.
    content_type, body, tail = multipart(person.csrf, "signed-aup.pdf", PDF + b"\0" * 4_000_000)
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    connection.putrequest("POST", question)
    connection.putheader("Content-Type", content_type)
    connection.putheader("Content-Length", str(len(body) + len(tail)))
    connection.putheader("Cookie", "; ".join(f"{c.name}={c.value}" for c in person.http.cookies))
    connection.putheader("Referer", f"{server.url}{question}")
    connection.endheaders()
    sent = {"bytes": 0}
    stop = threading.Event()

    def send_slowly() -> None:
        try:
            for start in range(0, len(body) // 2, CHUNK):
                if stop.is_set():
                    return
                connection.send(body[start : start + CHUNK])
                sent["bytes"] = start + CHUNK
                time.sleep(0.01)
            stop.wait(30)
        except OSError:
            return

    sending = threading.Thread(target=send_slowly)
    sending.start()
    [part] = wait_for(
        "part of the upload in quarantine",
        lambda: [p for p in quarantine.glob("upload-*.part") if p.stat().st_size > CHUNK],
    )
    [worker] = server.workers()
    os.kill(worker, signal.SIGKILL)
    stop.set()
    sending.join(timeout=30)
    with pytest.raises((http.client.HTTPException, OSError)):
        connection.getresponse()
    connection.close()

    assert not EvidenceFile.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="evidence.").exists()
    assert part.exists()  # the killed worker could not delete it
    assert part.stat().st_size < len(body)

    # An hour later the cron command deletes it.
    an_hour_ago = time.time() - 3601
    os.utime(part, (an_hour_ago, an_hour_ago))
    with override_settings(EVIDENCE_QUARANTINE_DIR=quarantine):
        call_command("evidence_rescan_pending", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert list(quarantine.iterdir()) == []

    # The person uploads again, and it is accepted.
    server.wait_ready()
    again = person.http.post(
        f"{server.url}{question}",
        data={"csrfmiddlewaretoken": person.csrf, "then": "continue"},
        files={"evidence": ("signed-aup.pdf", PDF, "application/pdf")},
        headers={"Referer": f"{server.url}{question}"},
        allow_redirects=False,
        timeout=30,
    )
    assert again.status_code == 302, again.status_code
    assert "signed-aup.pdf has been uploaded" in person.get(again.headers["Location"]).text
    [row] = EvidenceFile.objects.all()
    assert (row.original_name, row.size, row.sha256) == (
        "signed-aup.pdf",
        len(PDF),
        hashlib.sha256(PDF).hexdigest(),
    )
    assert list(
        AuditEntry.objects.filter(action__startswith="evidence.").values_list("action", flat=True)
    ) == ["evidence.accept_unscanned"]  # no scanner here: clamd's fault is another test
    assert list(quarantine.iterdir()) == []
