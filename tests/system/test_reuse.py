"""Answer once, reuse many (issue 13, ADR 0020) in Chromium: a supplier starts a new application
from its submitted one (no choice is an error), sees the copied answers marked, confirms one,
changes a product-level answer and is asked whether to change it in its other application;
axe on each page, with and without JavaScript."""

import pytest

pytestmark = pytest.mark.system


@pytest.fixture
def earlier(people):
    """The supplier's submitted application, and a draft of the same product with every answer."""
    from applications.models import Application
    from tests.answer_sets import SUPPLIER
    from tests.web.conftest import Applicant, signed_in

    client = signed_in(people["supplier"])
    sent = Applicant(client).start()
    sent.answer_all(SUPPLIER)
    assert sent.submit().status_code == 302
    draft = Applicant(client).start()
    draft.answer_all(SUPPLIER)
    by_url = {a.pk: a for a in Application.objects.all()}
    return {
        "sent": next(a for a in by_url.values() if a.stage2_submitted_at is not None),
        "draft": next(a for a in by_url.values() if a.stage2_submitted_at is None),
    }


def test_the_supplier_starts_from_its_earlier_answers_and_confirms_them(me, earlier):
    from django.utils import timezone

    from questionnaire.engine.answers import format_date

    sent, draft = earlier["sent"], earlier["draft"]
    me.given_i_have_signed_in_as("pm@southern.example")
    me.press_button("Start a new application")
    me.choose("Both (Consumer and Provider)")
    me.press_button("Start application")
    me.then_i_see_heading("Do you want to start from the answers of an earlier application?")
    me.then_i_see(sent.reference)

    # when I choose nothing, then I am told to choose
    me.press_button("Continue")
    me.then_i_see_the_error("Select whether to start from the answers of an earlier application")

    sent_on = format_date(timezone.localdate(sent.stage2_submitted_at))
    me.choose(
        f"{sent.reference}: Data Processor (Supplier), PACS One 4.2.1. Sent on {sent_on}, "
        "now submitted"
    )
    me.press_button("Continue")
    me.then_i_see_heading("Stage 2: Governance Assurance")
    me.then_i_see_success(f"11 answers copied from {sent.reference}")
    me.then_i_see("Copied: confirm it")

    me.follow_link("6. Clinical Safety Officer")
    me.then_i_see(f"Copied from {sent.reference}, answered on")
    # The earlier answer named her as text; recording her in key personnel confirms it
    # (ADR 0046: the person the question names is the key personnel record).
    me.then_i_see("Record each person it names below to confirm it.")
    me.then_i_see("Dr Ada Lovelace, GMC 1234567")
    me.fill("Full name", "Dr Ada Lovelace")
    me.fill("Job title", "Clinical Safety Officer")
    me.fill("Email address", "ada.lovelace@southern.example")
    me.fill("Professional body", "General Medical Council")
    me.fill("Registration number", "1234567")
    me.press_button("Save and continue")
    me.then_i_see_heading("Is your Product/Service a medical device?")

    # A product-level answer changed in the draft of the same product asks about the others
    # (the new application is one now; the submitted one cannot be changed).
    me.visit(f"/applications/{draft.pk}/stage-2/questions/s_pki")
    me.choose("No, I cannot confirm this yet")
    me.press_button("Save and continue")
    me.then_i_see_heading("Change this answer in 1 other application?")
    me.press_button("Continue")
    me.then_i_see_the_error("Select whether to change this answer in your other applications")
    me.choose("Yes, change it in 1 other application")
    me.press_button("Continue")
    me.then_i_see_heading("Check your answers before submitting")
    me.then_i_see_success("has been changed in 1 other application")
