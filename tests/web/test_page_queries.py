"""How many queries the busiest applicant pages make, for an application with every answer filled
in (issue 12). Pinned with django_assert_max_num_queries, so that a change which adds a query per
answer, or reads again what the page has read, fails here rather than under load.

The session is read as production reads it: through a cache (cached_db, ADR 0027; Redis in
production, local memory here), so once warm it costs no query. What each page reads:
- every page: the user, with their membership and organisation (accounts.backends), and whether
  the organisation is a supplier (the header's Certificates link);
- a Stage 2 page: the application with its response and reuse, then its answers
  (questionnaire.selectors.application_with_answers).
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.answer_sets import CONTROLLER

TEXT_QUESTION = "c_incident_leads"


@pytest.fixture
def cached_sessions(settings):
    settings.CACHES = {
        **settings.CACHES,
        "sessions": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "s"},
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    settings.SESSION_CACHE_ALIAS = "sessions"


@pytest.fixture
def filled(cached_sessions, applicant):
    applicant.answer_all(CONTROLLER)
    # Warm: the session into its cache, and this process's compiled templates.
    assert applicant.client.get(applicant.question_url(TEXT_QUESTION)).status_code == 200
    return applicant


def test_a_question_page_reads_the_user_the_application_and_its_answers(
    filled, django_assert_max_num_queries
):
    # Question 12 names the incident management leads (ADR 0046): its page reads the key
    # personnel too, once (5).
    with django_assert_max_num_queries(5):
        page = filled.client.get(filled.question_url(TEXT_QUESTION))
    assert page.status_code == 200
    assert "Alan Turing" in page.content.decode()


def test_saving_a_changed_answer_stays_within_its_queries(filled, django_assert_max_num_queries):
    version = filled.version_of(TEXT_QUESTION)
    # The user and the application (2); then the save: the application locked and read again
    # with its response, the answers, the answer and its revision written (the revision's
    # number follows the stored answer's version), the audit entry on its hash chain (head,
    # entry, head moved on) (7); and the savepoint and its release that the test's own
    # transaction turns the save's transaction into (2; in production, BEGIN and COMMIT are not
    # counted). No attestation names this question and nothing is paused, so neither
    # attestations nor holds are read (the two tests below).
    with django_assert_max_num_queries(11):
        saved = filled.client.post(
            filled.question_url(TEXT_QUESTION), {"version": version, "answer": "Ada Lovelace"}
        )
    assert saved.status_code == 302
    assert "Ada Lovelace" in filled.client.get(filled.question_url(TEXT_QUESTION)).content.decode()


def test_an_answer_refused_shows_the_page_again_within_its_queries(
    filled, django_assert_max_num_queries
):
    version = filled.version_of(TEXT_QUESTION)
    # The user, and the application with its response (a post reads no more before the save,
    # which reads the answers under its lock); the answer is refused before the save, and the
    # page shown again reads the answers, the response's reuse and the header's supplier check.
    with django_assert_max_num_queries(5):
        refused = filled.client.post(
            filled.question_url(TEXT_QUESTION), {"version": version, "answer": ""}
        )
    assert refused.status_code == 400


def test_check_answers_reads_each_thing_once(filled, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        page = filled.client.get(f"{filled.stage2}/check-answers")
    assert page.status_code == 200
    assert "Alan Turing" in page.content.decode()


def test_the_task_list_reads_each_thing_once(filled, django_assert_max_num_queries):
    # The seventh reads question 15's files, for its upload status (ADR 0030).
    with django_assert_max_num_queries(7):
        page = filled.client.get(filled.stage2)
    assert page.status_code == 200
    assert "Completed" in page.content.decode()


def _tables_read_saving(applicant, question_id, data):
    version = applicant.version_of(question_id)
    with CaptureQueriesContext(connection) as captured:
        saved = applicant.client.post(
            applicant.question_url(question_id), {"version": version, **data}
        )
    assert saved.status_code == 302
    return " ".join(query["sql"] for query in captured.captured_queries)


def test_an_answer_no_attestation_names_that_pauses_nothing_reads_neither(filled):
    read = _tables_read_saving(filled, TEXT_QUESTION, {"answer": "Ada Lovelace"})
    assert "questionnaire_answerrevision" in read  # it was saved
    assert "attestations_attestation" not in read
    assert "workflow_hold" not in read


def test_an_answer_an_attestation_names_reads_the_attestations(filled):
    # c_dpia is the question of the attestation rule c_dpia_approved.
    dpia = {"answer": "confirmed", "signed_off_by": "caldicott_guardian"}
    read = _tables_read_saving(filled, "c_dpia", dpia)
    assert "attestations_attestation" in read
