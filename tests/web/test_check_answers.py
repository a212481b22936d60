import html

import pytest

from applications.models import Application
from applications.states import Stage2State
from audit.models import AuditEntry
from tests.answer_sets import CONTROLLER, SUPPLIER


def page(applicant):
    return html.unescape(applicant.client.get(f"{applicant.stage2}/check-answers").content.decode())


def test_every_answer_on_the_route_has_a_change_link_back_here(applicant):
    applicant.answer_all(SUPPLIER)
    text = page(applicant)
    for question_id, _ in SUPPLIER:
        assert f"{applicant.question_url(question_id)}?return=check-answers" in text
    assert "Class IIa" in text
    assert "15 September 2026" in text
    assert "Dr Ada Lovelace, GMC 1234567" in text


def test_change_returns_to_check_answers(applicant):
    applicant.answer_all(SUPPLIER)
    response = applicant.answer(
        "s_cso", {"answer": "Dr Ada Lovelace, GMC 7654321"}, query="?return=check-answers"
    )
    assert response["Location"] == f"{applicant.stage2}/check-answers"
    back = applicant.client.get(
        applicant.question_url("s_cso") + "?return=check-answers"
    ).content.decode()
    assert f'href="{applicant.stage2}/check-answers"' in back


def test_a_change_that_opens_new_questions_goes_to_them_first(applicant):
    applicant.answer_all(SUPPLIER)
    response = applicant.answer(
        "s_medical_device",
        {"answer": "no", "justification": "Registry lookup only"},
        query="?return=check-answers",
    )
    assert response["Location"] == f"{applicant.stage2}/check-answers"
    applicant.answer("s_dspt_status", {"answer": "not_published"}, query="?return=check-answers")
    response = applicant.answer(
        "s_dspt_status", {"answer": "standards_met"}, query="?return=check-answers"
    )
    # the publication date question comes back onto the route, already answered, so back to check
    assert response["Location"] == f"{applicant.stage2}/check-answers"


@pytest.mark.parametrize(
    ("pages", "question", "value", "reason", "action"),
    [
        (
            SUPPLIER,
            "s_isms",
            "no",
            "You do not have a formal and documented ISMS",
            "ISO / IEC 27001",
        ),
        (
            SUPPLIER,
            "s_hazard_log",
            "no",
            "You do not have a hazard log in place",
            "Complete a hazard log",
        ),
        (
            SUPPLIER,
            "s_pki",
            "not_confirmed",
            "strict PKI controls",
            "proactive monitoring of renewals",
        ),
        (
            CONTROLLER,
            "c_privacy_notice",
            "no",
            "You have not updated your privacy notice for NIR",
            "include reference to the NIR",
        ),
        (
            CONTROLLER,
            "c_nhs_numbers",
            "not_confirmed",
            "only validated NHS numbers are used",
            "Put in place mechanisms",
        ),
    ],
)
def test_blocking_answers_are_listed_with_what_to_do_and_a_link(
    applicant, pages, question, value, reason, action
):
    applicant.answer_all(pages)
    applicant.answer(question, {"answer": value})
    text = page(applicant)
    assert "You cannot submit yet" in text
    assert reason in text
    assert action in text
    assert f"{applicant.question_url(question)}?return=check-answers" in text
    assert "Submit for review" not in text
    response = applicant.submit()
    assert response.status_code == 400
    assert Application.objects.get().stage2_state == Stage2State.DRAFT


SPECIAL_CATEGORY_NOTE = "The product or service processes Special Category Data."
SCRUTINY = "NHS England will look more closely at these answers"


def test_flags_are_shown_and_do_not_stop_submission(applicant):
    applicant.answer_all(SUPPLIER)
    applicant.answer("s_uk_processing", {"answer": "no_includes_special"})
    text = page(applicant)
    assert SCRUTINY in text
    assert "Question 5: Personal data is collected, stored or processed outside the UK." in text
    # Special category data is recorded for the reviewer, not flagged to the applicant.
    assert SPECIAL_CATEGORY_NOTE not in text
    assert applicant.submit()["Location"].endswith("/confirmation")
    submitted = AuditEntry.objects.get(action="response.submit").after
    assert submitted["flags"] == ["s_personal_data_outside_uk"]
    assert submitted["notes"] == ["s_special_category_data"]


def test_special_category_data_in_the_uk_is_not_flagged_to_the_applicant(applicant):
    applicant.answer_all(SUPPLIER)
    applicant.answer("s_uk_processing", {"answer": "yes_includes_special"})
    text = page(applicant)
    assert "Yes, Includes Special Category Data" in text  # the answer itself, in the summary
    assert SCRUTINY not in text
    assert SPECIAL_CATEGORY_NOTE not in text
    assert applicant.submit()["Location"].endswith("/confirmation")
    submitted = AuditEntry.objects.get(action="response.submit").after
    assert (submitted["flags"], submitted["notes"]) == ([], ["s_special_category_data"])


def test_incomplete_answers_are_listed_and_cannot_be_submitted(applicant):
    applicant.answer_all(CONTROLLER[:3])
    text = page(applicant)
    assert "Questions you still need to answer" in text
    assert "Question 4: Managing and storing data" in text
    assert "Submit for review" not in text
    assert applicant.submit().status_code == 400
    assert applicant.client.get(f"{applicant.stage2}/confirmation")["Location"].endswith(
        "/check-answers"
    )
