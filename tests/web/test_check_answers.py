import pytest

from applications.models import Application
from applications.states import Stage2State
from audit.models import AuditEntry
from tests.answer_sets import CONTROLLER, SUPPLIER
from tests.visible import words
from tests.web.conftest import errors_on


def page(applicant):
    """Check your answers as the applicant reads it (tests/visible.py)."""
    return words(applicant.client.get(f"{applicant.stage2}/check-answers"))


def links(applicant):
    """Check your answers' source, for its links."""
    return applicant.client.get(f"{applicant.stage2}/check-answers").content.decode()


def test_every_answer_on_the_route_has_a_change_link_back_here(applicant):
    applicant.answer_all(SUPPLIER)
    source = links(applicant)
    for question_id, _ in SUPPLIER:
        assert f"{applicant.question_url(question_id)}?return=check-answers" in source
    text = page(applicant)
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
    assert f"{applicant.question_url(question)}?return=check-answers" in links(applicant)
    assert "Accept and send" not in text
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
    assert "Accept and send" not in text
    assert applicant.submit().status_code == 400
    assert applicant.client.get(f"{applicant.stage2}/confirmation")["Location"].endswith(
        "/check-answers"
    )


def test_the_declaration_names_who_sends_for_which_organisation_and_is_kept_with_the_snapshot(
    applicant, member
):
    from workflow.models import Submission
    from workflow.services import snapshot_digest

    applicant.answer_all(SUPPLIER)
    text = page(applicant)
    assert (
        "You are sending these answers as ig.lead@northern.example, for Northern Imaging " in text
    )
    assert "the answers are correct to the best of your knowledge" in text
    assert "you are authorised by Northern Imaging Trust to send them to NHS England" in text
    assert "Accept and send" in text

    assert applicant.submit().status_code == 302
    submission = Submission.objects.get()
    declaration = submission.snapshot["declaration"]
    assert declaration["by"] == {"name": "", "email": "ig.lead@northern.example"}
    assert declaration["text"].splitlines() == [
        "You are sending these answers as ig.lead@northern.example, for Northern Imaging Trust "
        "(RNI).",
        "By selecting Accept and send, you confirm that:",
        "- the answers are correct to the best of your knowledge",
        "- you are authorised by Northern Imaging Trust to send them to NHS England",
        "- Northern Imaging Trust will make the documents named in the questions available to "
        "NHS England on request",
    ]
    # the words are inside what the submission's SHA-256 proves
    assert submission.sha256 == snapshot_digest(submission.snapshot)
    assert (
        AuditEntry.objects.get(action="response.submit").after["declaration"]
        == (declaration["text"])
    )


def test_words_changed_since_the_page_was_shown_are_read_again_before_sending(applicant, member):
    from accounts.models import User
    from workflow.models import Submission

    applicant.answer_all(SUPPLIER)
    shown = applicant.declaration_shown()
    User.objects.filter(pk=member.pk).update(full_name="Iris Grant")  # in another tab, say

    response = applicant.client.post(f"{applicant.stage2}/check-answers", {"declaration": shown})
    assert response.status_code == 400
    assert errors_on(response) == [
        "The declaration has changed since you opened this page. Read it again, then select "
        "Accept and send"
    ]
    assert "You are sending these answers as Iris Grant (ig.lead@northern.example)" in (
        response.content.decode()
    )
    assert not Submission.objects.exists()
    for missing in ({}, {"declaration": "0" * 64}):
        assert (
            applicant.client.post(f"{applicant.stage2}/check-answers", missing).status_code == 400
        )
    assert not Submission.objects.exists()

    assert applicant.submit().status_code == 302
    assert Submission.objects.get().snapshot["declaration"]["by"]["name"] == "Iris Grant"
