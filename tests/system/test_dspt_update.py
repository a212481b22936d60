"""The daily DSPT re-check's hold, seen and lifted by the applicant in Chromium: the application
page shows the lapse, the update page refuses an incomplete date and accepts a current one; axe
on each page, with and without JavaScript."""

import pytest

pytestmark = pytest.mark.system


@pytest.fixture
def lapsed_application(people, fixed_today):
    from django.utils import timezone

    from questionnaire.definitions import current_definition
    from questionnaire.models import Answer
    from tests.answer_sets import SUPPLIER, as_engine_answers
    from tests.workflow.dspt_support import application_with_dspt
    from workflow.continuous.dspt_recheck import dspt_recheck

    member = people["supplier"]
    # Published 15 June 2025: lapsed on 30 June 2026, before the tests' today (27 November).
    application = application_with_dspt(
        member.membership.organisation, member, published="2025-06-15"
    )
    definition = current_definition()
    for question_id, value in as_engine_answers(definition, SUPPLIER, fixed_today).items():
        if "dspt" in question_id:
            continue
        Answer.objects.create(
            response=application.stage2_response,
            question_id=question_id,
            definition_version=1,
            wording=definition.question(question_id).wording(),
            value=value,
            answered_by=member,
            answered_at=timezone.now(),
        )
    assert dspt_recheck(fixed_today).holds_raised == 1
    return application


def test_the_applicant_updates_a_lapsed_dspt_and_the_hold_is_lifted(me, lapsed_application):
    me.given_i_have_signed_in_as("pm@southern.example")
    me.visit(f"/applications/{lapsed_application.pk}")
    me.then_onboarding_is_paused_because("lapsed on 30 June 2026")
    me.then_i_see("Lapsed on 30 June 2026")

    me.follow_link("Update your DSPT status")
    me.then_i_see_heading("Update your DSPT status")

    # when I leave out the year, then I am told to give it, and what I typed stays
    me.choose("Standards Exceeded")
    me.fill("Day", "20")
    me.fill("Month", "11")
    me.fill("Year", "")
    me.press_button("Update DSPT status")
    me.then_i_see_the_error(
        "The date your organisation's DSPT status was published must include a year"
    )

    # when I give a current publication date, then the hold is lifted
    me.fill("Year", "2026")
    me.press_button("Update DSPT status")
    me.then_i_see_heading(f"Application {lapsed_application.reference}")
    me.then_i_see_success("Onboarding is no longer on hold for it")
    me.then_i_do_not_see("Onboarding is paused")
    me.then_i_see("Current: 581 days left")
