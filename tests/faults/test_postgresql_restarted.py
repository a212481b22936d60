"""PostgreSQL restarted while a person saves answers (issue 27, ADR 0047), on a private cluster
the test restarts for real: a request that meets the outage gets the service's own error page
with its reference, never a traceback; the first request once it is back works; every answer the
person was told was saved is in the database, with its audit entry."""

from __future__ import annotations

import re
import threading
import time

import psycopg
import requests

from tests.faults.harness import (
    Browser,
    answered_application,
    database_url,
    signed_in_session,
    wait_for,
)

ERROR_PAGE = "Sorry, there is a problem with the service"


def test_a_postgresql_restart_loses_no_acknowledged_answer(service, private_postgres, member):
    """Acknowledged: each answer whose save was followed by the next question's page. The
    database holds the last of them as the answer, and an answer.update entry for each."""
    applicant, _ = answered_application(member)
    session = signed_in_session(member)
    private_postgres.copy_from(database_url())
    server = service(DATABASE_URL=private_postgres.url)
    person = Browser(server, session)
    question = applicant.question_url("c_incident_leads")
    assert person.get(question).status_code == 200

    acknowledged: list[str] = []
    errors: list[requests.Response] = []
    # (when each request was sent, its status) for the requests after the restart
    answered: list[tuple[float, int]] = []
    stop = threading.Event()

    def keep_answering() -> None:
        n = 0
        while not stop.is_set():
            n += 1
            text = f"Incident lead number {n}"
            try:
                sent_at = time.monotonic()
                page = person.get(question)
                answered.append((sent_at, page.status_code))
                version = re.search(r'name="version" value="(\d+)"', page.text)
                if page.status_code != 200 or not version:
                    errors.append(page)
                    continue
                sent_at = time.monotonic()
                sent = person.post(question, {"version": version.group(1), "answer": text})
                answered.append((sent_at, sent.status_code))
            except requests.RequestException:
                continue
            if sent.status_code == 302:
                acknowledged.append(text)
            else:
                errors.append(sent)

    answering = threading.Thread(target=keep_answering)
    answering.start()
    wait_for("some answers saved before the restart", lambda: len(acknowledged) >= 3)
    private_postgres.stop()
    wait_for("a request meeting the outage", lambda: errors, seconds=30)
    time.sleep(1)
    private_postgres.start()
    back = time.monotonic()
    before = len(acknowledged)
    wait_for("answers saved after the restart", lambda: len(acknowledged) >= before + 3)
    stop.set()
    answering.join(timeout=60)

    after_restart = [status for sent_at, status in answered if sent_at >= back]
    assert after_restart and set(after_restart) <= {200, 302}, after_restart
    for page in errors:
        assert page.status_code == 500, page.status_code
        assert ERROR_PAGE in page.text
        assert page.headers["X-Request-ID"] in page.text
        assert "Traceback" not in page.text

    with psycopg.connect(private_postgres.url.replace("postgres://", "postgresql://")) as db:
        [(value,)] = db.execute(
            "SELECT a.value->>'value' FROM questionnaire_answer a WHERE a.question_id = %s",
            ["c_incident_leads"],
        ).fetchall()
        audited = {
            text
            for (text,) in db.execute(
                "SELECT after->>'value' FROM audit_auditentry WHERE action = 'answer.update'"
            ).fetchall()
        }
    assert value == acknowledged[-1]
    assert set(acknowledged) <= audited, set(acknowledged) - audited

    # Restarted again while no request runs: the worker's kept connection is dead, and the
    # person's next request still works.
    private_postgres.stop()
    private_postgres.start()
    assert person.get(question).status_code == 200
