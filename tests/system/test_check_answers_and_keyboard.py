"""Check your answers → Change → back; one whole journey by keyboard only; isolation and CSP."""

import re

import pytest
from playwright.sync_api import expect

from applications.models import Application
from applications.states import Stage2State
from tests.system.conftest import new_context
from tests.system.steps import controller_steps, supplier_steps

pytestmark = pytest.mark.system


def test_change_an_answer_from_check_your_answers_and_come_back(me, definition):
    me.given_i_have_signed_in_as("pm@southern.example")
    me.given_i_have_started_an_application()
    me.press_button("Start now")
    me.when_i_answer_all(supplier_steps(definition))
    me.then_i_see_heading("Check your answers before submitting")

    # Question 6 names the CSO in the key personnel (ADR 0046): another is added there.
    me.follow_link("Change Clinical Safety Officer")
    me.follow_link("Add another Clinical Safety Officer")
    me.fill("Full name", "Dr Rosalind Franklin")
    me.fill("Job title", "Deputy Clinical Safety Officer")
    me.fill("Email address", "rosalind.franklin@southern.example")
    me.fill("Professional body", "General Medical Council")
    me.fill("Registration number", "7654321")
    me.press_button("Save and continue")
    me.then_i_see_heading("Check your answers before submitting")
    me.then_i_see(
        "Dr Rosalind Franklin, Deputy Clinical Safety Officer, General Medical Council 7654321"
    )

    # a blocking answer is listed with what to do, and its link comes back here too
    me.follow_link("Change Hazard log")
    me.choose("No")
    me.press_button("Save and continue")
    me.then_i_see("You cannot submit yet")
    me.then_i_see("Complete a hazard log")
    expect(me.page.get_by_role("button", name="Accept and send")).to_have_count(0)
    me.follow_link("Change your answer to question 9", exact=False)
    me.choose("Yes")
    me.press_button("Save and continue")
    me.then_i_do_not_see("You cannot submit yet")
    me.when_i_submit()
    me.then_i_see_the_confirmation()


@pytest.mark.parametrize("javascript", ["javascript"], indirect=True)
def test_a_whole_journey_by_keyboard_only(me, definition):
    me.keyboard_only = True
    me.given_i_have_signed_in_as("ig.lead@northern.example")
    me.given_i_have_started_an_application("NIR XCA Consumer")
    me.press_button("Start now")
    steps = controller_steps(definition)
    acknowledgement = next(
        i for i, s in enumerate(steps) if s.actions and s.actions[0][0] == "tick"
    )
    me.when_i_answer_all(steps[:acknowledgement])

    # the acknowledgement left unticked, then put right without a mouse
    me.press_button("Save and continue")
    message = (
        "Confirm that you acknowledge your organisation's responsibility to validate data before "
        "sending it to NIR"
    )
    me.then_i_see_the_error(message)
    me.when_i_follow_the_error_to_its_field(message)
    me.page.keyboard.press("Space")
    me.press_button("Save and continue")

    me.when_i_answer_all(steps[acknowledgement + 1 :])
    me.then_i_see_heading("Check your answers before submitting")
    me.when_i_submit()
    reference = me.then_i_see_the_confirmation()
    assert Application.objects.get(reference=reference).stage2_state == Stage2State.SUBMITTED


def test_another_organisations_application_is_not_found(
    me, definition, browser, live_server, axe_source, javascript
):
    from tests.system.browser_user import BrowserUser

    me.given_i_have_signed_in_as("ig.lead@northern.example")
    me.given_i_have_started_an_application()
    stolen_url = me.page.url

    context = new_context(browser, javascript=javascript)
    outsider = BrowserUser(
        context.new_page(), live_server.url, me.screenshots / "outsider", axe_source, javascript
    )
    outsider.given_i_have_signed_in_as("pm@southern.example")
    outsider.page.goto(stolen_url)
    outsider.check_page("not-found")
    outsider.then_i_see_heading("Page not found")
    outsider.then_i_do_not_see("Northern Imaging Trust")
    context.close()


@pytest.mark.parametrize("javascript", ["javascript"], indirect=True)
def test_the_content_security_policy_holds_and_javascript_still_enhances(
    browser, live_server, people, javascript
):
    """Without bypass_csp: the real policy is enforced, nothing is refused, and the NHS.UK
    components still start (the password reveal button appears only when JavaScript runs)."""
    context = new_context(browser, javascript=True, bypass_csp=False)
    page = context.new_page()
    refused = []
    page.on(
        "console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None
    )
    page.goto(live_server.url + "/sign-in")
    expect(page.get_by_role("button", name="Show password")).to_be_visible()
    expect(page.locator("body")).to_have_class(re.compile("nhsuk-frontend-supported"))
    assert refused == []
    context.close()
