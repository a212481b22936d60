"""A full review cycle through Django's test client, as the applicant and the reviewer see it."""

import re

import pytest

from applications.models import Application
from applications.states import Stage2State
from audit.models import AuditEntry
from questionnaire.models import Answer
from tests.answer_sets import CONTROLLER, SUPPLIER
from tests.attestations.support import attest_all
from tests.visible import words
from tests.web.conftest import signed_in
from workflow.models import ChangeRequest, ReviewerAssignment, StageCompletion


def version_on(page) -> str | None:
    found = re.search(r'name="version" value="(\d+)"', page.content.decode())
    return found.group(1) if found else None


class Reviewer:
    def __init__(self, client, application):
        self.client = client
        self.url = f"/review/applications/{application.pk}"
        self.application_id = application.pk

    def page(self, section=""):
        """The overview, or one section of the application ("answers", "evidence", "people",
        "holds", "comments", "timeline")."""
        return self.client.get(f"{self.url}/{section}" if section else self.url)

    def post(self, path, data=None, version=None):
        """POST a decision with the version its own page (or else the application page) shows,
        as a reviewer's browser would."""
        if version is None:
            form = self.client.get(f"{self.url}{path}")
            version = (version_on(form) if form.status_code == 200 else None) or version_on(
                self.page()
            )
        if version is None:  # no form offers this decision now: post what the row says
            version = Application.objects.get(pk=self.application_id).stage2_version
        return self.client.post(f"{self.url}{path}", {"version": version, **(data or {})})


@pytest.fixture
def submitted_supplier(applicant):
    applicant.answer_all(SUPPLIER)
    assert applicant.submit().status_code == 302
    application = Application.objects.get()
    attest_all(application)
    return application


def test_submit_review_request_changes_resubmit_diff_approve_stage3(
    applicant, submitted_supplier, reviewer
):
    application = submitted_supplier
    desk = Reviewer(signed_in(reviewer), application)

    queue = desk.client.get("/review").content.decode()
    assert application.reference in queue
    assert "Northern Imaging Trust (RNI)" in queue

    # Start review: assigned to the reviewer.
    assert desk.post("/start").status_code == 302
    application.refresh_from_db()
    assert application.stage2_state == Stage2State.IN_REVIEW
    assert application.stage2_reviewer == reviewer
    assert "You have started the review" in desk.page().content.decode()

    # Request changes on two answers.
    response = desk.post(
        "/request-changes",
        {
            "comment-s_cso": "Give the CSO's registration number as well.",
            "comment-s_medical_device": "Confirm the class on your UKCA certificate.",
            "comment-s_isms": "   ",
        },
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.stage2_state == Stage2State.CHANGES_REQUESTED
    change_request = ChangeRequest.objects.get()
    assert sorted(change_request.items.values_list("question_id", flat=True)) == [
        "s_cso",
        "s_medical_device",
    ]
    cso_item = change_request.items.get(question_id="s_cso")
    assert cso_item.revision.value == {"value": "Dr Ada Lovelace, GMC 1234567"}

    # The applicant sees each comment beside its answer: task list, question page, check answers.
    overview = applicant.client.get(applicant.stage2).content.decode()
    assert "Give the CSO&#39;s registration number as well." in overview
    assert "Change requested" in overview
    question = applicant.client.get(applicant.question_url("s_cso")).content.decode()
    assert "NHS England asked you to change this answer" in question
    check = applicant.client.get(f"{applicant.stage2}/check-answers").content.decode()
    assert "Confirm the class on your UKCA certificate." in check

    # Only those two answers can be edited; the rest are read-only.
    isms = Answer.objects.get(question_id="s_isms")
    refused = applicant.answer("s_isms", {"answer": "no"})
    assert refused.status_code == 409
    assert "NHS England has asked you to change other answers, not this one." in words(refused)
    isms.refresh_from_db()
    assert isms.value == {"value": "yes"}
    shown = applicant.client.get(applicant.question_url("s_isms"))
    assert shown.status_code == 200 and "You cannot change this answer now" in words(shown)

    assert (
        applicant.answer("s_cso", {"answer": "Dr Ada Lovelace, GMC 1234567, UKCSO 42"}).status_code
        == 302
    )
    assert (
        applicant.answer(
            "s_medical_device", {"answer": "yes", "device_class": "class_iib"}
        ).status_code
        == 302
    )
    assert applicant.submit().status_code == 302
    application.refresh_from_db()
    assert application.stage2_state == Stage2State.SUBMITTED
    change_request.refresh_from_db()
    assert change_request.resubmission.number == 2

    # The reviewer sees what changed, old and new, with the comment that asked for it.
    page = desk.page("answers").content.decode()
    assert "What changed since the last submission" in page
    assert "Dr Ada Lovelace, GMC 1234567, UKCSO 42" in page
    assert "Class IIa" in page and "Class IIb" in page
    assert "Confirm the class on your UKCA certificate." in page

    # Back in review, then approve: Stage 3 opens for a supplier.
    assert desk.post("/start").status_code == 302
    assert desk.post("/approve").status_code == 302
    application.refresh_from_db()
    assert application.stage2_state == Stage2State.APPROVED
    detail = applicant.client.get(applicant.application_url).content.decode()
    stage3 = detail.split("3. Home Community ID integration")[1].split("4. Technical")[0]
    assert "Open" in stage3
    # Stages 4 and 5 have not started, and say what they wait for (issue 25).
    stage4 = detail.split("4. Technical conformance")[1].split("</li>")[0]
    assert "Not started" in stage4 and "Starts when stage 3 is complete." in stage4
    assert "Cannot start yet" not in detail
    assert "Stage 3 cannot start until NHS England has approved stage 2" not in detail
    assert [t for t in application.stage2_transitions.values_list("to_state", flat=True)] == [
        "submitted",
        "in_review",
        "changes_requested",
        "submitted",
        "in_review",
        "approved",
    ]
    # Stages 3 to 5 are marked complete by a reviewer, in order, with a note.
    assert desk.post("/stages/4/complete", {"note": "Early"}).status_code == 400
    assert (
        desk.post("/stages/3/complete", {"note": "HCID 2.16.840.1.113883.2.1 issued"}).status_code
        == 302
    )
    assert desk.post("/stages/4/complete", {"note": "Conformance tests passed"}).status_code == 302
    assert list(StageCompletion.objects.values_list("stage", flat=True)) == [3, 4]
    # Stage 5 can start, and says it has not (issue 25: nothing "In progress" with nothing to do).
    detail = applicant.client.get(applicant.application_url).content.decode()
    stage5 = detail.split("5. Legal agreement")[1]
    assert (
        "Not started" in stage5.split("</li>")[0] and "In progress" not in stage5.split("</li>")[0]
    )
    for action in ("review.assign", "review.request_changes", "stage.complete"):
        assert AuditEntry.objects.filter(action=action).exists(), action


def test_a_decision_on_a_stale_page_is_refused_never_applied_twice(submitted_supplier, reviewer):
    desk = Reviewer(signed_in(reviewer), submitted_supplier)
    stale = version_on(desk.page())
    assert desk.post("/start", version=stale).status_code == 302
    again = desk.post("/start", version=stale)
    assert again.status_code == 409
    assert "Someone else has made a decision on this application" in again.content.decode()
    assert ReviewerAssignment.objects.count() == 1
    page_version = version_on(desk.client.get(f"{desk.url}/approve"))
    assert desk.post("/approve", version=page_version).status_code == 302
    double = desk.post("/approve", version=page_version)
    assert double.status_code == 409
    assert submitted_supplier.stage2_transitions.filter(to_state="approved").count() == 1


def test_another_reviewer_takes_over_and_it_is_recorded(submitted_supplier, reviewer, db):
    from accounts.models import UserKind
    from accounts.services import user_create
    from tests.conftest import PASSWORD

    other = user_create(
        email="second@england.example", password=PASSWORD, kind=UserKind.REVIEWER, actor=None
    )
    Reviewer(signed_in(reviewer), submitted_supplier).post("/start")
    desk = Reviewer(signed_in(other), submitted_supplier)
    assert "Take over this review" in desk.page().content.decode()
    assert desk.post("/start").status_code == 302
    submitted_supplier.refresh_from_db()
    assert submitted_supplier.stage2_reviewer == other
    takeover = ReviewerAssignment.objects.latest("at")
    assert (takeover.reviewer, takeover.previous_reviewer) == (other, reviewer)
    assert "Review taken over" in desk.page("timeline").content.decode()


def test_approval_is_refused_while_a_hold_is_open_and_says_why(submitted_supplier, reviewer):
    desk = Reviewer(signed_in(reviewer), submitted_supplier)
    desk.post("/start")
    assert (
        desk.post("/holds/new", {"reason": "Your DSPT is under investigation."}).status_code == 302
    )
    confirm = desk.client.get(f"{desk.url}/approve").content.decode()
    assert "Stage 2 cannot be approved yet" in confirm
    assert "open hold" in confirm
    refused = desk.post("/approve")
    assert refused.status_code == 400
    submitted_supplier.refresh_from_db()
    assert submitted_supplier.stage2_state == Stage2State.PAUSED
    hold = submitted_supplier.holds.get()
    assert desk.post(f"/holds/{hold.pk}/lift", {"reason": ""}).status_code == 400
    assert (
        desk.post(f"/holds/{hold.pk}/lift", {"reason": "Cleared by the DSPT team"}).status_code
        == 302
    )
    assert desk.post("/approve").status_code == 302
    submitted_supplier.refresh_from_db()
    assert submitted_supplier.stage2_state == Stage2State.APPROVED


def test_a_controllers_stage3_waits_for_the_acceptable_usage_policy(
    client_member, member, reviewer, fixed_today
):
    from tests.web.conftest import Applicant

    applicant = Applicant(client_member).start()
    applicant.answer_all(CONTROLLER)
    applicant.submit()
    application = Application.objects.get()
    desk = Reviewer(signed_in(reviewer), application)
    desk.post("/start")
    attest_all(application)
    desk.post("/approve")
    application.refresh_from_db()
    assert application.stage2_state == Stage2State.APPROVED
    detail = applicant.client.get(applicant.application_url).content.decode()
    assert "Acceptable Usage Policy (question 15) has not been uploaded and accepted" in detail
    assert desk.post("/stages/3/complete", {"note": "x"}).status_code == 400


def test_request_changes_needs_a_comment(submitted_supplier, reviewer):
    desk = Reviewer(signed_in(reviewer), submitted_supplier)
    desk.post("/start")
    response = desk.post("/request-changes", {})
    assert response.status_code == 400
    assert "Enter a comment on at least one answer" in response.content.decode()
    submitted_supplier.refresh_from_db()
    assert submitted_supplier.stage2_state == Stage2State.IN_REVIEW


def test_the_applicant_can_withdraw(applicant, submitted_supplier):
    page = applicant.client.get(f"{applicant.application_url}/withdraw")
    assert "Are you sure you want to withdraw" in page.content.decode()
    response = applicant.client.post(f"{applicant.application_url}/withdraw", {"reason": "Merged"})
    assert response.status_code == 302
    submitted_supplier.refresh_from_db()
    assert submitted_supplier.stage2_state == Stage2State.WITHDRAWN
    assert submitted_supplier.stage2_transitions.last().reason == "Merged"
