"""Document requests: NHS England asks an organisation for a document at any time, before or
after approval (the source names the Clinical Safety Case Report and the hazard log), and the
organisation answers it with a file. The reviewer then accepts the file, asks again with a
reason (the request goes back to the organisation), or withdraws the request.

Each step is an append-only ``DocumentRequestEvent`` written in the same transaction as the
request's status and an audit entry. Every form posts the request's ``version`` it showed, so
a step taken on a page that has changed since (another tab, a double click, the other side
acting meanwhile) is refused with ``STALE_REQUEST`` rather than applied to what nobody saw."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.rules import can_review, is_member_of
from applications.models import Application
from applications.services import application_lock
from applications.states import Stage2State
from audit.services import Auditor
from evidence.models import EvidenceFile, ScanStatus
from evidence.scanning import scan_passed
from evidence.services import evidence_store
from evidence.upload import Received
from workflow.decisions.review import DecisionRefused, StaleDecision
from workflow.models import (
    DocumentRequest,
    DocumentRequestEvent,
    DocumentRequestEventKind,
    DocumentRequestStatus,
)
from workflow.notices import notice_document_asked_again, notice_document_requested
from workflow.state_machine.transitions import stage2_touch

TITLE_MAX = 200
NOTE_MAX = 2000
REASON_MAX = 2000
STALE_REQUEST = "This request has changed since you opened the page. Check the request again"


class StaleRequest(DecisionRefused):
    """The request has changed since the page that asked for this step was opened."""

    def __init__(self) -> None:
        super().__init__(STALE_REQUEST)


# Why a file that has not passed its malware check cannot be accepted, in the reviewer's words.
NOT_PASSED = {
    ScanStatus.PENDING: "You cannot accept the document until its malware check has finished",
    ScanStatus.INFECTED: "You cannot accept the document because it contains a virus. Ask the "
    "organisation to send it again",
    ScanStatus.REFUSED: "You cannot accept the document because it could not be checked for "
    "malware. Ask the organisation to send it again",
    ScanStatus.NOT_SCANNED: "You cannot accept the document because it has not been checked for "
    "malware. Ask the organisation to send it again",
}


def document_request_purpose(request: DocumentRequest) -> str:
    """The evidence purpose under which a request's files are kept."""
    return f"document_request:{request.pk}"


def document_request_answer_file(request: DocumentRequest) -> EvidenceFile | None:
    """The file of the request's latest answer: the one a reviewer accepts or asks again about."""
    answer = (
        request.events.filter(kind=DocumentRequestEventKind.ANSWERED)
        .select_related("evidence")
        .order_by("-at", "-pk")
        .first()
    )
    return answer.evidence if answer else None


def document_request_cannot_accept(evidence: EvidenceFile | None) -> str:
    """Why the file cannot be accepted, or "" when it can: it has passed its malware check
    (``evidence.scanning.scan_passed``)."""
    if evidence is None:
        return "You cannot accept the document because the organisation has not sent a file"
    if scan_passed(evidence.scan_status):
        return ""
    return NOT_PASSED.get(
        ScanStatus(evidence.scan_status),
        "You cannot accept the document until it has passed its malware check",
    )


def _event(
    request: DocumentRequest,
    kind: DocumentRequestEventKind,
    actor: User,
    *,
    text: str = "",
    due_date: date | None = None,
    evidence: EvidenceFile | None = None,
) -> DocumentRequestEvent:
    return DocumentRequestEvent.objects.create(
        request=request, kind=kind, actor=actor, text=text, due_date=due_date, evidence=evidence
    )


def _locked_request(request: DocumentRequest, expected_version: int) -> DocumentRequest:
    """The request, read again under the application's lock; refused when its version is not
    the one the page showed."""
    application_lock(request.application)
    locked = DocumentRequest.objects.select_related("application__organisation").get(pk=request.pk)
    if locked.version != expected_version:
        raise StaleRequest
    return locked


def _save(request: DocumentRequest, *fields: str) -> None:
    request.version += 1
    request.save(update_fields=[*fields, "version"])


@transaction.atomic
def document_request_create(
    *,
    application: Application,
    actor: User,
    title: str,
    note: str,
    due_date: date,
    expected_version: int,
) -> DocumentRequest:
    """Ask the organisation for a document by a due date. Takes the ``stage2_version`` the
    reviewer's page showed, so a double submit asks once."""
    if not can_review(actor):
        raise PermissionError("Only NHS England reviewers can request documents")
    application = application_lock(application)
    if application.stage2_version != expected_version:
        raise StaleDecision
    if application.stage2_state in (Stage2State.DRAFT, Stage2State.WITHDRAWN):
        raise DecisionRefused("You can only request documents for a submitted application")
    request = DocumentRequest.objects.create(
        application=application,
        title=title.strip(),
        note=note.strip(),
        due_date=due_date,
        requested_by=actor,
    )
    _event(request, DocumentRequestEventKind.REQUESTED, actor, text=request.note, due_date=due_date)
    Auditor(actor).record(
        action="document_request.create",
        obj=request,
        organisation=application.organisation,
        after={"title": request.title, "due_date": due_date.isoformat()},
    )
    stage2_touch(application)
    notice_document_requested(application=application, request=request)
    return request


def document_request_answer(
    *,
    request: DocumentRequest,
    actor: User,
    note: str,
    received: Received,
    expected_version: int,
) -> EvidenceFile:
    """The organisation answers an open request (asked for the first time, or asked again) with
    a file and, if it likes, a note.

    The file is judged, scanned and stored first, outside a transaction (the scan is slow), by
    ``evidence_store``, which raises ``EvidenceRefused`` with the design system's message; only a
    file that was stored answers the request. ``expected_version`` is the request's version the
    organisation's page showed: a page opened before the reviewer asked again (whose reason it
    does not show) cannot answer."""
    if not is_member_of(actor, request.application.organisation):
        received.discard()
        raise PermissionError("Only members of the organisation can answer")
    if request.status != DocumentRequestStatus.OPEN or request.version != expected_version:
        received.discard()
        raise StaleRequest
    evidence = evidence_store(
        application=request.application,
        purpose=document_request_purpose(request),
        received=received,
        actor=actor,
    )
    _answer(request, actor, note, evidence, expected_version)
    return evidence


@transaction.atomic
def _answer(
    request: DocumentRequest,
    actor: User,
    note: str,
    evidence: EvidenceFile,
    expected_version: int,
) -> None:
    # Answered in another tab meanwhile: the file is kept as a revision all the same, but it does
    # not answer the request (the history names the file that did).
    request = _locked_request(request, expected_version)
    if request.status != DocumentRequestStatus.OPEN:
        raise StaleRequest
    request.status = DocumentRequestStatus.ANSWERED
    request.response_note = note.strip()
    request.answered_by = actor
    request.answered_at = timezone.now()
    _save(request, "status", "response_note", "answered_by", "answered_at")
    _event(
        request,
        DocumentRequestEventKind.ANSWERED,
        actor,
        text=request.response_note,
        evidence=evidence,
    )
    Auditor(actor).record(
        action="document_request.answer",
        obj=request,
        organisation=request.application.organisation,
        after={"note": request.response_note, "evidence": str(evidence.pk), "round": request.round},
    )


def _reviewer_only(actor: User) -> None:
    if not can_review(actor):
        raise PermissionError("Only NHS England reviewers can decide on a document request")


@transaction.atomic
def document_request_ask_again(
    *,
    request: DocumentRequest,
    actor: User,
    reason: str,
    due_date: date,
    expected_version: int,
) -> None:
    """Send an answered request back to the organisation with the reason it reads (required)
    and a due date (the same one, or a new one): the request is open again, in its next round,
    and the organisation's members are emailed. The file they sent stays in the history."""
    _reviewer_only(actor)
    reason = reason.strip()
    if not reason:
        raise ValueError("Asking again needs a reason the organisation can read")
    request = _locked_request(request, expected_version)
    if request.status != DocumentRequestStatus.ANSWERED:
        raise StaleRequest
    before = {"status": request.status, "due_date": request.due_date.isoformat()}
    request.status = DocumentRequestStatus.OPEN
    request.due_date = due_date
    request.round += 1
    _save(request, "status", "due_date", "round")
    _event(request, DocumentRequestEventKind.ASKED_AGAIN, actor, text=reason, due_date=due_date)
    Auditor(actor).record(
        action="document_request.ask_again",
        obj=request,
        organisation=request.application.organisation,
        before=before,
        after={
            "status": request.status,
            "due_date": due_date.isoformat(),
            "round": request.round,
            "reason": reason,
        },
    )
    notice_document_asked_again(application=request.application, request=request, reason=reason)


def _close(
    request: DocumentRequest,
    actor: User,
    kind: DocumentRequestEventKind,
    allowed: set[str],
    expected_version: int,
) -> None:
    _reviewer_only(actor)
    request = _locked_request(request, expected_version)
    if request.status not in allowed:
        raise StaleRequest
    evidence = None
    if kind == DocumentRequestEventKind.ACCEPTED:
        evidence = document_request_answer_file(request)
        problem = document_request_cannot_accept(evidence)
        if problem:
            raise DecisionRefused(problem)
    before = request.status
    request.status = DocumentRequestStatus(kind.value)
    request.closed_by = actor
    request.closed_at = timezone.now()
    _save(request, "status", "closed_by", "closed_at")
    _event(request, kind, actor, evidence=evidence)
    Auditor(actor).record(
        action=f"document_request.{kind.value}",
        obj=request,
        organisation=request.application.organisation,
        before={"status": before},
        after={"status": request.status, **({"evidence": str(evidence.pk)} if evidence else {})},
    )


@transaction.atomic
def document_request_accept(
    *, request: DocumentRequest, actor: User, expected_version: int
) -> None:
    """Accept the file of the latest answer. Refused (``DecisionRefused``, saying why) unless the
    request is answered, unchanged since the reviewer's page, and the file has passed its
    malware check (``document_request_cannot_accept``)."""
    _close(
        request,
        actor,
        DocumentRequestEventKind.ACCEPTED,
        {DocumentRequestStatus.ANSWERED},
        expected_version,
    )


@transaction.atomic
def document_request_withdraw(
    *, request: DocumentRequest, actor: User, expected_version: int
) -> None:
    """Withdraw an open or answered request; refused when it changed since the reviewer's page
    (withdrawing an answer the reviewer has not seen would throw it away unseen)."""
    _close(
        request,
        actor,
        DocumentRequestEventKind.WITHDRAWN,
        {DocumentRequestStatus.OPEN, DocumentRequestStatus.ANSWERED},
        expected_version,
    )
