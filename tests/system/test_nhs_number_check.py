"""The NHS number checker in Chromium: from the controller's application page, no file (an
error), a file with bad rows (the report, by line), then a file of valid numbers; axe on each
page, with and without JavaScript."""

import pytest

from applications.models import Application
from tests.system.steps import controller_steps

pytestmark = pytest.mark.system


def test_a_controller_checks_a_file_of_nhs_numbers(me, definition, settings, tmp_path):
    settings.CLAMD_ADDRESS = ""
    me.given_i_have_signed_in_as("ig.lead@northern.example")
    me.given_i_have_started_an_application("NIR XCA Provider")
    me.press_button("Start now")
    me.when_i_answer(controller_steps(definition)[0])  # the role: a Data Controller
    application = Application.objects.get(role="controller")
    me.visit(f"/applications/{application.pk}")
    me.follow_link("Check a file of NHS numbers")
    me.then_i_see_heading("Check a file of NHS numbers")
    me.then_i_see("never stored")

    # when I check without choosing a file, then I am told to select one
    me.press_button("Check NHS numbers")
    me.then_i_see_the_error("Select a file")

    # when I check a file with bad rows, then each is listed with its line and reason
    bad = tmp_path / "numbers.csv"
    bad.write_bytes(b"NHS number\r\n9434765919\r\n9434765918\r\n943 476 5919\r\n12345\r\n")
    me.page.get_by_label("Upload a CSV file of NHS numbers").set_input_files(bad)
    me.press_button("Check NHS numbers")
    me.then_i_see("NHS numbers checked")
    me.then_i_see("The check digit is wrong (Modulus 11)")
    me.then_i_see("Has 5 digits: an NHS number has 10")
    me.then_i_see("Line 1 was read as a header and not checked")

    # when I check a file of valid numbers, then it says they all are
    good = tmp_path / "valid.csv"
    good.write_bytes(b"9434765919\n943 476 5919\n")
    me.page.get_by_label("Upload a CSV file of NHS numbers").set_input_files(good)
    me.press_button("Check NHS numbers")
    me.then_i_see("Every NHS number in the file is valid.")
