"""The hazard log in Chromium: from the application's page, an import with errors (each row named,
nothing saved), then a valid import shown with its risk tags; a hazard added on the form, refused
first with its errors; axe on each page, with and without JavaScript."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from applications.models import Application
from hazards.models import Hazard
from tests.system.steps import controller_steps

pytestmark = pytest.mark.system

HEADER = (
    "ID,Description,Causes,Effects,Initial likelihood,Initial severity,Controls,"
    "Residual likelihood,Residual severity,Justification,Owner,Status\r\n"
)
GOOD = (
    "H-001,Wrong patient's images shown,Manual entry,Misdiagnosis,High,Major,"
    "Validated NHS numbers only,Low,Major,,CSO,Mitigated\r\n"
)


def test_a_controller_imports_a_hazard_log(me, definition, settings, tmp_path):
    settings.CLAMD_ADDRESS = ""
    settings.EVIDENCE_QUARANTINE_DIR = tmp_path / "quarantine"
    me.given_i_have_signed_in_as("ig.lead@northern.example")
    me.given_i_have_started_an_application("NIR XCA Provider")
    me.press_button("Start now")
    me.when_i_answer(controller_steps(definition)[0])  # the role: a Data Controller
    application = Application.objects.get(role="controller")
    me.visit(f"/applications/{application.pk}")
    me.follow_link("Keep your hazard log")
    me.then_i_see_heading("Hazard log")
    me.then_i_see("Your hazard log has no hazards yet.")

    # when I import a file with a bad row, then the row is named and nothing is saved
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + GOOD + "H-002,,c,e,Often,Major,x,Low,Major,,CSO,Open\r\n")
    me.page.get_by_label("Upload a hazard log CSV file").set_input_files(bad)
    me.press_button("Import hazards")
    # (the error summary names each row; the field's own message says nothing was imported)
    me.then_i_see("Row 3: Enter the description")
    me.then_i_see("The file has errors: nothing was imported")
    assert not Hazard.objects.exists()

    # when I import a valid file, then the hazards show with their risk
    good = tmp_path / "good.csv"
    good.write_text(HEADER + GOOD)
    me.page.get_by_label("Upload a hazard log CSV file").set_input_files(good)
    me.press_button("Import hazards")
    me.then_i_see_success("1 hazard imported")
    me.then_i_see("4 Mandatory elimination or control")
    me.then_i_see("Not approved by the Clinical Safety Officer yet.")

    # when NHS England looks at the submitted application, then the reviewer sees the log
    Application.objects.filter(pk=application.pk).update(stage2_submitted_at=timezone.now())
    me.page.locator("header").get_by_role("button", name="Sign out").click()
    me.then_i_see_heading("You have signed out")
    me.follow_link("Sign in again")
    me.then_i_see_heading("Sign in")
    me.given_i_have_signed_in_as("reviewer@england.example", lands_on="Applications to review")
    me.visit(f"/review/applications/{application.pk}/hazard-log")
    me.then_i_see_heading("Hazard log")
    me.then_i_see("Wrong patient's images shown")
    me.then_i_see("4 Mandatory elimination or control")


def test_a_controller_adds_a_hazard_on_the_form(me, definition):
    me.given_i_have_signed_in_as("ig.lead@northern.example")
    me.given_i_have_started_an_application("NIR XCA Provider")
    me.press_button("Start now")
    me.when_i_answer(controller_steps(definition)[0])  # the role: a Data Controller
    application = Application.objects.get(role="controller")
    me.visit(f"/applications/{application.pk}/hazard-log")
    me.press_button("Add a hazard")
    me.then_i_see_heading("Add a hazard")

    # when I add it without choosing the residual risk, then I am told, and nothing is saved
    # (axe runs on the form with its errors)
    me.fill("ID", "H-001")
    me.fill("Description", "Wrong patient's images shown")
    me.fill("Causes", "Manual entry")
    me.fill("Effects", "Misdiagnosis")
    choose_in(me, "Initial likelihood", "High")
    choose_in(me, "Initial severity", "Major")
    me.fill("Controls", "Validated NHS numbers only")
    me.fill("Owner", "Clinical Safety Officer")
    choose_in(me, "Status", "Open")
    me.press_button("Add hazard")
    me.then_i_see_the_error("Select the residual likelihood")
    me.then_i_see_the_error("Select the residual severity")
    assert not Hazard.objects.exists()

    # when I choose them, then the hazard is in the log with its risks as tags
    choose_in(me, "Residual likelihood", "Very High")
    choose_in(me, "Residual severity", "Catastrophic")
    me.press_button("Add hazard")
    me.then_i_see_heading("Hazard log")
    me.then_i_see_success("Hazard H-001 added")
    row = me.page.get_by_role("row", name=re.compile("H-001"))
    expect(row.locator(".nhsuk-tag--orange")).to_have_text("4 Mandatory elimination or control")
    expect(row.locator(".nhsuk-tag--red")).to_have_text("5 Unacceptable")
    expect(row).to_contain_text("Needs a justification")
    assert Hazard.objects.get().residual_risk == 5


def choose_in(me, legend: str, label: str) -> None:
    """Choose a radio in one group of the hazard form: likelihood and severity are asked twice."""
    group = me.page.get_by_role("group", name=legend, exact=True)
    group.get_by_role("radio", name=label, exact=True).check()
