"""Whole journeys with Django's test client: sign in, answer everything, check, submit, confirm."""

import re

from django.test import Client

from applications.models import Application, Stage2Transition
from applications.states import Stage2State
from audit.models import AuditEntry
from questionnaire.models import Answer
from tests.answer_sets import CONTROLLER, SUPPLIER
from tests.conftest import PASSWORD
from tests.visible import words
from tests.web.conftest import Applicant


def sign_in(email):
    client = Client()
    response = client.post("/sign-in", {"email": email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def walk(applicant, pages):
    """Follow the service's own redirects from question 1 to check answers."""
    response = applicant.client.get(f"{applicant.stage2}")
    assert response.status_code == 200
    expected_next = applicant.question_url(pages[0][0])
    for index, (question_id, data) in enumerate(pages):
        assert applicant.question_url(question_id) == expected_next
        page = applicant.client.get(expected_next)
        assert page.status_code == 200
        following = (
            applicant.question_url(pages[index + 1][0])
            if index + 1 < len(pages)
            else f"{applicant.stage2}/check-answers"
        )
        if data is None:  # a file question: its "Continue", with no file chosen, goes on
            response = applicant.client.post(expected_next, {"then": "continue"})
            assert response.status_code == 302
            assert response["Location"] == following
            expected_next = following
            continue
        response = applicant.answer(question_id, data)
        assert response.status_code == 302
        expected_next = following
        assert response["Location"] == expected_next
    return response


def submit_and_confirm(applicant):
    check = applicant.client.get(f"{applicant.stage2}/check-answers")
    body = check.content.decode()
    assert "Check your answers before submitting" in body
    assert "Accept and send" in body
    response = applicant.submit()
    assert response.status_code == 302
    assert response["Location"] == f"{applicant.stage2}/confirmation"
    confirmation = applicant.client.get(response["Location"]).content.decode()
    reference = re.search(r"NIR-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", confirmation).group(0)
    assert f"Your reference number<br><strong>{reference}</strong>" in confirmation
    assert "&lt;" not in confirmation
    assert "What happens next" in confirmation
    return reference


def test_supplier_journey_from_sign_in_to_confirmation(member, fixed_today):
    applicant = Applicant(sign_in(member.email)).start("consumer")
    walk(applicant, SUPPLIER)
    reference = submit_and_confirm(applicant)

    application = Application.objects.get()
    assert application.reference == reference
    assert application.stage2_state == Stage2State.SUBMITTED
    assert (application.role, application.product_name, application.product_version) == (
        "supplier",
        "PACS One",
        "4.2.1",
    )
    assert list(application.stage2_transitions.values_list("from_state", "to_state")) == [
        ("draft", "submitted")
    ]
    assert AuditEntry.objects.filter(action="response.submit").count() == 1


def test_controller_journey_from_sign_in_to_confirmation(member, fixed_today):
    applicant = Applicant(sign_in(member.email)).start("provider")
    walk(applicant, CONTROLLER)
    submit_and_confirm(applicant)
    answers = Answer.objects.filter(
        response__application__organisation=member.membership.organisation
    )
    assert answers.count() == len(CONTROLLER) - 1  # the file is evidence, not an answer
    dpia = answers.get(question_id="c_dpia")
    assert dpia.value == {"value": "confirmed", "signed_off_by": "siro"}
    assert dpia.wording.startswith(
        "Please confirm your organisation has completed Data Protection Impact"
    )
    assert dpia.definition_version == 1
    assert dpia.answered_by == member
    approval = answers.get(question_id="c_clinical_approval")
    assert "- Medical Director" in approval.wording  # the bullet points shown are stored too


def test_answers_are_read_only_after_submission(applicant):
    applicant.answer_all(SUPPLIER)
    applicant.submit()
    response = applicant.answer("s_isms", {"answer": "no"}, version="1")
    # Refused, saying why, and nothing saved (the read-only question: tests/web/test_read_only).
    assert response.status_code == 409
    assert "You cannot change this answer now" in words(response)
    assert Answer.objects.get(question_id="s_isms").value == {"value": "yes"}
    page = applicant.client.get(f"{applicant.stage2}/check-answers").content.decode()
    assert (
        "Change"
        not in re.sub(r"<[^>]+>", " ", page).split("Your answers", 1)[1].split("Stage 2 is")[0]
    )
    assert "Stage 2 is submitted" in page


def test_double_submit_submits_once(applicant):
    applicant.answer_all(CONTROLLER)
    first = applicant.submit()
    second = applicant.submit()
    assert first["Location"] == second["Location"]
    assert Stage2Transition.objects.filter(to_state=Stage2State.SUBMITTED).count() == 1
    assert AuditEntry.objects.filter(action="response.submit").count() == 1


def test_leave_and_come_back_carries_on_where_left_off(member, fixed_today):
    applicant = Applicant(sign_in(member.email)).start()
    applicant.answer_all(CONTROLLER[:5])
    later = Client()
    later.post("/sign-in", {"email": member.email, "password": PASSWORD})
    overview = later.get(applicant.stage2).content.decode()
    assert "Continue" in overview
    assert applicant.question_url("c_audit_sops") in overview
    page = later.get(applicant.question_url("c_dpia")).content.decode()
    assert 'value="confirmed" checked' in page
    assert 'value="siro" checked' in page


def test_dspt_pause_and_resume(applicant):
    applicant.answer_all(SUPPLIER[:3])
    response = applicant.answer(
        "s_dspt_published", {"answer-day": "30", "answer-month": "6", "answer-year": "2025"}
    )
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.stage2_state == Stage2State.PAUSED

    for url in [
        applicant.application_url,
        applicant.stage2,
        applicant.question_url("s_uk_processing"),
        f"{applicant.stage2}/check-answers",
    ]:
        body = applicant.client.get(url).content.decode()
        assert "Onboarding is paused" in body, url
        assert "DSPT publication has lapsed" in body
        assert "Publish this year&#39;s DSPT" in body

    applicant.answer_all(SUPPLIER[4:])
    assert applicant.submit().status_code == 400
    assert Application.objects.get().stage2_state == Stage2State.PAUSED

    applicant.answer(
        "s_dspt_published", {"answer-day": "1", "answer-month": "7", "answer-year": "2025"}
    )
    application.refresh_from_db()
    assert application.stage2_state == Stage2State.DRAFT
    assert "Onboarding is paused" not in applicant.client.get(applicant.stage2).content.decode()
    transitions = list(
        application.stage2_transitions.values_list("from_state", "to_state", "reason")
    )
    assert transitions[0][:2] == ("draft", "paused")
    assert "lapsed" in transitions[0][2]
    assert transitions[1][:2] == ("paused", "draft")
    submit_and_confirm(applicant)


def test_dspt_status_below_standards_met_pauses_until_corrected(applicant):
    applicant.answer_all(CONTROLLER[:1])
    applicant.answer("c_dspt_status", {"answer": "approaching_standards"})
    assert Application.objects.get().stage2_state == Stage2State.PAUSED
    body = applicant.client.get(applicant.application_url).content.decode()
    assert "DSPT status is below Standards Met" in body
    assert "Paused" in body
    applicant.answer("c_dspt_status", {"answer": "standards_met"})
    assert Application.objects.get().stage2_state == Stage2State.DRAFT


def test_a_publication_that_lapses_before_submission_pauses_at_submit(applicant, monkeypatch):
    from datetime import date

    from questionnaire import definitions

    applicant.answer_all(SUPPLIER)
    # SUPPLIER's publication (15 September 2026) lapses on the 30 June deadline of 2028
    monkeypatch.setattr(definitions, "today", lambda: date(2028, 6, 30))
    response = applicant.submit()
    assert response.status_code == 400
    application = Application.objects.get()
    assert application.stage2_state == Stage2State.PAUSED
    assert "lapsed" in application.stage2_transitions.get().reason
