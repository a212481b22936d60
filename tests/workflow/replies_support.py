"""An application with one of each thing the organisation can reply to (ADR 0037): a change
request on question 6 (the CSO), a reviewer's hold, a document request and a comment for the
applicant, all from the reviewer who started the review (and an internal comment)."""

from dataclasses import dataclass
from datetime import date

from applications.models import Application
from tests.answer_sets import SUPPLIER
from tests.attestations.support import attest_all
from workflow.decisions.comments import review_comment_add
from workflow.decisions.documents import document_request_create
from workflow.decisions.review import changes_request, review_start, reviewer_hold_raise
from workflow.models import ChangeRequestItem, DocumentRequest, Hold, ReviewComment

HOLD_REASON = "Your DSPT publication date does not match the register"
CHANGE_COMMENT = "Give the CSO's professional registration number"
DOCUMENT_TITLE = "Clinical Safety Case Report"
COMMENT = "Please confirm who signs off your hazard log"
INTERNAL = "Internal: check the register again on Monday"


@dataclass
class Said:
    application: Application
    hold: Hold
    change: ChangeRequestItem
    document: DocumentRequest
    comment: ReviewComment
    internal: ReviewComment

    def target(self, to):
        return {
            "hold": self.hold,
            "change_request": self.change,
            "document_request": self.document,
            "comment": self.comment,
        }[to]


def reviewer_said_everything(applicant, reviewer) -> Said:
    applicant.answer_all(SUPPLIER)
    assert applicant.submit().status_code == 302
    application = Application.objects.get()
    attest_all(application)

    def version():
        application.refresh_from_db()
        return application.stage2_version

    review_start(application=application, actor=reviewer, expected_version=version())
    request = changes_request(
        application=application,
        actor=reviewer,
        expected_version=version(),
        comments={"s_cso": CHANGE_COMMENT},
    )
    hold = reviewer_hold_raise(
        application=application, actor=reviewer, expected_version=version(), reason=HOLD_REASON
    )
    document = document_request_create(
        application=application,
        actor=reviewer,
        title=DOCUMENT_TITLE,
        note="The latest signed version",
        due_date=date(2026, 12, 31),
        expected_version=version(),
    )
    comment = review_comment_add(
        application=application, actor=reviewer, text=COMMENT, visibility="applicant"
    )
    internal = review_comment_add(
        application=application, actor=reviewer, text=INTERNAL, visibility="internal"
    )
    application.refresh_from_db()
    return Said(application, hold, request.items.get(), document, comment, internal)


REPLY_PATHS = {
    "hold": "holds",
    "comment": "comments",
    "change_request": "change-requests",
    "document_request": "documents",
}


def reply_url(said: Said, to: str, target=None) -> str:
    target = target or said.target(to)
    return f"/applications/{said.application.pk}/{REPLY_PATHS[to]}/{target.pk}/reply"
