"""Refusals and read-only questions in Chromium (issue 25 item 6, ADR 0036): the trust's member
opens a question of a submitted application and reads why it cannot be changed and the answer;
opens an NHS England page and is told it is NHS England's, with the way back to their
applications; the reviewer opens administration and is sent to the queue; question 7, open to
change, has its heading and its supporting information before the answers. Each page passes axe
and the markup check (tests/system/page_checks.py), at 1280 px and at 320 px."""

import pytest
from playwright.sync_api import expect

from tests.system.page_checks import Walk

pytestmark = pytest.mark.system

NARROW = {"width": 320, "height": 900}
WIDE = {"width": 1280, "height": 900}


@pytest.fixture
def submitted(people, fixed_today):
    from applications.models import Application
    from tests.answer_sets import CONTROLLER
    from tests.web.conftest import Applicant, signed_in

    applicant = Applicant(signed_in(people["trust"])).start()
    applicant.answer_all(CONTROLLER)
    assert applicant.submit().status_code == 302
    return Application.objects.get()


@pytest.fixture
def question_7_open(people, fixed_today):
    """The other organisation's draft, answered up to question 7, which is open to change."""
    from tests.answer_sets import CONTROLLER
    from tests.web.conftest import Applicant, signed_in

    applicant = Applicant(signed_in(people["supplier"])).start()
    applicant.answer_all(CONTROLLER[:6])
    return applicant.question_url("c_clinical_approval")


def also_at_320_px(person):
    person.page.set_viewport_size(NARROW)
    person.check_page("320px")
    person.page.set_viewport_size(WIDE)


def test_a_read_only_question_and_refusals_say_why_and_what_to_do(
    browser, axe_source, live_server, people, submitted, question_7_open
):
    walk = Walk("refusals")
    try:
        lead = walk.person(browser, axe_source, live_server.url, "trust")
        lead.given_i_have_signed_in_as("ig.lead@northern.example")

        # A question with NHS England: read-only, saying why, with the answer.
        stage2 = f"/applications/{submitted.pk}/stage-2"
        lead.visit(f"{stage2}/questions/c_clinical_approval")
        lead.then_i_see_heading(
            "Please confirm the deployment and use of the NIR integration within your local "
            "system has been reviewed and approved"
        )
        inset = lead.page.get_by_test_id("not-changeable")
        expect(inset).to_contain_text("You cannot change this answer now.")
        expect(inset).to_contain_text("You have sent your answers to NHS England.")
        answer = lead.page.locator(".nhsuk-summary-list__value")
        expect(answer).to_contain_text("Yes, I confirm")
        expect(lead.page.locator("input[name=answer]")).to_have_count(0)
        also_at_320_px(lead)

        # One of NHS England's pages: told it is theirs, and sent back to their applications.
        lead.visit(f"/review/applications/{submitted.pk}")
        lead.then_i_see_heading("You cannot use this page")
        lead.then_i_see("This page is for NHS England's reviewers.")
        also_at_320_px(lead)
        lead.follow_link("Go to your applications")
        lead.then_i_see_heading("Your applications")

        # The reviewer at administration: sent to the queue, never to an onboarding lead.
        reviewer = walk.person(browser, axe_source, live_server.url, "reviewer")
        reviewer.given_i_have_signed_in_as(
            "reviewer@england.example", lands_on="Applications to review"
        )
        reviewer.visit("/administration")
        reviewer.then_i_see("Only NHS England administrators can use the service’s administration")
        reviewer.then_i_do_not_see("onboarding lead")
        reviewer.follow_link("Go to the review queue")
        reviewer.then_i_see_heading("Applications to review")

        # Question 7 open to change: its heading, then the source's words and the supporting
        # information, then the answers.
        other = walk.person(browser, axe_source, live_server.url, "supplier")
        other.given_i_have_signed_in_as("pm@southern.example")
        other.visit(question_7_open)
        other.then_i_see_heading("Please confirm the deployment and use of the NIR integration")
        supporting = other.page.get_by_text("Supporting information").bounding_box()
        first_answer = other.page.get_by_label("Yes, I confirm").bounding_box()
        assert supporting and first_answer and supporting["y"] < first_answer["y"]
        also_at_320_px(other)
        walk.then_every_page_loaded_was_checked()
    finally:
        walk.close()
