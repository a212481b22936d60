"""Requests for changes made where the reviewer reads: one answer at a time from the answers
page, collected (each reviewer's own, kept on the server, audited) and sent together as one
"changes requested" decision."""

import pytest

from accounts.models import UserKind
from accounts.services import user_create
from applications.models import Application
from applications.states import Stage2State
from audit.models import AuditEntry
from tests.answer_sets import SUPPLIER
from tests.conftest import PASSWORD
from tests.visible import words
from tests.web.conftest import errors_on, signed_in
from tests.workflow.test_review_cycle import Reviewer, version_on
from workflow.models import ChangeRequest, ChangeRequestDraft

CSO = "Give the CSO's registration body & number <please>."
DEVICE = "Confirm the class on your UKCA certificate."


@pytest.fixture
def submitted(applicant):
    applicant.answer_all(SUPPLIER)
    assert applicant.submit().status_code == 302
    return Application.objects.get()


@pytest.fixture
def desk(submitted, reviewer):
    desk = Reviewer(signed_in(reviewer), submitted)
    assert desk.post("/start").status_code == 302
    return desk


def request_change(desk, question_id, comment):
    return desk.client.post(
        f"{desk.url}/answers/{question_id}/request-change", {"comment": comment}
    )


def test_the_answer_page_shows_the_question_in_full_with_a_comment_box(desk):
    answers = desk.page("answers").content.decode()
    assert f'href="{desk.url}/answers/s_cso/request-change"' in answers
    page = desk.client.get(f"{desk.url}/answers/s_cso/request-change")
    assert page.status_code == 200
    text = words(page)
    assert "Request a change to question 6: Clinical Safety Officer" in text
    assert "Provide the name and professional registration" in text  # the full wording
    assert "Dr Ada Lovelace, GMC 1234567" in text  # the answer
    assert 'maxlength="2000"' in page.content.decode() or "2000" in page.content.decode()


def test_collect_two_remove_one_send_and_the_organisation_sees_exactly_the_one(
    desk, applicant, submitted, reviewer
):
    assert request_change(desk, "s_cso", CSO).status_code == 302
    assert request_change(desk, "s_medical_device", DEVICE).status_code == 302
    answers = words(desk.page("answers"))
    assert "Your change request (not sent): " + CSO in answers
    assert DEVICE in answers
    assert "Send 2 change requests to the organisation" in answers
    assert "Send 2 change requests to the organisation" in words(desk.page())
    # Nothing is sent yet: the organisation sees no comment, the state is unchanged.
    assert DEVICE not in words(applicant.client.get(applicant.stage2))
    submitted.refresh_from_db()
    assert submitted.stage2_state == Stage2State.IN_REVIEW

    removed = desk.client.post(f"{desk.url}/answers/s_medical_device/request-change/remove")
    assert removed.status_code == 302
    assert DEVICE not in words(desk.page("answers"))
    # Removing it again (a double submit) changes nothing.
    assert desk.client.post(f"{desk.url}/answers/s_medical_device/request-change/remove")
    confirm = desk.client.get(f"{desk.url}/changes/send")
    assert "Send 1 change request to the organisation?" in words(confirm)
    assert CSO in words(confirm)
    version = version_on(confirm)
    sent = desk.client.post(f"{desk.url}/changes/send", {"version": version})
    assert sent.status_code == 302
    assert "You have asked the organisation to change 1 answer" in words(desk.page())

    submitted.refresh_from_db()
    assert submitted.stage2_state == Stage2State.CHANGES_REQUESTED
    change_request = ChangeRequest.objects.get()
    assert [(i.question_id, i.comment) for i in change_request.items.all()] == [("s_cso", CSO)]
    assert not ChangeRequestDraft.objects.exists()
    overview = words(applicant.client.get(applicant.stage2))
    assert CSO in overview
    assert DEVICE not in overview
    # The same page posted again (a double submit) is refused as stale, never sent twice.
    again = desk.client.post(f"{desk.url}/changes/send", {"version": version})
    assert again.status_code == 409
    assert "Someone else has made a decision on this application" in words(again)
    assert ChangeRequest.objects.count() == 1

    actions = list(AuditEntry.objects.order_by("pk").values_list("action", flat=True))
    assert actions.count("review.change_draft_save") == 2
    assert actions.count("review.change_draft_remove") == 1
    assert actions.count("review.request_changes") == 1


def test_a_comment_is_required_and_at_most_2000_characters(desk):
    empty = request_change(desk, "s_cso", "   ")
    assert empty.status_code == 400
    assert errors_on(empty) == ["Enter a comment"]
    long = request_change(desk, "s_cso", "x" * 2001)
    assert long.status_code == 400
    assert errors_on(long) == ["Comment must be 2,000 characters or fewer"]
    assert "x" * 2001 in long.content.decode()  # kept for the reviewer to shorten
    assert not ChangeRequestDraft.objects.exists()
    assert request_change(desk, "s_cso", "x" * 2000).status_code == 302


def test_changing_a_kept_request_replaces_it_and_saving_it_twice_records_once(desk):
    request_change(desk, "s_cso", "First thought")
    page = desk.client.get(f"{desk.url}/answers/s_cso/request-change")
    assert "First thought" in page.content.decode()
    request_change(desk, "s_cso", "Second thought")
    request_change(desk, "s_cso", "Second thought")
    assert [d.comment for d in ChangeRequestDraft.objects.all()] == ["Second thought"]
    saves = AuditEntry.objects.filter(action="review.change_draft_save").order_by("pk")
    assert saves.count() == 2
    assert saves.last().before == {"question_id": "s_cso", "comment": "First thought"}


def test_another_reviewer_neither_sees_nor_sends_my_requests(desk, submitted, db):
    request_change(desk, "s_cso", CSO)
    other = user_create(
        email="second@england.example", password=PASSWORD, kind=UserKind.REVIEWER, actor=None
    )
    theirs = Reviewer(signed_in(other), submitted)
    assert CSO not in words(theirs.page("answers"))
    assert CSO not in words(theirs.page())
    # Their send page has nothing to send; posting it sends nothing of mine.
    assert theirs.client.get(f"{desk.url}/changes/send").status_code == 302
    version = Application.objects.get().stage2_version
    refused = theirs.client.post(f"{desk.url}/changes/send", {"version": version})
    assert refused.status_code == 400
    assert not ChangeRequest.objects.exists()
    # Nor can they collect one on an application another reviewer has.
    assert request_change(theirs, "s_cso", "Mine").status_code == 400
    assert ChangeRequestDraft.objects.get().reviewer != other


def test_the_organisation_never_reaches_the_pages(desk, applicant, submitted):
    request_change(desk, "s_cso", CSO)
    # NHS England's pages refuse an applicant before any record is read (ADR 0036): 403.
    for path in ("/answers/s_cso/request-change", "/changes/send"):
        assert applicant.client.get(f"{desk.url}{path}").status_code == 403
    assert applicant.client.post(f"{desk.url}/changes/send", {"version": 1}).status_code == 403
    assert applicant.client.post(f"{desk.url}/answers/s_cso/request-change/remove").status_code == (
        403
    )
    assert ChangeRequestDraft.objects.count() == 1


def test_an_answer_not_submitted_has_no_page(desk):
    assert desk.client.get(f"{desk.url}/answers/c_no_such_question/request-change").status_code == (
        404
    )


def test_the_approve_page_lists_what_approval_rests_on(desk, submitted):
    from tests.attestations.support import attest_all

    attest_all(submitted)
    desk.post("/holds/new", {"reason": "Checking the DSPT."})
    blocked = words(desk.client.get(f"{desk.url}/approve"))
    assert "Stage 2 cannot be approved yet" in blocked
    assert "Onboarding is paused by 1 open hold(s)" in blocked
    assert "Approve stage 2" not in blocked.split("Approve stage 2 for")[1]
    hold = submitted.holds.get()
    desk.post(f"/holds/{hold.pk}/lift", {"reason": "The DSPT team confirmed it."})
    page = words(desk.client.get(f"{desk.url}/approve"))
    submission = submitted.submissions.get()
    count = len(submission.snapshot["answers"])
    assert f"Answers {count} answers in submission 1" in page
    assert f"SHA-256 {submission.sha256}" in page
    assert "attested by Named" in page
    assert "Holds lifted NHS England: Checking the DSPT." in page
    assert "Stage 2 cannot be approved yet" not in page
