"""Uploading question 15's file in Chromium: the empty page, the error, and the uploaded file,
with axe on each. The page's one primary button, Continue, uploads the file chosen and goes on;
with JavaScript the upload goes with a progress bar, without it as a plain form post."""

import pytest
from django.test import Client
from playwright.sync_api import expect

from tests.answer_sets import CONTROLLER
from tests.evidence.files import PDF
from tests.web.conftest import Applicant

pytestmark = pytest.mark.system


@pytest.fixture
def at_the_aup(people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EVIDENCE_QUARANTINE_DIR = tmp_path / "quarantine"
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media", "base_url": None},
        },
    }
    client = Client()
    client.force_login(people["trust"])
    applicant = Applicant(client).start("provider")
    applicant.answer_all(CONTROLLER[: [q for q, _ in CONTROLLER].index("c_aup")])
    return applicant.question_url("c_aup")


def test_upload_the_signed_acceptable_usage_policy(me, at_the_aup, tmp_path):
    me.given_i_have_signed_in_as("ig.lead@northern.example")
    me.visit(at_the_aup)
    me.then_i_see_heading("Upload your signed Acceptable Usage Policy")

    # when I choose an empty file and press the page's one primary button, then I am told
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    me.page.get_by_label("Upload a file").set_input_files(empty)
    if me.javascript:
        # Sent by the progress bar and refused: the page with the error is shown in place.
        me.page.get_by_role("button", name="Continue").click()
        me.then_i_see_the_error("The selected file is empty")
        me.check_page("with-errors")
    else:
        me.press_button("Continue")
        me.then_i_see_the_error("The selected file is empty")

    # when I choose a PDF and press Continue, it is uploaded and I go on to the next question
    policy = tmp_path / "signed-aup.pdf"
    policy.write_bytes(PDF)
    me.page.get_by_label("Upload a file").set_input_files(policy)
    me.check_page("file-chosen")
    me.press_button("Continue")
    me.then_i_see_heading("question 16")
    # With JavaScript too: the progress bar's request is not redirected, so the page shows it.
    me.then_i_see_success("signed-aup.pdf has been uploaded")

    # and the question's page shows it
    me.follow_link("Back")
    expect(me.page.get_by_role("link", name="signed-aup.pdf")).to_be_visible()
    me.then_i_see("Your file")
