"""Question 15's one status (ADR 0030) in Chromium at 320px: the trust uploads its signed
Acceptable Usage Policy, ClamAV scans it, and the task list and check answers read "Uploaded",
fit the screen and pass axe. Screenshots: test-artifacts/screenshots/<this test>/."""

import pytest
from django.test import Client
from playwright.sync_api import expect

from tests.answer_sets import CONTROLLER
from tests.evidence.conftest import clamd_address  # noqa: F401 - the session's clamd
from tests.evidence.files import PDF
from tests.web.conftest import Applicant

pytestmark = pytest.mark.system


@pytest.fixture
def javascript():
    """With JavaScript, so axe runs on every page."""
    return True


@pytest.fixture
def at_the_aup(people, settings, tmp_path, clamd_address):  # noqa: F811
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EVIDENCE_QUARANTINE_DIR = tmp_path / "quarantine"
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media", "base_url": None},
        },
    }
    settings.CLAMD_ADDRESS = clamd_address
    client = Client()
    client.force_login(people["trust"])
    applicant = Applicant(client).start("provider")
    applicant.answer_all(CONTROLLER)
    return applicant


def fits_the_screen(me) -> None:
    width = me.page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"the page is {width}px wide at 320px"


def test_the_task_list_and_check_answers_say_uploaded_at_320px(me, at_the_aup, tmp_path):
    me.page.set_viewport_size({"width": 320, "height": 640})
    me.given_i_have_signed_in_as("ig.lead@northern.example")

    # Given nothing is uploaded, the task list says so
    me.visit(at_the_aup.stage2)
    item = me.page.locator(".nhsuk-task-list__item", has_text="15. Acceptable Usage Policy")
    expect(item.locator(".nhsuk-task-list__status")).to_have_text("Not uploaded")
    fits_the_screen(me)

    # When I upload the signed policy and it is scanned
    me.visit(at_the_aup.question_url("c_aup"))
    policy = tmp_path / "aup.pdf"
    policy.write_bytes(PDF)
    me.page.get_by_label("Upload a file").set_input_files(policy)
    me.press_button("Continue")
    me.then_i_see_success("aup.pdf has been uploaded")
    me.visit(at_the_aup.question_url("c_aup"))
    me.then_i_see("Checked: no malware found")

    # Then the task list and check answers both read "Uploaded"
    me.visit(at_the_aup.stage2)
    expect(item.locator(".nhsuk-task-list__status")).to_have_text("Uploaded")
    fits_the_screen(me)
    me.check_page("320px-uploaded")
    me.visit(f"{at_the_aup.stage2}/check-answers")
    row = me.page.locator(".nhsuk-summary-list__row", has_text="15. Acceptable Usage Policy")
    expect(row.locator(".nhsuk-tag")).to_have_text("Uploaded")
    expect(row.get_by_role("link", name="aup.pdf")).to_be_visible()
    fits_the_screen(me)
    row.scroll_into_view_if_needed()
    me.page.screenshot(path=me.screenshots / "check-answers-question-15-320px.png")
