"""Redis stopped under a running service (issue 27, ADR 0047): sessions are kept in PostgreSQL
and read through Redis (ADR 0027), so pages go on working from the database, and when Redis is
back sessions are read through it again.

Signing out while Redis is down works too: the session's row is deleted and the session is
recorded as ended, so that a copy left in a Redis that comes back with its data never signs
anyone in (ADR 0027, amended; tests/web/test_sign_out_without_redis.py keeps such a copy)."""

from __future__ import annotations

import re

from tests.faults.harness import Browser, answered_application, signed_in_session

ERROR_PAGE = "Sorry, there is a problem with the service"


def test_pages_keep_working_from_the_database_while_redis_is_stopped(
    service, private_redis, member
):
    """Acknowledged while Redis was down: an answer saved (the next question's page). The
    database holds exactly that answer, once, with its audit entry."""
    from django.contrib.sessions.models import Session

    from audit.models import AuditEntry
    from questionnaire.models import Answer

    applicant, application = answered_application(member)
    server = service(REDIS_URL=private_redis.url)
    person = Browser(server, signed_in_session(member))
    colleague = Browser(server, signed_in_session(member))
    mine = applicant.application_url
    assert person.get(mine).status_code == 200
    saves_before = AuditEntry.objects.filter(action="answer.update").count()

    private_redis.stop()
    page = person.get(mine)
    assert page.status_code == 200, page.status_code
    assert "Northern Imaging Trust" in page.text
    question = applicant.question_url("c_incident_leads")
    version = re.search(r'name="version" value="(\d+)"', person.get(question).text)
    assert version
    sent = person.post(question, {"version": version.group(1), "answer": "Ada Lovelace"})
    assert sent.status_code == 302, sent.status_code
    assert person.get(sent.headers["Location"]).status_code == 200
    assert Answer.objects.get(question_id="c_incident_leads").value == {"value": "Ada Lovelace"}
    assert AuditEntry.objects.filter(action="answer.update").count() == saves_before + 1

    # Signing out: the person is told they have signed out; the session's row is gone from the
    # database and the session is recorded as ended, for when Redis answers again.
    from accounts.models import SessionEviction

    session_key = person.http.cookies["sessionid"]
    signed_out = person.post("/sign-out", {})
    assert signed_out.status_code == 302, signed_out.status_code
    assert signed_out.headers["Location"] == "/signed-out"
    told = person.get("/signed-out")
    assert "You have signed out" in told.text
    assert ERROR_PAGE not in told.text
    assert not Session.objects.filter(session_key=session_key).exists()
    assert SessionEviction.objects.filter(session_key=session_key).exists()

    # Redis back (empty, as a restarted cache is): the other session is read through it again,
    # and the signed-out one is not there.
    private_redis.start()
    assert colleague.get(mine).status_code == 200
    assert colleague.get(mine).status_code == 200
    again = person.get(mine, allow_redirects=False)
    assert again.status_code == 302 and "/sign-in" in again.headers["Location"]
    assert Answer.objects.get(question_id="c_incident_leads").value == {"value": "Ada Lovelace"}
