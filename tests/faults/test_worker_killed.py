"""A gunicorn worker killed with SIGKILL in the middle of a request (issue 27, ADR 0047): what
the person was told was saved is in the database exactly once, and what they were not told was
saved is not there at all."""

from __future__ import annotations

import os
import signal
import threading

import requests

from tests.faults.harness import (
    Browser,
    answered_application,
    database_connect,
    declaration_shown,
    signed_in_session,
    wait_for,
)


def submitted_records(application):
    """What a submission leaves: the state, the snapshots and the audit entries."""
    from audit.models import AuditEntry
    from workflow.models import Submission

    application.refresh_from_db()
    return (
        application.stage2_state,
        list(Submission.objects.filter(application=application).values_list("number", flat=True)),
        AuditEntry.objects.filter(action="response.submit").count(),
    )


def chain_intact():
    from audit.verify import chain_walk

    return sum(1 for _ in chain_walk())


def test_a_worker_killed_mid_submit_submits_nothing_and_the_next_try_submits_once(service, member):
    """Acknowledged: nothing (the killed worker never answered). Then, after a second try, the
    confirmation. The database holds one submission, its snapshot and its audit entry."""
    from applications.states import Stage2State
    from workflow.models import Submission

    applicant, application = answered_application(member)
    server = service()
    person = Browser(server, signed_in_session(member))
    check_answers = f"{applicant.stage2}/check-answers"
    declaration = declaration_shown(person.get(check_answers).text)
    before = submitted_records(application)
    assert before == (Stage2State.DRAFT, [], 0)

    # The audit chain's head row, locked by the test: the submit's transaction stops at its
    # first audit entry, after it has locked the application, and waits there.
    lock = database_connect()
    lock.execute("SELECT 1 FROM audit_auditchainhead FOR UPDATE")
    # Another connection watches, outside any transaction: within one, PostgreSQL shows the
    # same snapshot of pg_stat_activity each time it is asked.
    watch = database_connect()
    watch.autocommit = True
    outcome: dict[str, object] = {}

    def submit() -> None:
        try:
            outcome["response"] = person.post(check_answers, {"declaration": declaration})
        except requests.RequestException as error:
            outcome["error"] = error

    sending = threading.Thread(target=submit)
    sending.start()
    waiting = wait_for(
        "the submit's transaction waiting on the audit chain's lock",
        lambda: watch.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
        ).fetchall(),
    )
    [worker] = server.workers()
    os.kill(worker, signal.SIGKILL)
    sending.join(timeout=30)
    lock.rollback()
    # The killed worker's transaction is rolled back when its backend finds the client gone.
    wait_for(
        "the killed worker's backend to end",
        lambda: (
            not watch.execute(
                "SELECT 1 FROM pg_stat_activity WHERE pid = ANY(%s)", [[pid for (pid,) in waiting]]
            ).fetchall()
        ),
    )
    lock.close()
    watch.close()
    assert "response" not in outcome, "the killed worker answered"

    assert submitted_records(application) == before
    assert chain_intact()

    server.wait_ready()  # gunicorn has started another worker
    again = person.post(check_answers, {"declaration": declaration})
    assert again.status_code == 302, again.status_code
    confirmation = person.get(again.headers["Location"])
    assert "submitted" in confirmation.text.lower()
    state, numbers, audited = submitted_records(application)
    assert (state, numbers, audited) == (Stage2State.SUBMITTED, [1], 1)
    snapshot = Submission.objects.get(application=application)
    from workflow.services import snapshot_digest

    assert snapshot.sha256 == snapshot_digest(snapshot.snapshot)

    # The person, unsure, submits again: still one submission.
    person.post(check_answers, {"declaration": declaration})
    assert submitted_records(application) == (Stage2State.SUBMITTED, [1], 1)
    assert chain_intact()
