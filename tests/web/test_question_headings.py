"""Question pages read in order (issue 25, item 7): a heading that makes sense on its own
(question 7's was "Please confirm that either:"), with the source's words kept in the body, and
the supporting information before the answers, so it is read before choosing."""

import re

import pytest

from tests.answer_sets import CONTROLLER, SUPPLIER
from tests.visible import title, words

SOURCE_OPENING = "Please confirm that either:"


def h1(response):
    (heading,) = re.findall(r"<h1[^>]*>(.*?)</h1>", response.content.decode(), re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", heading).split())


def test_question_7_has_a_heading_that_stands_on_its_own(applicant):
    applicant.answer_all(CONTROLLER[:6])
    response = applicant.client.get(applicant.question_url("c_clinical_approval"))
    heading = h1(response)
    assert heading.endswith(
        "Please confirm the deployment and use of the NIR integration within your local system "
        "has been reviewed and approved"
    )
    assert SOURCE_OPENING not in heading
    assert SOURCE_OPENING not in title(response)
    assert title(response).startswith("Please confirm the deployment and use of the NIR")
    # The source's words, as it gives them, are the page's opening text.
    text = words(response)
    assert (
        f"{SOURCE_OPENING} your Clinical Safety Officer (suitably qualified and experienced "
        "clinician); or your Social Care Professional registered by the HCPC Medical Director "
        "has reviewed and approved the deployment" in text
    )


def positions(page, *needles):
    return [page.index(needle) for needle in needles]


@pytest.mark.parametrize(
    ("pages", "question_id", "answer_marker"),
    [
        ([], "role", 'name="answer"'),  # radios
        (CONTROLLER[:-2], "c_data_validation", 'name="answer"'),  # a checkbox
        (SUPPLIER[:5], "s_cso", 'name="full_name"'),  # a question naming key personnel
        (CONTROLLER[:6], "c_clinical_approval", 'name="answer"'),  # radios with follow-ups
    ],
)
def test_supporting_information_comes_before_the_answers(
    applicant, pages, question_id, answer_marker
):
    applicant.answer_all(pages)
    page = applicant.client.get(applicant.question_url(question_id)).content.decode()
    heading, supporting, answers = positions(page, "<h1", "Supporting information", answer_marker)
    assert heading < supporting < answers


def test_the_dspt_update_page_has_its_supporting_information_before_the_answers(applicant):
    """Its status question (the DSPT update after submission) reads the same way."""
    applicant.answer_all(SUPPLIER)
    assert applicant.submit().status_code == 302
    page = applicant.client.get(f"{applicant.application_url}/dspt").content.decode()
    supporting, answers = positions(page, "Supporting information", 'name="status"')
    assert supporting < answers
