"""Each role from sign-in to the confirmation page, with and without JavaScript."""

import pytest

from applications.models import Application
from applications.states import Stage2State
from tests.system.steps import controller_steps, supplier_steps

pytestmark = pytest.mark.system


def test_a_supplier_onboards_from_sign_in_to_confirmation(me, definition):
    me.given_i_have_signed_in_as("pm@southern.example")
    me.given_i_have_started_an_application("NIR XCA Consumer")
    me.then_i_see("Help and tips for completing this section")

    me.press_button("Start now")
    me.when_i_answer_all(supplier_steps(definition))

    me.then_i_see_heading("Check your answers before submitting")
    me.then_i_see("PACS One")
    me.when_i_submit()

    reference = me.then_i_see_the_confirmation()
    application = Application.objects.get(reference=reference)
    assert application.stage2_state == Stage2State.SUBMITTED
    assert application.role == "supplier"


def test_a_trust_onboards_from_sign_in_to_confirmation(me, definition):
    me.given_i_have_signed_in_as("ig.lead@northern.example")
    me.given_i_have_started_an_application("NIR XCA Provider")
    me.press_button("Start now")
    me.when_i_answer_all(controller_steps(definition))

    me.then_i_see_heading("Check your answers before submitting")
    me.then_i_see("Who signed off the DPIA: Senior Information Risk Owner (SIRO)")
    me.when_i_submit()

    reference = me.then_i_see_the_confirmation()
    assert Application.objects.get(reference=reference).stage2_state == Stage2State.SUBMITTED
    assert len(me.pages_checked) > 25
