"""A question that cannot be changed now opens read-only, saying why, with the question and the
current answer; a change posted to it is refused with the same words and nothing is saved
(issue 25 item 6, ADR 0036)."""

import pytest

from applications.models import Application
from applications.states import Stage2State
from audit.models import AuditEntry
from questionnaire.models import Answer
from tests.answer_sets import SUPPLIER
from tests.attestations.support import attest_all
from tests.visible import row, words
from tests.web.conftest import signed_in
from tests.workflow.test_review_cycle import Reviewer

SENT = "You have sent your answers to NHS England."
REVIEWING = "NHS England is reviewing your answers."
APPROVED = "NHS England has approved stage 2, so its answers cannot be changed."
ISMS_HEADING = "Information Security Management System (ISMS): Do you have a formal and documented"


@pytest.fixture
def submitted(applicant):
    applicant.answer_all(SUPPLIER)
    assert applicant.submit().status_code == 302
    return applicant


def in_state(applicant, reviewer, state):
    application = Application.objects.get()
    if state in (Stage2State.IN_REVIEW, Stage2State.APPROVED):
        desk = Reviewer(signed_in(reviewer), application)
        assert desk.post("/start").status_code == 302
    if state == Stage2State.APPROVED:
        attest_all(application)
        assert desk.post("/approve").status_code == 302
    application.refresh_from_db()
    assert application.stage2_state == state


@pytest.mark.parametrize(
    ("state", "reason"),
    [
        (Stage2State.SUBMITTED, SENT),
        (Stage2State.IN_REVIEW, REVIEWING),
        (Stage2State.APPROVED, APPROVED),
    ],
)
def test_the_question_shows_why_and_the_answer_and_has_no_form(submitted, reviewer, state, reason):
    in_state(submitted, reviewer, state)
    response = submitted.client.get(submitted.question_url("s_isms"))
    assert response.status_code == 200
    text = words(response)
    assert ISMS_HEADING in text
    assert "You cannot change this answer now." in text
    assert reason in text
    assert "Your change has not been saved" not in text
    assert row(response, "Your answer") == "Yes"
    page = response.content.decode()
    assert 'name="answer"' not in page
    assert "Save and continue" not in text
    # Why comes first, then the answer.
    assert text.index("You cannot change this answer now") < text.index("Your answer")


def test_a_change_posted_is_refused_with_the_same_words_and_nothing_saved(submitted, reviewer):
    in_state(submitted, reviewer, Stage2State.IN_REVIEW)
    isms = Answer.objects.get(question_id="s_isms")
    entries = AuditEntry.objects.count()
    response = submitted.answer("s_isms", {"answer": "no"}, version=str(isms.version))
    assert response.status_code == 409
    text = words(response)
    assert "Your change has not been saved. You cannot change this answer now." in text
    assert REVIEWING in text
    assert row(response, "Your answer") == "Yes"
    refreshed = Answer.objects.get(question_id="s_isms")
    assert (refreshed.value, refreshed.version) == (isms.value, isms.version)
    assert AuditEntry.objects.count() == entries


def test_a_text_answer_is_shown_as_typed(submitted):
    response = submitted.client.get(submitted.question_url("s_cso"))
    assert response.status_code == 200
    assert row(response, "Your answer") == "Dr Ada Lovelace, GMC 1234567"


def test_a_draft_question_still_opens_its_form(applicant):
    response = applicant.client.get(applicant.question_url("role"))
    assert response.status_code == 200
    assert "You cannot change this answer now" not in words(response)
    assert 'name="answer"' in response.content.decode()
