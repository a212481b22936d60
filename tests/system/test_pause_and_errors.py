"""A DSPT pause and its resumption; every kind of validation error, then putting it right."""

import re

import pytest

from applications.models import Application
from applications.states import Stage2State
from tests.system.steps import controller_steps, supplier_steps

pytestmark = pytest.mark.system

DATE_NAME = "The date your organisation's DSPT status was published"


def test_a_lapsed_dspt_pauses_onboarding_until_it_is_corrected(me, definition):
    steps = controller_steps(definition)
    me.given_i_have_signed_in_as("ig.lead@northern.example")
    me.given_i_have_started_an_application()
    me.press_button("Start now")
    me.when_i_answer_all(steps[:2])

    # when I give a publication date from before last year's deadline
    me.fill("Day", "30")
    me.fill("Month", "6")
    me.fill("Year", "2025")
    me.press_button("Save and continue")
    me.then_onboarding_is_paused_because("Your organisation's DSPT publication has lapsed")
    assert Application.objects.get().stage2_state == Stage2State.PAUSED

    # then the banner is on every page of the application
    me.follow_link("Back to all questions")
    me.then_onboarding_is_paused_because("Publish this year's DSPT")
    me.visit(me.page.url.replace("/stage-2", "/stage-2/check-answers"))
    me.then_onboarding_is_paused_because("DSPT publication has lapsed")

    # when I follow the banner's link and correct the date
    me.follow_link("Change your answer to question 3 (DSPT publication date)")
    me.fill("Day", "1")
    me.fill("Month", "7")
    me.fill("Year", "2025")
    me.press_button("Save and continue")

    # then onboarding resumes, and I carry on with the next question I have not answered
    me.then_i_see_heading(re.compile("Stage 2: Governance Assurance – question 4"))
    me.then_i_do_not_see("Onboarding is paused")
    assert Application.objects.get().stage2_state == Stage2State.DRAFT


def test_a_dspt_status_below_standards_met_pauses_and_resumes(me, definition):
    me.given_i_have_signed_in_as("pm@southern.example")
    me.given_i_have_started_an_application()
    me.press_button("Start now")
    me.when_i_answer_all(supplier_steps(definition)[:2])
    me.choose("Standards Not Met")
    me.press_button("Save and continue")
    me.then_onboarding_is_paused_because("below Standards Met")

    me.follow_link("Change your answer to question 3 (DSPT status)")
    me.choose("Standards Exceeded")
    me.press_button("Save and continue")
    me.then_i_do_not_see("Onboarding is paused")


def test_every_kind_of_validation_error_then_putting_it_right(me, definition):
    steps = supplier_steps(definition)
    me.given_i_have_signed_in_as("pm@southern.example")
    me.given_i_have_started_an_application()
    me.press_button("Start now")

    # nothing selected; then a revealed follow-up left empty
    me.press_button("Save and continue")
    me.then_i_see_the_error(
        "Select whether you are onboarding as a Data Processor (Supplier) or a Data Controller "
        "(End User Organisation)"
    )
    me.choose("Data Processor (Supplier)")
    me.fill("Product name", "PACS One")
    me.press_button("Save and continue")
    me.then_i_see_the_error("Enter the product version")
    me.fill("Product version", "4.2.1")
    me.press_button("Save and continue")
    me.when_i_answer_all(steps[1:3])

    # a missing part of a date, an impossible date, a date in the future; each keeps the input
    for day, month, year, message in [
        ("12", "", "2026", f"{DATE_NAME} must include a month"),
        ("31", "2", "2026", f"{DATE_NAME} must be a real date"),
        ("1", "1", "2030", f"{DATE_NAME} must be today or in the past"),
    ]:
        me.fill("Day", day)
        me.fill("Month", month)
        me.fill("Year", year)
        me.press_button("Save and continue")
        me.then_i_see_the_error(message)
        assert me.page.get_by_label("Day", exact=True).input_value() == day
        assert me.page.get_by_label("Year", exact=True).input_value() == year
    me.when_i_answer(steps[3])
    me.when_i_answer(steps[4])

    # the CSO (question 6, recorded in the key personnel: ADR 0046) without her registration;
    # what was typed is kept
    me.fill("Full name", "Dr Ada Lovelace")
    me.press_button("Save and continue")
    me.then_i_see_the_error("Enter their professional registration number")
    assert me.page.get_by_label("Full name").input_value() == "Dr Ada Lovelace"
    me.when_i_answer(steps[5])

    # a revealed justification left empty
    me.choose("No")
    me.press_button("Save and continue")
    me.then_i_see_the_error(
        "Enter a justification for why your product or service is not a medical device"
    )
    me.fill("Justification", "It only finds and displays images; it does not diagnose.")
    me.press_button("Save and continue")
    me.then_i_see_heading(steps[7].heading)
