import re

import pytest

from applications.models import Application
from audit.models import AuditEntry
from questionnaire.models import Answer
from tests.answer_sets import CONTROLLER, SUPPLIER
from tests.visible import words
from tests.web.conftest import errors_on

DATE_NAME = "The date your organisation&#39;s DSPT status was published"


def body(response):
    return response.content.decode()


@pytest.mark.parametrize(
    ("pages", "question", "data", "message", "kept"),
    [
        (
            SUPPLIER[:1],
            "s_isms",
            {},
            "Select yes if you have a formal and documented Information Security Management System",
            None,
        ),
        (
            SUPPLIER[:3],
            "s_dspt_published",
            {"answer-day": "12", "answer-year": "2026"},
            f"{DATE_NAME} must include a month",
            'value="12"',
        ),
        (
            SUPPLIER[:3],
            "s_dspt_published",
            {"answer-day": "30", "answer-month": "2", "answer-year": "2026"},
            f"{DATE_NAME} must be a real date",
            'value="30"',
        ),
        (
            SUPPLIER[:3],
            "s_dspt_published",
            {"answer-day": "1", "answer-month": "1", "answer-year": "2027"},
            f"{DATE_NAME} must be today or in the past",
            'value="2027"',
        ),
        (
            SUPPLIER[:3],
            "s_dspt_published",
            {},
            "Enter the date your organisation&#39;s DSPT status was published",
            None,
        ),
        (
            SUPPLIER[:5],
            "s_cso",
            {"answer": "x" * 2001},
            "must be 2,000 characters or fewer",
            "x" * 2001,
        ),
        (
            SUPPLIER[:6],
            "s_medical_device",
            {"answer": "no"},
            "Enter a justification for why your product or service is not a medical device",
            'value="no" checked',
        ),
        (
            SUPPLIER[:6],
            "s_medical_device",
            {"answer": "yes"},
            "Select the classification of your medical device",
            'value="yes" checked',
        ),
        (
            CONTROLLER[:4],
            "c_dpia",
            {"answer": "confirmed"},
            "Select who signed off the DPIA",
            'value="confirmed" checked',
        ),
        (
            CONTROLLER[:10],
            "c_incident_management",
            {"answer": "yes", "description": ""},
            "Enter a description of your incident management process",
            None,
        ),
        (
            CONTROLLER[:15],
            "c_data_validation",
            {},
            "Confirm that you acknowledge your organisation&#39;s responsibility",
            None,
        ),
    ],
)
def test_validation_errors(applicant, pages, question, data, message, kept):
    applicant.answer_all(pages)
    response = applicant.answer(question, data)
    page = body(response)
    assert response.status_code == 400
    assert "There is a problem" in page
    assert re.search(r"<title>\s*Error: ", page)
    assert page.count(message) >= 2  # in the error summary and beside the field
    summary_link = re.search(r'<a href="#([^"]+)"\s*>[^<]*' + re.escape(message[:30]), page)
    assert summary_link, "the error summary links to the field"
    assert f'id="{summary_link.group(1)}"' in page
    if kept:
        assert kept in page  # nothing the user typed is lost
    assert not Answer.objects.filter(question_id=question).exists()


def test_character_count_is_shown_for_long_answers(applicant):
    applicant.answer_all(SUPPLIER[:6])
    # The justification asked when the product is not a medical device.
    page = body(applicant.client.get(applicant.question_url("s_medical_device")))
    assert 'data-module="nhsuk-character-count"' in page
    assert 'data-maxlength="2000"' in page
    assert "You can enter up to 2000 characters" in page


@pytest.mark.parametrize(
    ("pages", "question"),
    [
        (SUPPLIER[:5], "s_cso"),
        (SUPPLIER[:6], "s_medical_device"),
        (CONTROLLER[:10], "c_incident_management"),
        ([], "role"),
    ],
)
def test_fresh_pages_show_empty_fields(applicant, pages, question):
    applicant.answer_all(pages)
    page = body(applicant.client.get(applicant.question_url(question)))
    assert ">None<" not in page
    assert 'value="None"' not in page
    for content in re.findall(r"<textarea[^>]*>([^<]*)</textarea>", page):
        assert content.strip() == "", "a fresh text box is empty"


def test_date_page_uses_date_input_with_the_hint(applicant):
    applicant.answer_all(SUPPLIER[:3])
    page = body(applicant.client.get(applicant.question_url("s_dspt_published")))
    assert "For example, 26 05 2026" in page
    for part in ("day", "month", "year"):
        assert f'id="answer-{part}"' in page


def test_supporting_information_is_in_a_details_component(applicant):
    page = body(applicant.client.get(applicant.question_url("role")))
    assert 'class="nhsuk-details"' in page
    assert "Supporting information" in page
    assert "Your selection determines the information required during digital onboarding" in page


def test_help_and_tips_open_the_stage(applicant):
    response = applicant.client.get(applicant.stage2)
    page = words(response)
    assert "Help and tips for completing this section" in page
    assert "A lapsed or failing DSPT will immediately pause your onboarding." in page
    assert "nhsuk-task-list" in body(response)


def test_no_deep_linking_past_an_unanswered_question(applicant):
    applicant.answer_all(CONTROLLER[:2])
    response = applicant.client.get(applicant.question_url("c_privacy_notice"))
    assert response.status_code == 302
    assert response["Location"] == applicant.question_url("c_dspt_published")
    posted = applicant.answer("c_privacy_notice", {"answer": "yes"}, version="0")
    # An answer posted there is not saved, and goes where the page does: to the question to
    # answer first, as it did before the answer POST saved before reading the page (issue 12).
    assert posted.status_code == 302
    assert posted["Location"] == applicant.question_url("c_dspt_published")
    assert not Answer.objects.filter(question_id="c_privacy_notice").exists()


def test_unknown_question_is_not_found(applicant):
    assert applicant.client.get(applicant.question_url("s_nonsense")).status_code == 404


def test_every_answer_is_saved_and_audited(applicant, member):
    applicant.answer_all(SUPPLIER[:2])
    applicant.answer("s_isms", {"answer": "no"})
    isms = Answer.objects.get(question_id="s_isms")
    assert isms.value == {"value": "no"}
    assert isms.version == 2
    update = AuditEntry.objects.get(action="answer.update", object_id=str(isms.pk))
    assert update.before == {"value": "yes"}
    assert update.after == {"value": "no"}
    assert update.actor == member
    assert update.subject == "s_isms"
    assert update.organisation == member.membership.organisation


def test_saving_the_same_answer_again_changes_nothing(applicant):
    applicant.answer_all(SUPPLIER[:2])
    applicant.answer("s_isms", {"answer": "yes"})
    assert Answer.objects.get(question_id="s_isms").version == 1
    assert not AuditEntry.objects.filter(action="answer.update").exists()


def test_an_answer_changed_in_another_tab_is_not_overwritten_silently(applicant, colleague):
    from tests.web.conftest import Applicant, signed_in

    applicant.answer_all(CONTROLLER[:2])
    stale_version = applicant.version_of("c_dspt_status")
    other_tab = Applicant(signed_in(colleague))
    other_tab.application_url = applicant.application_url
    other_tab.answer("c_dspt_status", {"answer": "standards_met"})

    response = applicant.answer(
        "c_dspt_status", {"answer": "standards_exceeded"}, version=stale_version
    )
    assert response.status_code == 400
    assert "Someone else in your organisation changed this answer" in body(response)
    assert 'value="standards_exceeded" checked' in body(response)  # their input is kept
    assert Answer.objects.get(question_id="c_dspt_status").value == {"value": "standards_met"}
    # continuing again saves their version over the newer one, knowingly
    response = applicant.client.post(
        applicant.question_url("c_dspt_status"),
        {
            "version": re.search(r'name="version" value="(\d+)"', body(response)).group(1),
            "answer": "standards_exceeded",
        },
    )
    assert response.status_code == 302
    assert Answer.objects.get(question_id="c_dspt_status").value == {"value": "standards_exceeded"}


def test_changing_role_warns_and_discards_only_when_confirmed(applicant):
    applicant.answer_all(SUPPLIER[:4])
    response = applicant.answer("role", {"answer": "controller"})
    page = body(response)
    assert response.status_code == 200
    assert "Are you sure you want to change your role?" in page
    assert "Your answers to these 3 questions will be deleted" in page
    assert "Information Security Management System (ISMS)" in page
    assert Answer.objects.filter(question_id__startswith="s_").count() == 3
    assert Application.objects.get().role == "supplier"

    response = applicant.answer("role", {"answer": "controller", "confirm_discard": "yes"})
    assert response.status_code == 302
    assert response["Location"] == applicant.question_url("c_dspt_status")
    assert not Answer.objects.filter(question_id__startswith="s_").exists()
    application = Application.objects.get()
    assert (application.role, application.product_name) == ("controller", "")
    discarded = AuditEntry.objects.filter(action="answer.discard")
    assert discarded.count() == 3
    assert {"value": "yes"} in [entry.before for entry in discarded]
    # each names its question, though the answers themselves are gone
    assert {e.subject for e in discarded} == {"s_isms", "s_dspt_status", "s_dspt_published"}


def test_changing_product_details_keeps_the_role_answers(applicant):
    applicant.answer_all(SUPPLIER[:3])
    response = applicant.answer(
        "role", {"answer": "supplier", "product_name": "PACS Two", "product_version": "5"}
    )
    assert response.status_code == 302
    assert Answer.objects.filter(question_id__startswith="s_").count() == 2
    assert Application.objects.get().product_name == "PACS Two"


def test_errors_never_say_invalid_or_field_is_required(applicant):
    for question_id, data in SUPPLIER:
        if data is None:
            continue
        response = applicant.answer(question_id, {})
        page = body(response).lower()
        assert response.status_code == 400, question_id
        assert "invalid" not in page
        assert "this field is required" not in page
        assert errors_on(response)
        assert applicant.answer(question_id, data).status_code == 302
