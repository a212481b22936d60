"""Publishing a questionnaire version (issue 26 item 2; ADR 0044) in Chromium: an administrator
uploads a file that fails the checks and is refused with the reason, then version 2, reads its
differences and its preview as a supplier, and publishes it with a note; a supplier's onboarding
lead, whose draft answered two questions of version 1, moves it to version 2 and sees what was
carried over. Every page passes tests/system/page_checks.py (no markup shown as text, nothing
refused by the CSP, axe)."""

from __future__ import annotations

import pytest

from accounts.models import Membership, UserKind
from accounts.services import user_create
from questionnaire.models import PublishedVersion
from tests.conftest import PASSWORD
from tests.questionnaire_versions.support import version_2_text
from tests.system.page_checks import Walk
from tests.system.steps import supplier_steps
from tests.two_factor_support import give_authenticator

pytestmark = pytest.mark.system


def test_an_administrator_is_refused_a_broken_version_then_publishes_version_2(
    browser, axe_source, live_server, people, tmp_path, definition
):
    Membership.objects.filter(user=people["supplier"]).update(is_onboarding_lead=True)
    administrator = user_create(
        email="admin@england.example",
        password=PASSWORD,
        kind=UserKind.ADMINISTRATOR,
        full_name="Alan Admin",
        actor=None,
    )
    give_authenticator(administrator)
    broken = tmp_path / "stage2-broken.yaml"
    broken.write_text("id: nir-stage2-governance-assurance\nversion: [\n", encoding="utf-8")
    good = tmp_path / "stage2-v2.yaml"
    good.write_text(version_2_text(), encoding="utf-8")
    newer = tmp_path / "stage2-v3.yaml"
    newer.write_text(
        version_2_text().replace("\nversion: 2\n", "\nversion: 3\n", 1), encoding="utf-8"
    )
    walk = Walk("questionnaire-versions")
    try:
        lead = walk.person(browser, axe_source, live_server.url, "lead")
        lead.given_i_have_signed_in_as("pm@southern.example")
        lead.given_i_have_started_an_application()
        lead.press_button("Start now")
        for step in supplier_steps(definition)[:2]:
            lead.when_i_answer(step)
        draft = lead.page.url.split("/stage-2")[0]

        admin = walk.person(browser, axe_source, live_server.url, "administrator")
        admin.given_i_have_signed_in_as("admin@england.example", lands_on="Applications to review")
        admin.visit("/administration")
        admin.follow_link("Questionnaire versions")
        admin.then_i_see_heading("Questionnaire versions")
        admin.then_i_see("New applications answer version 1 of Governance Assurance")
        admin.press_button("Check a new version")
        admin.then_i_see_heading("Check a new questionnaire version")

        admin.page.get_by_label("Questionnaire definition").set_input_files(str(broken))
        admin.press_button("Check the file")
        admin.then_i_see_the_error("The selected file is not a valid questionnaire definition")
        admin.then_i_see("not valid YAML")
        admin.check_page("refused")

        admin.page.get_by_label("Questionnaire definition").set_input_files(str(good))
        admin.press_button("Check the file")
        admin.then_i_see_heading("Version 2: check and publish")
        admin.then_i_see("Question 7a: Deputy Clinical Safety Officer")
        admin.then_i_see("Question 6: Clinical Safety Officer. Its wording changed")
        admin.follow_link("Version 2 as a Data Processor (Supplier) sees it")
        admin.then_i_see_heading("Version 2 as a Data Processor (Supplier) sees it")
        admin.then_i_see("Who deputises for your Clinical Safety Officer?")
        admin.follow_link("Back")
        admin.then_i_see_heading("Version 2: check and publish")

        admin.press_button("Publish version 2")
        admin.then_i_see_the_error("Enter a note about what changed in this version")
        admin.fill("What changed in this version, and why", "Question 6 asks for the deputy too")
        admin.press_button("Publish version 2")
        admin.then_i_see_heading("Questionnaire versions")
        admin.then_i_see_success("Version 2 is published")
        admin.then_i_see("New applications answer version 2 of Governance Assurance")
        assert PublishedVersion.objects.get().note == "Question 6 asks for the deputy too"

        lead.visit(draft)
        lead.then_i_see("NHS England has published version 2 of the Stage 2 questions")
        lead.follow_link("See what moving this application to version 2 would change")
        lead.then_i_see_heading("Move this application to version 2 of the questions")
        lead.then_i_see("Question 2: Information Security Management System (ISMS)")

        # Version 3 is published while the lead reads what moving to version 2 means: her
        # button moves nothing, and she is shown what moving to version 3 means.
        admin.press_button("Check a new version")
        admin.page.get_by_label("Questionnaire definition").set_input_files(str(newer))
        admin.press_button("Check the file")
        admin.fill("What changed in this version, and why", "Version 3")
        admin.press_button("Publish version 3")
        admin.then_i_see_success("Version 3 is published")
        lead.press_button("Move to version 2")
        lead.then_i_see("A newer version was published: check what moving to version 3 means")
        lead.then_i_see_heading("Move this application to version 3 of the questions")
        lead.check_page("newer version")
        lead.press_button("Move to version 3")
        lead.then_i_see_heading("Your application now uses version 3")
        lead.then_i_see("Question 1: Onboarding role")
        walk.then_every_page_loaded_was_checked()
    finally:
        walk.close()
