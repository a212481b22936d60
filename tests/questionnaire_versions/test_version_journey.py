"""A published version reaches applications as ADR 0044 says (issue 26 item 2's acceptance): an
administrator publishes a version that rewords one question and adds one; a new application
answers it, a submitted one keeps the old, and a draft's onboarding lead moves the draft across
and sees exactly which answers were carried and which must be given again."""

import pytest

from accounts.models import Membership, UserKind
from accounts.services import user_create
from applications.models import Application
from audit.models import AuditEntry
from questionnaire.models import Answer, AnswerChange, AnswerRevision, Response, VersionMove
from tests.answer_sets import SUPPLIER
from tests.conftest import PASSWORD
from tests.visible import words
from tests.web.conftest import Applicant, errors_on, signed_in

from .support import move_form, publish, version_2_text

ISMS_ERROR_NAME = "    error_name: ISMS\n"
ISMS_FOLLOW_UP = """    follow_ups:
      - id: isms_standard
        kind: input
        label: Which standard does it follow?
        max_length: 200
        shown_when: ["yes"]
        error_name: Standard
        required_error: Enter the standard your ISMS follows
"""


@pytest.fixture
def lead(member):
    Membership.objects.filter(user=member).update(is_onboarding_lead=True)
    member.refresh_from_db()
    return member


@pytest.fixture
def client_lead(lead):
    return signed_in(lead)


@pytest.fixture
def client_admin(db):
    administrator = user_create(
        email="admin@england.example",
        password=PASSWORD,
        kind=UserKind.ADMINISTRATOR,
        actor=None,
    )
    return signed_in(administrator)


def response_of(applicant):
    return Response.objects.get(application_id=applicant.application_url.rsplit("/", 1)[1])


@pytest.fixture
def draft_and_submitted(client_lead, fixed_today):
    draft = Applicant(client_lead).start()
    draft.answer_all(SUPPLIER[:6])  # role to s_cso
    submitted = Applicant(client_lead).start()
    submitted.answer_all(SUPPLIER)
    assert submitted.submit().status_code == 302
    return draft, submitted


def test_a_published_version_reaches_new_applications_and_a_draft_that_moves(
    client_lead, client_admin, draft_and_submitted
):
    draft, submitted = draft_and_submitted
    publish(client_admin, version_2_text())

    new = Applicant(client_lead).start()
    assert response_of(new).definition_version == 2
    assert response_of(submitted).definition_version == 1
    assert response_of(draft).definition_version == 1
    # The submitted application is not offered the new version; the draft is.
    assert "published version 2" not in words(client_lead.get(submitted.application_url))
    offer = words(client_lead.get(draft.application_url))
    assert "NHS England has published version 2 of the Stage 2 questions" in offer

    plan = words(client_lead.get(f"{draft.stage2}/version"))
    assert (
        "Answers carried over Question 1: Onboarding role Question 2: Information Security "
        "Management System" in plan
    )
    assert "Clinical Safety Officer (its wording has changed: check your answer still fits)" in plan
    assert "Answers you will need to give again None." in plan
    assert "New questions Question 7a: Deputy Clinical Safety Officer" in plan
    assert response_of(draft).definition_version == 1  # nothing moves until the lead says so

    moved = client_lead.post(f"{draft.stage2}/version", move_form(2))
    assert moved.status_code == 302
    result = words(client_lead.get(moved["Location"]))
    assert "Your application now uses version 2" in result
    assert "Answers you need to give again None." in result
    response = response_of(draft)
    assert response.definition_version == 2
    move = VersionMove.objects.get()
    assert move.carried == [qid for qid, _ in SUPPLIER[:6]]
    assert move.to_answer_again == [] and move.no_longer_asked == []
    entry = AuditEntry.objects.get(action="response.version_move")
    assert entry.before == {"definition_version": 1}
    assert entry.after["reworded"] == ["s_cso"]
    # The new question is the next to answer, worded as version 2 words it.
    page = words(client_lead.get(draft.question_url("s_cso_deputy")))
    assert "Who deputises for your Clinical Safety Officer?" in page
    assert "and their deputy" in words(client_lead.get(draft.question_url("s_cso")))
    # Moved once: nothing more to move to.
    assert "published version 2" not in words(client_lead.get(draft.application_url))


@pytest.mark.shows_typed_text("s_isms")
def test_an_answer_whose_type_changed_is_listed_to_give_again_and_not_carried(
    client_lead, client_admin, draft_and_submitted
):
    draft, _ = draft_and_submitted
    # Question 2 gains a follow-up answer: the answer it takes is no longer the same.
    text = version_2_text()
    assert text.count(ISMS_ERROR_NAME) == 1
    text = text.replace(ISMS_ERROR_NAME, ISMS_FOLLOW_UP + ISMS_ERROR_NAME, 1)
    candidate = publish(client_admin, text)
    assert candidate.version == 2

    plan = words(client_lead.get(f"{draft.stage2}/version"))
    assert (
        "Answers you will need to give again Question 2: Information Security Management System"
        in plan
    )
    client_lead.post(f"{draft.stage2}/version", move_form(2))
    result = words(client_lead.get(f"{draft.stage2}/version"))
    assert (
        "Answers you need to give again Question 2: Information Security Management System"
        in result
    )
    move = VersionMove.objects.get()
    assert move.to_answer_again == ["s_isms"]
    assert "s_isms" not in move.carried
    stage2 = response_of(draft)
    assert not Answer.objects.filter(response=stage2, question_id="s_isms").exists()
    discard = AnswerRevision.objects.filter(response=stage2, question_id="s_isms").last()
    assert discard.change == AnswerChange.DISCARDED  # its history is kept


def test_only_the_lead_is_offered_the_move(client_admin, draft_and_submitted, organisation):
    draft, _ = draft_and_submitted
    publish(client_admin, version_2_text())
    colleague = user_create(
        email="colleague@northern.example", password=PASSWORD, organisation=organisation, actor=None
    )
    client = signed_in(colleague)
    assert "published version 2" not in words(client.get(draft.application_url))
    assert client.post(f"{draft.stage2}/version").status_code == 403
    assert Response.objects.filter(definition_version=2).count() == 0
    assert Application.objects.count() == 2
    assert errors_on(client.get(draft.application_url)) == []
