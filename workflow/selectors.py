"""Reads of the Stage 2 workflow. Callers pass an application already fetched through a selector
scoped to the user (``applications.selectors``), so these never widen what a user can see."""

from __future__ import annotations

from datetime import date

from applications.models import Application, Stage2Transition
from applications.states import Role, Stage2State
from evidence.models import EvidenceFile
from evidence.selectors import evidence_history
from evidence.status import UploadStatus, upload_status
from questionnaire.engine.journey import Journey
from questionnaire.engine.rules import Evaluation
from questionnaire.engine.schema import QuestionKind
from questionnaire.models import Answer
from workflow.models import (
    ChangeRequest,
    DocumentRequest,
    DocumentRequestEvent,
    DocumentRequestStatus,
    Hold,
    StageCompletion,
    Submission,
)
from workflow.state_machine.states import DECIDED_STATES, SUBMITTABLE_STATES

AUP_QUESTION_ID = "c_aup"
STAGE3_NEEDS_APPROVAL = "NHS England has not approved stage 2 yet."
STAGE3_PAUSED = "Onboarding is paused."
STAGE3_NEEDS_AUP = (
    "Your signed Acceptable Usage Policy (question 15) has not been uploaded and accepted."
)
# The same, for NHS England's pages.
STAGE3_FOR_REVIEWER = {
    STAGE3_NEEDS_APPROVAL: "Stage 2 has not been approved.",
    STAGE3_PAUSED: "Onboarding is paused.",
    STAGE3_NEEDS_AUP: "The organisation's signed Acceptable Usage Policy (question 15) has not "
    "been uploaded, or has not passed its checks.",
}


def stage2_latest_pause(application: Application) -> Stage2Transition | None:
    """The transition into the current pause, or None when Stage 2 is not paused."""
    if application.stage2_state != Stage2State.PAUSED:
        return None
    return (
        application.stage2_transitions.filter(to_state=Stage2State.PAUSED).order_by("-at", "-pk")
    ).first()


def stage2_working_state(application: Application) -> str:
    """The state Stage 2 is in, or, while paused, the state the pause paused. What the applicant
    may do follows from this: a pause never makes more editable than the state it paused."""
    if application.stage2_state != Stage2State.PAUSED:
        return application.stage2_state
    pause = stage2_latest_pause(application)
    return pause.from_state if pause else Stage2State.DRAFT


def change_request_open(application: Application) -> ChangeRequest | None:
    """The change request the applicant is working on, if Stage 2 is back with them."""
    if stage2_working_state(application) != Stage2State.CHANGES_REQUESTED:
        return None
    return (
        application.change_requests.filter(resubmission__isnull=True)
        .select_related("submission")
        .prefetch_related("items")
        .order_by("-requested_at")
        .first()
    )


class Editability:
    """Which answers the applicant may change now: all of them in draft; in "changes requested"
    the answers the reviewer named and any question their changes bring onto the route
    unanswered; otherwise none."""

    def __init__(self, application: Application):
        self.all = stage2_working_state(application) == Stage2State.DRAFT
        # change_request_open asks the working state itself: None unless "changes requested".
        self.request = None if self.all else change_request_open(application)
        self.submitted = (
            {a["question_id"] for a in self.request.submission.snapshot["answers"]}
            if self.request
            else set()
        )
        self.comments = (
            {item.question_id: item for item in self.request.items.all()} if (self.request) else {}
        )

    @property
    def any(self) -> bool:
        return self.all or self.request is not None

    def question(self, journey: Journey, question_id: str) -> bool:
        if self.all:
            return True
        if self.request is None:
            return False
        if question_id in self.comments:
            return True
        # A question the changes brought onto the route, which the submission did not answer.
        on_route = {q.id for q in journey.applicable_questions()}
        return question_id in on_route and question_id not in self.submitted


def can_withdraw(application: Application) -> bool:
    """The applicant can withdraw until Stage 2 is approved, a pause included."""
    return stage2_working_state(application) not in DECIDED_STATES


def answers_editable(application: Application) -> bool:
    return Editability(application).any


def holds_open(application: Application) -> list[Hold]:
    return list(application.holds.filter(lifted_at__isnull=True).select_related("raised_by"))


def holds_all(application: Application) -> list[Hold]:
    return list(application.holds.select_related("raised_by", "lifted_by"))


def copied_unconfirmed(
    application: Application, journey: Journey, answers: dict[str, Answer] | None = None
) -> list[Answer]:
    """The answers on the route copied from an earlier application (ADR 0020) that the applicant
    has not yet confirmed or changed, in the questionnaire's order. ``answers``: the
    application's answers by question, when the caller has read them already."""
    order = {q.id: i for i, q in enumerate(journey.applicable_questions())}
    if answers is None:
        copied = list(
            Answer.objects.filter(
                response__application=application, copied_from__isnull=False, question_id__in=order
            ).select_related("copied_from")
        )
    else:
        copied = [
            answer
            for question_id, answer in answers.items()
            if answer.copied_from_id is not None and question_id in order
        ]
    return sorted(copied, key=lambda answer: order[answer.question_id])


def submission_ready(
    application: Application,
    journey: Journey,
    evaluation: Evaluation,
    answers: dict[str, Answer] | None = None,
) -> bool:
    """The one test of whether Stage 2 can be submitted now: in a submittable state (not
    paused), every question on the route answered, no answer that blocks or pauses, and no
    copied answer still to be confirmed (ADR 0020). ``answers`` as for copied_unconfirmed."""
    return (
        application.stage2_state in SUBMITTABLE_STATES
        and journey.is_complete()
        and not evaluation.blocks
        and not evaluation.pauses
        and not copied_unconfirmed(application, journey, answers)
    )


def submission_latest(application: Application) -> Submission | None:
    return application.submissions.order_by("-number").first()


def document_requests_for(application: Application) -> list[DocumentRequest]:
    return list(application.document_requests.select_related("requested_by", "answered_by"))


def document_request_events(request: DocumentRequest) -> list[DocumentRequestEvent]:
    """The request's history, the first step first, with who took each step and the file an
    answer sent. The caller has the request from an application scoped to the user."""
    return list(request.events.select_related("actor", "evidence").order_by("at", "pk"))


def document_requests_open(application: Application) -> list[DocumentRequest]:
    return [
        request
        for request in document_requests_for(application)
        if request.status == DocumentRequestStatus.OPEN
    ]


def question_purpose(question_id: str) -> str:
    """The evidence purpose under which a file question's files are kept."""
    return f"question:{question_id}"


def question_upload_status(
    application: Application, question_id: str, evidence: list[EvidenceFile] | None = None
) -> UploadStatus:
    """The one status of a file question (question 15's signed Acceptable Usage Policy):
    "Not uploaded", "Uploaded – waiting for the malware check", "Uploaded" or "Not accepted"
    (``evidence.status``). Every page that shows the question and every gate that waits for its
    file ask this. A page that has read the application's evidence passes it in."""
    purpose = question_purpose(question_id)
    if evidence is None:
        return upload_status(evidence_history(application, purpose))
    return upload_status(e for e in evidence if e.purpose == purpose)


def upload_statuses(
    application: Application, journey: Journey, evidence: list[EvidenceFile] | None = None
) -> dict[str, UploadStatus]:
    """By question id, the status of each file question on ``journey``'s route (one read of the
    evidence at most)."""
    questions = [q.id for q in journey.applicable_questions() if q.kind is QuestionKind.FILE]
    if not questions:
        return {}
    if evidence is None:
        purposes = [question_purpose(question_id) for question_id in questions]
        evidence = list(application.evidence_files.filter(purpose__in=purposes))
    return {
        question_id: question_upload_status(application, question_id, evidence)
        for question_id in questions
    }


def aup_accepted(application: Application, evidence: list[EvidenceFile] | None = None) -> bool:
    """Whether the Data Controller's signed Acceptable Usage Policy (question 15) reads
    "Uploaded": the gate asks the same status the pages show."""
    return question_upload_status(application, AUP_QUESTION_ID, evidence).accepted


def stage3_blockers(
    application: Application,
    evidence: list[EvidenceFile] | None = None,
    *,
    for_reviewer: bool = False,
) -> list[str]:
    """Why stage 3 (Home Community ID integration) cannot start yet, in the applicant's words.
    Reads nothing beyond the application row (and, once evidence exists, its AUP)."""
    blockers = []
    if application.stage2_state == Stage2State.PAUSED and (
        stage2_working_state(application) == Stage2State.APPROVED
    ):
        blockers.append(STAGE3_PAUSED)
    elif application.stage2_state != Stage2State.APPROVED:
        blockers.append(STAGE3_NEEDS_APPROVAL)
    if application.role == Role.CONTROLLER and not aup_accepted(application, evidence):
        blockers.append(STAGE3_NEEDS_AUP)
    if for_reviewer:
        return [STAGE3_FOR_REVIEWER[blocker] for blocker in blockers]
    return blockers


def stages_completed(application: Application) -> dict[int, StageCompletion]:
    return {c.stage: c for c in application.stage_completions.select_related("completed_by")}


def document_request_is_overdue(request: DocumentRequest, today: date) -> bool:
    return request.is_overdue(today)
