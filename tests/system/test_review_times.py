"""Review times and reviewers' comments in Chromium: the queue's working days, the dashboard (a
table below an SVG chart), a reviewer's internal comment and one for the applicant, and the
applicant's page showing the time with NHS England and only the comment meant for them. axe
checks every page reached."""

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from applications.models import Application
from questionnaire.engine.answers import format_date
from tests.answer_sets import SUPPLIER
from tests.system.test_reviewer_journey import REVIEWER, applicant_in_browser
from tests.web.conftest import Applicant

pytestmark = pytest.mark.system

INTERNAL = "Internal: check this supplier's DSPT with the DSPT team."
FOR_APPLICANT = "Thank you: we will contact your Clinical Safety Officer this week."


@pytest.fixture
def submitted(people):
    client = Client()
    client.force_login(people["supplier"])
    applicant = Applicant(client).start("consumer")
    applicant.answer_all(SUPPLIER)
    assert applicant.submit().status_code == 302
    return Application.objects.get()


def test_review_times_and_comments(
    me, submitted, browser, axe_source, live_server, javascript, request
):
    me.given_i_have_signed_in_as(REVIEWER, lands_on="Applications to review")
    me.then_i_see("Working days with NHS England (target 10)")
    me.follow_link("Review times: submissions, decisions and waiting against the target")
    me.then_i_see_heading("Review times")
    me.then_i_see("Waiting past the target")
    expect(me.page.locator('svg.app-chart[role="img"]')).to_have_count(1)
    expect(me.page.locator("#weekly-table")).to_contain_text("Week beginning")

    me.visit(f"/review/applications/{submitted.pk}")
    me.then_i_see("working days of the 10-day target")
    me.follow_link("Comments")
    me.press_button("Add comment")
    me.then_i_see_the_error("Enter a comment")
    me.then_i_see_the_error("Select who can see the comment")
    me.fill("Add a comment", INTERNAL)
    me.choose("Internal (NHS England only)")
    me.press_button("Add comment")
    me.then_i_see_success("Your internal comment has been added (NHS England only)")
    me.fill("Add a comment", FOR_APPLICANT)
    me.choose("For the applicant")
    me.press_button("Add comment")
    me.then_i_see_success("Your comment for the applicant has been added")
    me.then_i_see(INTERNAL)

    context, applicant = applicant_in_browser(
        browser, axe_source, live_server, javascript, request.node.name
    )
    try:
        applicant.given_i_have_signed_in_as("pm@southern.example")
        applicant.follow_link(submitted.reference)
        since = format_date(timezone.localtime(submitted.stage2_submitted_at).date())
        applicant.then_i_see(f"With NHS England since {since},")
        applicant.then_i_see("Comments from NHS England")
        applicant.then_i_see(FOR_APPLICANT)
        applicant.then_i_do_not_see(INTERNAL)
    finally:
        context.close()
