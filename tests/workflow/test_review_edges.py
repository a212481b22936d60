"""Edges of the review: odd queue filters, drafts, who decides, holds after approval, changes
that bring new questions, limits, and what the reviewer reads while changes are being made."""

from datetime import date

import pytest
from django.utils.html import escape

from accounts.models import UserKind
from accounts.services import user_create
from applications.models import Application
from tests.answer_sets import SUPPLIER
from tests.attestations.support import attest_all
from tests.conftest import PASSWORD
from tests.visible import texts, words
from tests.web.conftest import signed_in
from tests.workflow.test_review_cycle import Reviewer


@pytest.fixture
def submitted(applicant):
    applicant.answer_all(SUPPLIER)
    applicant.submit()
    return Application.objects.get()


@pytest.mark.parametrize(
    "value", ["²", "99999999999999999999", "-1", "1e3", "me", "none", "12", "x" * 500]
)
def test_an_odd_reviewer_filter_is_never_a_server_error(submitted, reviewer, value):
    assert signed_in(reviewer).get("/review", {"reviewer": value}).status_code == 200


def test_a_reviewer_never_sees_a_draft(applicant, reviewer):
    application = Application.objects.get()
    client = signed_in(reviewer)
    assert client.get(f"/review/applications/{application.pk}").status_code == 404
    assert application.reference not in client.get("/review").content.decode()


def test_only_the_reviewer_who_has_it_requests_changes_or_approves(submitted, reviewer):
    other = user_create(
        email="second@england.example", password=PASSWORD, kind=UserKind.REVIEWER, actor=None
    )
    Reviewer(signed_in(reviewer), submitted).post("/start")
    attest_all(submitted)
    desk = Reviewer(signed_in(other), submitted)
    refused = desk.post("/approve")
    assert refused.status_code == 400
    assert "Take over the review before you decide" in refused.content.decode()
    refused = desk.post("/request-changes", {"comment-s_cso": "x"})
    assert refused.status_code == 400
    submitted.refresh_from_db()
    assert (submitted.stage2_state, submitted.stage2_reviewer) == ("in_review", reviewer)


def test_an_approved_application_on_hold_cannot_be_withdrawn(applicant, submitted, reviewer):
    desk = Reviewer(signed_in(reviewer), submitted)
    desk.post("/start")
    attest_all(submitted)
    desk.post("/approve")
    desk.post("/holds/new", {"reason": "Certificate expired"})
    submitted.refresh_from_db()
    assert submitted.stage2_state == "paused"
    assert (
        "Withdraw application"
        not in applicant.client.get(applicant.application_url).content.decode()
    )
    page = applicant.client.get(f"{applicant.application_url}/withdraw")
    shown = words(page)
    assert f"You cannot withdraw application {submitted.reference}" in shown
    assert "NHS England has approved stage 2" in shown
    assert "Withdraw application" not in shown and 'name="reason"' not in page.content.decode()
    refused = applicant.client.post(f"{applicant.application_url}/withdraw", {"reason": "x"})
    assert refused.status_code == 400
    submitted.refresh_from_db()
    assert submitted.stage2_state == "paused"
    detail = applicant.client.get(applicant.application_url).content.decode()
    assert "Onboarding is paused." in detail


def test_a_question_the_changes_bring_onto_the_route_can_be_corrected(applicant, reviewer):
    applicant.answer_all(SUPPLIER)
    applicant.answer("s_dspt_status", {"answer": "not_published"})
    applicant.submit()
    application = Application.objects.get()
    assert application.stage2_state == "paused"  # Not Published pauses: put it right first
    applicant.answer("s_dspt_status", {"answer": "standards_met"})
    applicant.answer(
        "s_dspt_published", {"answer-day": "1", "answer-month": "9", "answer-year": "2026"}
    )
    applicant.submit()
    application.refresh_from_db()
    assert application.stage2_state == "submitted"


def test_a_newly_revealed_question_stays_editable_until_resubmission(applicant, reviewer):
    steps = [s for s in SUPPLIER if s[0] != "s_dspt_published"]
    applicant.answer_all(steps[:2])
    applicant.answer("s_dspt_status", {"answer": "standards_met"})
    applicant.answer(
        "s_dspt_published", {"answer-day": "1", "answer-month": "9", "answer-year": "2026"}
    )
    applicant.answer_all(steps[3:])
    applicant.submit()
    application = Application.objects.get()
    desk = Reviewer(signed_in(reviewer), application)
    desk.post("/start")
    desk.post("/request-changes", {"comment-s_medical_device": "Which class exactly?"})
    # Changing to "No" brings the justification follow-up; the answer can be corrected twice.
    first = applicant.answer("s_medical_device", {"answer": "no", "justification": "Not a devce"})
    assert first.status_code == 302
    again = applicant.answer("s_medical_device", {"answer": "no", "justification": "Not a device"})
    assert again.status_code == 302


def test_limits_on_what_a_reviewer_writes(submitted, reviewer):
    desk = Reviewer(signed_in(reviewer), submitted)
    desk.post("/start")
    too_long = desk.post("/request-changes", {"comment-s_cso": "x" * 2001, "comment-s_isms": "ok"})
    assert too_long.status_code == 400
    body = too_long.content.decode()
    assert "Comment on question 6 must be 2,000 characters or fewer" in body
    assert 'href="#comment-s_cso"' in body
    desk.post("/holds/new", {"reason": "Checking"})
    hold = submitted.holds.get()
    long_lift = desk.post(f"/holds/{hold.pk}/lift", {"reason": "y" * 2001})
    assert long_lift.status_code == 400
    assert "Reason must be 2,000 characters or fewer" in long_lift.content.decode()
    hold.refresh_from_db()
    assert hold.is_open


def test_the_reviewer_reads_what_was_submitted_while_changes_are_made(
    applicant, submitted, reviewer
):
    desk = Reviewer(signed_in(reviewer), submitted)
    desk.post("/start")
    desk.post("/request-changes", {"comment-s_cso": "Add the registration body."})
    applicant.answer("s_cso", {"answer": "A DRAFT NOBODY SUBMITTED"})
    page = desk.page("answers").content.decode()
    assert "A DRAFT NOBODY SUBMITTED" not in page
    assert "Dr Ada Lovelace, GMC 1234567" in page
    assert "The organisation is changing the answers you asked about" in page


def test_approval_is_refused_while_a_pause_rule_applies_now(submitted, reviewer, monkeypatch):
    from questionnaire import definitions

    desk = Reviewer(signed_in(reviewer), submitted)
    desk.post("/start")
    # The DSPT publication of 15 September 2026 lapses after the deadline of 30 June 2028.
    monkeypatch.setattr(definitions, "today", lambda: date(2028, 7, 1))
    refused = desk.post("/approve")
    assert refused.status_code == 400
    assert "pauses onboarding now" in refused.content.decode()
    submitted.refresh_from_db()
    assert submitted.stage2_state == "in_review"


def test_the_reviewer_reads_the_declaration_the_sender_accepted_in_its_words(
    submitted, reviewer, member
):
    from workflow.models import Submission

    snapshot = Submission.objects.get(application=submitted).snapshot
    page = signed_in(reviewer).get(f"/review/applications/{submitted.pk}/answers")
    page = page.content.decode()
    assert not member.full_name  # the sender has not given a name: the address alone says who
    assert f"Declaration: accepted and sent by {member.email} on" in page
    assert escape(snapshot["declaration"]["text"]) in page
    assert "authorised" in snapshot["declaration"]["text"]


def test_pausing_is_confirmed_in_the_important_banner_not_as_a_success(submitted, reviewer):
    desk = Reviewer(signed_in(reviewer), submitted)
    desk.post("/start")
    paused = desk.post("/holds/new", {"reason": "Checking"})
    page = desk.client.get(paused["Location"])
    banners = texts(page, "nhsuk-notification-banner")
    assert any(b.startswith("Important\nOnboarding is paused") for b in banners), banners
    assert not any(b.startswith("Success") for b in banners), banners
    # A decision that is a success for the reviewer still says so.
    hold = submitted.holds.get()
    lifted = desk.post(f"/holds/{hold.pk}/lift", {"reason": "Checked"})
    banners = texts(desk.client.get(lifted["Location"]), "nhsuk-notification-banner")
    assert any(b.startswith("Success\nThe hold is lifted") for b in banners), banners
