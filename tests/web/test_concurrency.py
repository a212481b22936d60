"""Concurrent requests against a live server, each on its own database connection.

Several people (or one person's double click and second tab) act at the same instant. Whatever
the database, nobody gets a server error, Stage 2 is submitted once, and no saved answer is lost.
Runs on SQLite (a test database file, so each server thread has its own connection and SQLite's
file locking is really exercised) and on PostgreSQL.
"""

import http.client
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils.crypto import get_random_string

from applications.models import Stage2Transition
from applications.states import Stage2State
from audit.models import AuditEntry
from questionnaire.models import Answer
from questionnaire.views import STALE_ANSWER
from tests.answer_sets import CONTROLLER

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@dataclass(frozen=True)
class Reply:
    status: int
    location: str
    body: str


class Browser:
    """One browser: its own session and CSRF cookie, and a connection of its own to the server."""

    def __init__(self, base_url: str, user):
        client = Client()
        client.force_login(user)
        self.session = client.cookies[settings.SESSION_COOKIE_NAME].value
        self.csrf = get_random_string(32)
        address = urlsplit(base_url)
        self.host, self.port = address.hostname, address.port

    def post(self, path: str, data: dict[str, str]) -> Reply:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            conn.request(
                "POST",
                path,
                urlencode({**data, "csrfmiddlewaretoken": self.csrf}),
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Cookie": f"{settings.SESSION_COOKIE_NAME}={self.session}; "
                    f"{settings.CSRF_COOKIE_NAME}={self.csrf}",
                },
            )
            response = conn.getresponse()
            return Reply(
                response.status, response.getheader("Location") or "", response.read().decode()
            )
        finally:
            conn.close()


def all_at_once(requests):
    """Send every request at the same instant, each from its own thread; the replies in order."""
    start = threading.Barrier(len(requests))

    def send(request):
        start.wait(timeout=30)
        return request()

    with ThreadPoolExecutor(max_workers=len(requests)) as pool:
        return list(pool.map(send, requests))


@pytest.fixture
def answered(live_server, applicant):
    """A controller's application with every question answered, and a live server to reach it."""
    if connection.vendor == "sqlite":
        assert not connection.is_in_memory_db(), "each server thread needs its own connection"
    applicant.answer_all(CONTROLLER)
    return applicant


def server_errors(replies):
    return [(reply.status, reply.body[:300]) for reply in replies if reply.status >= 500]


def test_six_simultaneous_submits_submit_once(answered, live_server, member):
    check_answers = f"{answered.stage2}/check-answers"
    declared = {"declaration": answered.declaration_shown()}
    browsers = [Browser(live_server.url, member) for _ in range(6)]

    replies = all_at_once([lambda b=b: b.post(check_answers, declared) for b in browsers])

    assert server_errors(replies) == []
    assert {reply.status for reply in replies} == {302}
    assert {reply.location for reply in replies} == {f"{answered.stage2}/confirmation"}
    assert Stage2Transition.objects.filter(to_state=Stage2State.SUBMITTED).count() == 1
    assert AuditEntry.objects.filter(action="response.submit").count() == 1


# Changes that keep the route as it is: each question keeps its place and the response stays
# ready to submit, so the changes and a submission can land in any order.
CHANGES = {
    "c_csos": {"answer": "Dr Elizabeth Garrett Anderson"},
    "c_incident_leads": {"answer": "Florence Nightingale"},
    "c_incident_management": {"answer": "yes", "description": "P1 within 1 hour."},
    "c_dpia": {"answer": "confirmed", "signed_off_by": "caldicott_guardian"},
    "c_clinical_approval": {"answer": "confirmed", "approved_by": "cso"},
}


def stored_values():
    return {a.question_id: (a.value, a.version) for a in Answer.objects.all()}


def test_simultaneous_changes_to_different_questions_are_all_kept(answered, live_server, member):
    before = stored_values()
    browsers = [Browser(live_server.url, member) for _ in CHANGES]
    posts = [
        lambda b=b, q=q, data=data: b.post(
            answered.question_url(q), {"version": str(before[q][1]), **data}
        )
        for b, (q, data) in zip(browsers, CHANGES.items(), strict=True)
    ]

    replies = all_at_once(posts)

    assert server_errors(replies) == []
    assert {reply.status for reply in replies} == {302}
    after = stored_values()
    for question_id, data in CHANGES.items():
        value, version = after[question_id]
        assert value == {("value" if k == "answer" else k): v for k, v in data.items()}
        assert version == before[question_id][1] + 1
    assert AuditEntry.objects.filter(action="answer.update").count() == len(CHANGES)


def test_two_people_changing_the_same_answer_one_wins_the_other_is_told(
    answered, live_server, member, colleague
):
    version = str(stored_values()["c_csos"][1])
    first, second = Browser(live_server.url, member), Browser(live_server.url, colleague)
    url = answered.question_url("c_csos")

    replies = all_at_once(
        [
            lambda: first.post(url, {"version": version, "answer": "Dr First"}),
            lambda: second.post(url, {"version": version, "answer": "Dr Second"}),
        ]
    )

    assert server_errors(replies) == []
    assert sorted(reply.status for reply in replies) == [302, 400]
    winner, loser = sorted(replies, key=lambda reply: reply.status)
    assert STALE_ANSWER in loser.body
    value, stored_version = stored_values()["c_csos"]
    assert stored_version == int(version) + 1
    assert value["value"] == ("Dr First" if winner is replies[0] else "Dr Second")


def test_submitting_while_others_change_answers(answered, live_server, member, colleague):
    check_answers = f"{answered.stage2}/check-answers"
    declared = {"declaration": answered.declaration_shown()}
    before = stored_values()
    submitters = [Browser(live_server.url, member) for _ in range(3)]
    changers = [Browser(live_server.url, colleague) for _ in CHANGES]
    requests = [lambda b=b: b.post(check_answers, declared) for b in submitters] + [
        lambda b=b, q=q, data=data: b.post(
            answered.question_url(q), {"version": str(before[q][1]), **data}
        )
        for b, (q, data) in zip(changers, CHANGES.items(), strict=True)
    ]

    replies = all_at_once(requests)

    assert server_errors(replies) == []
    assert {reply.status for reply in replies[: len(submitters)]} == {302}
    assert Stage2Transition.objects.filter(to_state=Stage2State.SUBMITTED).count() == 1
    assert AuditEntry.objects.filter(action="response.submit").count() == 1
    # A change either landed before the submission and went on, or was refused with the
    # question shown read-only, saying why (ADR 0036): nothing saved, and the person told.
    after = stored_values()
    for reply, (question_id, _) in zip(replies[len(submitters) :], CHANGES.items(), strict=True):
        changed = after[question_id][1] == before[question_id][1] + 1
        if changed:
            assert reply.status == 302, (question_id, reply.status)
        else:
            assert reply.status == 409, (question_id, reply.status)
            assert "Your change has not been saved" in reply.body, question_id
