"""Question 15 in Chromium, with and without JavaScript (issue 25, item 2; ADR 0035): the trust
chooses its signed Acceptable Usage Policy and presses the page's one primary button, Continue:
the file is uploaded, scanned by the test clamd, and the next question says so. Pressed any
other way out with a file chosen, the page never loses it without a word: the back link sends
it, and a link that cannot (the header's) is stopped once with a warning (JavaScript). Axe and the
markup check on each page; screenshots at 1280px and 320px in
test-artifacts/screenshots/<this test>/."""

import pytest
from django.test import Client
from playwright.sync_api import expect

from evidence.models import EvidenceFile
from tests.answer_sets import CONTROLLER
from tests.evidence.conftest import clamd_address  # noqa: F401 - the session's clamd
from tests.evidence.files import PDF
from tests.system.page_checks import markup_shown_as_text
from tests.web.conftest import Applicant

pytestmark = pytest.mark.system

AUP = "Upload your signed Acceptable Usage Policy"
EMAIL = "ig.lead@northern.example"


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
    applicant.answer_all(CONTROLLER[: [q for q, _ in CONTROLLER].index("c_aup")])
    return applicant


@pytest.fixture
def policy(tmp_path):
    path = tmp_path / "cscr.pdf"
    path.write_bytes(PDF)
    return path


def no_markup_shown(me) -> None:
    text = me.page.evaluate("() => document.title + '\\n' + document.body.innerText")
    shown = markup_shown_as_text(text)
    assert not shown, shown


def screenshots_at_1280_and_320(me, state: str) -> None:
    for width in (1280, 320):
        me.page.set_viewport_size({"width": width, "height": 900})
        me.page.screenshot(path=me.screenshots / f"{state}-{width}px.png", full_page=True)
        scroll = me.page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= width, f"the page is {scroll}px wide at {width}px"
    me.page.set_viewport_size({"width": 1024, "height": 900})


def press_continue_and_see_the_progress_bar(me) -> None:
    """Hold the upload's request until the page has shown its progress bar, then let it go."""
    held = []
    me.page.route(
        "**/questions/c_aup",
        lambda route: held.append(route) if route.request.method == "POST" else route.fallback(),
    )
    me.page.get_by_role("button", name="Continue").click()
    expect(me.page.get_by_text("Uploading your file")).to_be_visible()
    expect(me.page.locator("progress")).to_be_visible()
    expect(me.page.get_by_text("% sent")).to_be_visible()
    me.page.screenshot(path=me.screenshots / "uploading.png")
    with me.page.expect_navigation():
        held[0].continue_()
    me.page.unroute("**/questions/c_aup")
    me.page.wait_for_load_state("load")
    me.check_page("on-arrival")


def test_continue_uploads_the_chosen_file_and_goes_on(me, at_the_aup, policy):
    me.given_i_have_signed_in_as(EMAIL)
    me.visit(at_the_aup.question_url("c_aup"))
    me.then_i_see_heading(AUP)
    expect(me.page.locator("main .nhsuk-button")).to_have_count(1)
    expect(me.page.get_by_role("button", name="Upload file")).to_have_count(0)

    # When I choose the file and press the one primary button
    me.page.get_by_label("Upload a file").set_input_files(policy)
    me.check_page("file-chosen")
    no_markup_shown(me)
    screenshots_at_1280_and_320(me, "file-chosen")
    if me.javascript:
        press_continue_and_see_the_progress_bar(me)
    else:
        me.press_button("Continue")

    # Then I am on question 16, told the file has been uploaded
    me.then_i_see_heading("question 16")
    me.then_i_see_success("cscr.pdf has been uploaded")
    no_markup_shown(me)

    # And question 15 lists it, scanned by ClamAV
    me.follow_link("Back")
    me.then_i_see_heading(AUP)
    me.then_i_see("Your file")
    expect(me.page.get_by_role("link", name="cscr.pdf")).to_be_visible()
    me.then_i_see("Checked: no malware found")
    expect(me.page.get_by_label("Replace the file")).to_be_visible()
    no_markup_shown(me)
    screenshots_at_1280_and_320(me, "uploaded")
    assert EvidenceFile.objects.get().scan_status == "clean"


def test_the_back_link_takes_a_chosen_file_with_it(me, at_the_aup, policy):
    me.given_i_have_signed_in_as(EMAIL)
    me.visit(at_the_aup.question_url("c_aup"))
    me.page.get_by_label("Upload a file").set_input_files(policy)

    # The back link is a button of the page's form: the file goes with it, without JavaScript
    me.press_button("Back")
    me.then_i_see_heading("question 14")
    me.then_i_see_success("cscr.pdf has been uploaded")
    me.visit(at_the_aup.question_url("c_aup"))
    expect(me.page.get_by_role("link", name="cscr.pdf")).to_be_visible()

    # And so does Back to all questions, with a replacement
    me.page.get_by_label("Replace the file").set_input_files(policy)
    me.press_button("Back to all questions")
    me.then_i_see_heading("Stage 2: Governance Assurance")
    me.then_i_see_success("cscr.pdf has been uploaded")
    assert EvidenceFile.objects.count() == 2


@pytest.mark.parametrize("javascript", [True])
def test_a_link_that_cannot_take_the_file_warns_before_leaving(me, at_the_aup, policy):
    me.given_i_have_signed_in_as(EMAIL)
    aup = at_the_aup.question_url("c_aup")
    me.visit(aup)
    me.page.get_by_label("Upload a file").set_input_files(policy)

    # When I press a link in the header with a file chosen, I stay, and am told
    warning = me.page.get_by_test_id("chosen-file-warning")
    expect(warning).to_be_hidden()
    me.page.get_by_role("link", name=EMAIL).click()
    expect(warning).to_be_visible()
    expect(warning).to_be_focused()
    expect(warning).to_contain_text("Your file has not been uploaded")
    expect(warning).to_contain_text("You chose cscr.pdf but it has not been uploaded")
    me.then_i_see_heading(AUP)
    me.check_page("warned")
    no_markup_shown(me)
    screenshots_at_1280_and_320(me, "warned")
    assert EvidenceFile.objects.count() == 0

    # The same for Sign out, and then Continue uploads the file after all
    me.page.get_by_role("button", name="Sign out").click()
    expect(warning).to_be_focused()
    me.then_i_see_heading(AUP)
    me.press_button("Continue")
    me.then_i_see_heading("question 16")
    me.then_i_see_success("cscr.pdf has been uploaded")

    # Downloading the file sent does not leave the page: no warning
    me.visit(aup)
    me.page.get_by_label("Replace the file").set_input_files(policy)
    with me.page.expect_download() as download:
        me.page.get_by_role("link", name="cscr.pdf").click()
    assert download.value.suggested_filename == "cscr.pdf"
    expect(warning).to_be_hidden()

    # Or I can leave without the file, having been told
    me.page.get_by_role("link", name=EMAIL).click()
    expect(warning).to_be_visible()
    me.follow_link("Leave this page without uploading the file")
    me.then_i_see_heading("Your account")
    assert EvidenceFile.objects.count() == 1

    # With no file chosen, links just go
    me.visit(aup)
    me.follow_link(EMAIL)
    me.then_i_see_heading("Your account")
