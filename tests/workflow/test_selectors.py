"""The workflow's reads that decide what an applicant may do (workflow/selectors.py): which
answers they may change, whether they may withdraw or submit, and what still stops stage 3.
Built straight in the database, without pages, so `make mutation MODULE=workflow/selectors.py`
can run them once a mutant (docs/testing.md); the pages that ask these are tested in
tests/web and tests/workflow/test_review_cycle.py."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from django.utils import timezone

from applications.models import Application, Stage2Transition
from applications.states import Role, Stage2State
from evidence.models import EvidenceFile, ScanStatus
from evidence.status import UploadState
from questionnaire.engine.schema import QuestionKind
from questionnaire.models import Answer, AnswerRevision, Response
from tests.evidence.files import evidence_row
from workflow import selectors
from workflow.models import (
    ChangeRequest,
    ChangeRequestItem,
    DocumentRequest,
    Hold,
    HoldOrigin,
    Submission,
)
from workflow.models import DocumentRequestStatus as DRS

S = Stage2State
FILE = QuestionKind.FILE
pytestmark = pytest.mark.django_db


@dataclass
class Question:
    id: str
    kind: QuestionKind = QuestionKind.TEXT


@dataclass
class Route:
    """A journey, as far as these reads ask one: the questions on its route, and whether every
    one of them is answered."""

    ids: list[str]
    complete: bool = True
    kinds: dict[str, QuestionKind] = field(default_factory=dict)  # text unless named here

    def applicable_questions(self) -> list[Question]:
        return [
            Question(question_id, self.kinds.get(question_id, QuestionKind.TEXT))
            for question_id in self.ids
        ]

    def is_complete(self) -> bool:
        return self.complete


@dataclass
class Outcome:
    blocks: list[str] = field(default_factory=list)
    pauses: list[str] = field(default_factory=list)


@pytest.fixture
def application(organisation, member):
    return Application.objects.create(
        organisation=organisation, scope="both", role=Role.SUPPLIER, created_by=member
    )


def in_state(application, state, *, paused_from=None):
    """The application in `state`; with `paused_from`, paused from that state (the transitions
    written as the state machine would write them)."""
    if paused_from is not None:
        Stage2Transition.objects.create(
            application=application, from_state=paused_from, to_state=S.PAUSED, reason="Held."
        )
        state = S.PAUSED
    Application.objects.filter(pk=application.pk).update(stage2_state=state)
    application.refresh_from_db()
    return application


def change_request(application, member, reviewer, *, named, submitted, resubmitted=False):
    """A reviewer's change request naming the answers `named`, of a submission that answered
    `submitted`; answered by a resubmission when `resubmitted`."""
    number = application.submissions.count() + 1
    submission = Submission.objects.create(
        application=application,
        number=number,
        submitted_by=member,
        submitted_at=timezone.now(),
        snapshot={"answers": [{"question_id": question_id} for question_id in submitted]},
        sha256="0" * 64,
    )
    response, _ = Response.objects.get_or_create(
        application=application, defaults={"definition_id": "stage2", "definition_version": 1}
    )
    request = ChangeRequest.objects.create(
        application=application,
        submission=submission,
        requested_by=reviewer,
        resubmission=(
            Submission.objects.create(
                application=application,
                number=number + 1,
                submitted_by=member,
                submitted_at=timezone.now(),
                snapshot={"answers": []},
                sha256="1" * 64,
            )
            if resubmitted
            else None
        ),
    )
    for question_id in named:
        revision = AnswerRevision.objects.create(
            response=response,
            question_id=question_id,
            revision=number,
            change="set",
            definition_version=1,
            wording="A question",
            value="An answer",
            answered_by=member,
            answered_at=timezone.now(),
        )
        ChangeRequestItem.objects.create(
            change_request=request, question_id=question_id, revision=revision, comment="Why."
        )
    return request


def test_the_working_state_of_a_pause_is_the_state_it_paused(application):
    for state in S.values:
        if state == S.PAUSED:
            continue
        application = in_state(application, state)
        assert selectors.stage2_working_state(application) == state
        assert selectors.stage2_latest_pause(application) is None
    # Paused from "approved", then (after a resume, not recorded here) from "changes requested":
    # the latest pause is the one that counts.
    in_state(application, S.PAUSED, paused_from=S.APPROVED)
    application = in_state(application, S.PAUSED, paused_from=S.CHANGES_REQUESTED)
    latest = selectors.stage2_latest_pause(application)
    assert (latest.from_state, latest.to_state) == (S.CHANGES_REQUESTED, S.PAUSED)
    assert selectors.stage2_working_state(application) == S.CHANGES_REQUESTED
    # Resumed into a state sorting before "paused" and into one after it: no pause is current.
    for resumed in (S.CHANGES_REQUESTED, S.SUBMITTED, S.APPROVED, S.WITHDRAWN):
        application = in_state(application, resumed)
        assert selectors.stage2_latest_pause(application) is None, resumed
        assert selectors.stage2_working_state(application) == resumed


def test_a_pause_with_no_transition_behind_it_counts_as_draft(application):
    application = in_state(application, S.PAUSED)
    assert selectors.stage2_latest_pause(application) is None
    assert selectors.stage2_working_state(application) == S.DRAFT


def test_in_draft_every_answer_may_be_changed(application):
    application = in_state(application, S.DRAFT)
    editability = selectors.Editability(application)
    assert editability.all is True
    assert editability.any is True
    assert editability.request is None
    assert editability.question(Route([]), "s_anything") is True
    assert selectors.answers_editable(application) is True


@pytest.mark.parametrize(
    "state", [S.SUBMITTED, S.IN_REVIEW, S.APPROVED, S.WITHDRAWN, S.CHANGES_REQUESTED]
)
def test_outside_draft_and_an_open_change_request_nothing_may_be_changed(application, state):
    # "changes requested" with no open change request (its changes already resubmitted) too.
    application = in_state(application, state)
    editability = selectors.Editability(application)
    assert editability.all is False
    assert editability.any is False
    assert editability.question(Route(["c_role"]), "c_role") is False
    assert selectors.answers_editable(application) is False


def test_paused_from_submitted_nothing_may_be_changed(application):
    application = in_state(application, S.PAUSED, paused_from=S.SUBMITTED)
    assert selectors.answers_editable(application) is False
    application = in_state(application, S.PAUSED, paused_from=S.DRAFT)
    assert selectors.answers_editable(application) is True


def test_with_changes_requested_only_the_named_answers_and_new_questions_may_change(
    application, member, reviewer
):
    change_request(application, member, reviewer, named=["c_old"], submitted=["c_done"])
    request = change_request(
        application, member, reviewer, named=["c_named"], submitted=["c_named", "c_kept"]
    )
    application = in_state(application, S.CHANGES_REQUESTED)
    editability = selectors.Editability(application)
    assert editability.request == request
    assert editability.all is False
    assert editability.any is True
    assert selectors.answers_editable(application) is True
    assert editability.submitted == {"c_named", "c_kept"}
    assert set(editability.comments) == {"c_named"}
    route = Route(["c_named", "c_kept", "c_new"])
    assert editability.question(route, "c_named") is True  # named by the reviewer
    assert editability.question(route, "c_new") is True  # brought onto the route, unanswered
    assert editability.question(route, "c_kept") is False  # answered, not named
    assert editability.question(route, "c_off_route") is False  # not on the route
    assert editability.question(route, "c_old") is False  # named by an earlier request


def test_an_answered_change_request_is_not_open(application, member, reviewer):
    change_request(
        application, member, reviewer, named=["c_named"], submitted=["c_named"], resubmitted=True
    )
    application = in_state(application, S.CHANGES_REQUESTED)
    assert selectors.change_request_open(application) is None
    assert selectors.answers_editable(application) is False


def test_a_change_request_is_open_only_while_changes_are_requested(application, member, reviewer):
    request = change_request(application, member, reviewer, named=["c_a"], submitted=["c_a"])
    for state in (S.DRAFT, S.SUBMITTED, S.IN_REVIEW, S.APPROVED, S.WITHDRAWN):
        assert selectors.change_request_open(in_state(application, state)) is None
    application = in_state(application, S.CHANGES_REQUESTED)
    assert selectors.change_request_open(application) == request
    # Paused while the changes were being made: still the applicant's to work on (read only
    # while paused is the pages' rule, from the working state).
    application = in_state(application, S.PAUSED, paused_from=S.CHANGES_REQUESTED)
    assert selectors.change_request_open(application) == request
    assert selectors.Editability(application).question(Route(["c_a"]), "c_a") is True


def test_the_applicant_can_withdraw_until_approved(application):
    for state, allowed in [
        (S.DRAFT, True),
        (S.SUBMITTED, True),
        (S.IN_REVIEW, True),
        (S.CHANGES_REQUESTED, True),
        (S.APPROVED, False),
        (S.WITHDRAWN, False),
    ]:
        assert selectors.can_withdraw(in_state(application, state)) is allowed, state
    assert selectors.can_withdraw(in_state(application, S.PAUSED, paused_from=S.IN_REVIEW))
    paused_approved = in_state(application, S.PAUSED, paused_from=S.APPROVED)
    assert selectors.can_withdraw(paused_approved) is False


def test_submission_is_ready_only_when_nothing_stops_it(application):
    route = Route(["c_a"])
    for state in S.values:
        ready = selectors.submission_ready(in_state(application, state), route, Outcome())
        assert ready is (state in (S.DRAFT, S.CHANGES_REQUESTED)), state
    application = in_state(application, S.DRAFT)
    assert (
        selectors.submission_ready(application, Route(["c_a"], complete=False), Outcome()) is False
    )
    assert selectors.submission_ready(application, route, Outcome(blocks=["b"])) is False
    assert selectors.submission_ready(application, route, Outcome(pauses=["p"])) is False
    assert selectors.submission_ready(application, route, Outcome(), answers={}) is True


def aup(scan_status, revision=1):
    return EvidenceFile(
        purpose=selectors.question_purpose(selectors.AUP_QUESTION_ID),
        scan_status=scan_status,
        revision=revision,
    )


def test_stage3_waits_for_approval_and_a_controllers_accepted_aup(application):
    assert selectors.stage3_blockers(in_state(application, S.APPROVED), []) == []
    for state in (S.DRAFT, S.SUBMITTED, S.IN_REVIEW, S.CHANGES_REQUESTED, S.WITHDRAWN):
        blockers = selectors.stage3_blockers(in_state(application, state), [])
        assert blockers == [selectors.STAGE3_NEEDS_APPROVAL], state
    paused = in_state(application, S.PAUSED, paused_from=S.APPROVED)
    assert selectors.stage3_blockers(paused, []) == [selectors.STAGE3_PAUSED]
    paused = in_state(application, S.PAUSED, paused_from=S.IN_REVIEW)
    assert selectors.stage3_blockers(paused, []) == [selectors.STAGE3_NEEDS_APPROVAL]

    # Only "approved" opens stage 3, which sorts first of the states: a state the service does
    # not know (the column has choices, not a database constraint) does not open it.
    for unknown in ("", "aardvark", "APPROVED"):
        assert selectors.stage3_blockers(in_state(application, unknown), []) == [
            selectors.STAGE3_NEEDS_APPROVAL
        ], unknown
    # The AUP is a Data Controller's: not asked of an application whose role is not yet chosen.
    Application.objects.filter(pk=application.pk).update(role="")
    assert selectors.stage3_blockers(in_state(application, S.DRAFT), []) == [
        selectors.STAGE3_NEEDS_APPROVAL
    ]

    Application.objects.filter(pk=application.pk).update(role=Role.CONTROLLER)
    controller = in_state(application, S.APPROVED)
    assert selectors.stage3_blockers(controller, []) == [selectors.STAGE3_NEEDS_AUP]
    assert selectors.stage3_blockers(controller, [aup(ScanStatus.INFECTED)]) == [
        selectors.STAGE3_NEEDS_AUP
    ]
    assert selectors.stage3_blockers(controller, [aup(ScanStatus.PENDING)]) == [
        selectors.STAGE3_NEEDS_AUP
    ]
    assert selectors.stage3_blockers(controller, [aup(ScanStatus.CLEAN)]) == []
    assert selectors.aup_accepted(controller, [aup(ScanStatus.CLEAN)]) is True
    assert selectors.stage3_blockers(in_state(application, S.DRAFT), [], for_reviewer=True) == [
        "Stage 2 has not been approved.",
        selectors.STAGE3_FOR_REVIEWER[selectors.STAGE3_NEEDS_AUP],
    ]


def test_only_holds_not_yet_lifted_are_open(application, reviewer):
    lifted = Hold.objects.create(
        application=application,
        origin=HoldOrigin.REVIEWER,
        reason="Lifted already.",
        raised_by=reviewer,
        lifted_by=reviewer,
        lifted_at=timezone.now(),
    )
    still_open = Hold.objects.create(
        application=application, origin=HoldOrigin.REVIEWER, reason="Open.", raised_by=reviewer
    )
    assert selectors.holds_open(application) == [still_open]
    assert selectors.holds_all(application) == [lifted, still_open]


def answer(application, member, question_id, *, copied_from=None):
    response, _ = Response.objects.get_or_create(
        application=application, defaults={"definition_id": "stage2", "definition_version": 1}
    )
    return Answer.objects.create(
        response=response,
        question_id=question_id,
        definition_version=1,
        wording="A question",
        value="An answer",
        answered_by=member,
        answered_at=timezone.now(),
        copied_from=copied_from,
    )


def test_copied_answers_on_the_route_wait_for_confirmation_in_the_routes_order(
    application, organisation, member
):
    earlier = Application.objects.create(
        organisation=organisation, scope="both", role=Role.SUPPLIER, created_by=member
    )
    copied_late = answer(application, member, "c_late", copied_from=earlier)
    copied_early = answer(application, member, "c_early", copied_from=earlier)
    answer(application, member, "c_own")  # the applicant's own answer: nothing to confirm
    answer(application, member, "c_off_route", copied_from=earlier)  # not asked now
    route = Route(["c_early", "c_own", "c_late"])
    expected = [copied_early, copied_late]
    # Read by the selector, and from the answers a page has already read: the same answers.
    assert selectors.copied_unconfirmed(application, route) == expected
    answers = {a.question_id: a for a in Answer.objects.filter(response__application=application)}
    assert selectors.copied_unconfirmed(application, route, answers) == expected
    # Another application's copied answers are not this one's.
    other = answer(earlier, member, "c_early", copied_from=application)
    assert other not in selectors.copied_unconfirmed(application, route)
    assert selectors.copied_unconfirmed(application, Route([])) == []
    assert selectors.copied_unconfirmed(application, Route([]), answers) == []
    # An unconfirmed copy stops submission whichever way the answers are read.
    application = in_state(application, S.DRAFT)
    assert selectors.submission_ready(application, route, Outcome()) is False
    assert selectors.submission_ready(application, route, Outcome(), answers) is False


def document_request(application, reviewer, status):
    return DocumentRequest.objects.create(
        application=application,
        title=f"A request {status}",
        due_date=timezone.localdate(),
        status=status,
        requested_by=reviewer,
    )


def test_only_open_document_requests_are_open(application, reviewer):
    requests = {status: document_request(application, reviewer, status) for status in DRS.values}
    assert selectors.document_requests_open(application) == [requests[DRS.OPEN]]
    assert set(selectors.document_requests_for(application)) == set(requests.values())


def stored(application, member, purpose, scan_status):
    return evidence_row(application, purpose, scan_status, uploaded_by=member, name="aup.pdf")


def test_each_file_questions_status_is_its_own_files(application, member):
    purpose = selectors.question_purpose
    clean = stored(application, member, purpose("c_aup"), ScanStatus.CLEAN)
    stored(application, member, purpose("c_other"), ScanStatus.INFECTED)
    stored(application, member, "document_request:x", ScanStatus.PENDING)

    # The kinds that sort before "file" (checkbox, date) are not file questions either.
    route = Route(["c_aup", "c_other", "c_none", "c_text", "c_date", "c_ticks"])
    route.kinds = {
        "c_aup": FILE,
        "c_other": FILE,
        "c_none": FILE,
        "c_date": QuestionKind.DATE,
        "c_ticks": QuestionKind.CHECKBOX,
    }
    for evidence in (None, list(application.evidence_files.all())):
        statuses = selectors.upload_statuses(application, route, evidence)
        assert set(statuses) == {"c_aup", "c_other", "c_none"}, evidence
        assert statuses["c_aup"].state is UploadState.UPLOADED
        assert statuses["c_aup"].file == clean
        assert statuses["c_other"].state is UploadState.NOT_ACCEPTED
        assert statuses["c_none"].state is UploadState.NOT_UPLOADED
        assert selectors.question_upload_status(application, "c_aup", evidence).file == clean
        none = selectors.question_upload_status(application, "c_none", evidence)
        assert none.state is UploadState.NOT_UPLOADED
    # A route with no file question reads nothing and has no statuses.
    assert selectors.upload_statuses(application, Route(["c_text"]), None) == {}


def test_the_file_questions_statuses_read_the_evidence_once_or_not_at_all(
    application, member, django_assert_num_queries
):
    stored(application, member, selectors.question_purpose("c_aup"), ScanStatus.CLEAN)
    route = Route(["c_aup", "c_form"], kinds={"c_aup": FILE, "c_form": FILE})
    with django_assert_num_queries(1):  # one read of the evidence, for every question
        selectors.upload_statuses(application, route)
    evidence = list(application.evidence_files.all())
    with django_assert_num_queries(0):  # a page that has read it already passes it in
        statuses = selectors.upload_statuses(application, route, evidence)
    assert statuses["c_aup"].state is UploadState.UPLOADED


def test_stage3_blockers_take_the_application_and_evidence_by_name_and_for_reviewer_only_so(
    application,
):
    application = in_state(application, S.APPROVED)
    assert selectors.stage3_blockers(application=application, evidence=[]) == []
    with pytest.raises(TypeError):
        selectors.stage3_blockers(application, [], True)  # type: ignore[misc]
