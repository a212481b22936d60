"""Document requests: NHS England asks an organisation for a document at any time, before or
after approval (the source names the Clinical Safety Case Report and the hazard log), and the
organisation answers it. Each change is audited."""

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
from evidence.models import EvidenceFile
from evidence.services import evidence_store
from evidence.upload import Received

from .models import DocumentRequest, DocumentRequestStatus
from .notices import notice_document_requested
from .review import DecisionRefused, StaleDecision
from .transitions import stage2_touch

TITLE_MAX = 200
NOTE_MAX = 2000
STALE_REQUEST = "This request has changed since you opened the page. Check the request again"


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
    Auditor(actor).record(
        action="document_request.create",
        obj=request,
        organisation=application.organisation,
        after={"title": request.title, "due_date": due_date.isoformat()},
    )
    stage2_touch(application)
    notice_document_requested(application=application, request=request)
    return request


def _locked_request(request: DocumentRequest) -> DocumentRequest:
    application_lock(request.application)
    return DocumentRequest.objects.select_related("application__organisation").get(pk=request.pk)


def document_request_purpose(request: DocumentRequest) -> str:
    """The evidence purpose under which a request's files are kept."""
    return f"document_request:{request.pk}"


def document_request_answer(
    *, request: DocumentRequest, actor: User, note: str, received: Received
) -> EvidenceFile:
    """The organisation answers an open request with a file (and, if it likes, a note).

    The file is judged, scanned and stored first, outside a transaction (the scan is slow), by
    ``evidence_store``, which raises ``EvidenceRefused`` with the design system's message; only a
    file that passed answers the request."""
    if not is_member_of(actor, request.application.organisation):
        received.discard()
        raise PermissionError("Only members of the organisation can answer")
    if request.status != DocumentRequestStatus.OPEN:
        received.discard()
        raise DecisionRefused(STALE_REQUEST)
    evidence = evidence_store(
        application=request.application,
        purpose=document_request_purpose(request),
        received=received,
        actor=actor,
    )
    _answer(request, actor, note, evidence)
    return evidence


@transaction.atomic
def _answer(request: DocumentRequest, actor: User, note: str, evidence: EvidenceFile) -> None:
    request = _locked_request(request)
    if request.status != DocumentRequestStatus.OPEN:
        # Answered in another tab meanwhile: the file is kept as a revision all the same.
        raise DecisionRefused(STALE_REQUEST)
    request.status = DocumentRequestStatus.ANSWERED
    request.response_note = note.strip()
    request.answered_by = actor
    request.answered_at = timezone.now()
    request.save(update_fields=["status", "response_note", "answered_by", "answered_at"])
    Auditor(actor).record(
        action="document_request.answer",
        obj=request,
        organisation=request.application.organisation,
        after={"note": request.response_note, "evidence": str(evidence.pk)},
    )


def _close(
    request: DocumentRequest, actor: User, status: str, allowed: set[str], seen_status: str
) -> None:
    if not can_review(actor):
        raise PermissionError("Only NHS England reviewers can close a request")
    request = _locked_request(request)
    # The status the reviewer's page showed: withdrawing a request the organisation has answered
    # since would throw their answer away unseen.
    if request.status not in allowed or request.status != seen_status:
        raise DecisionRefused(STALE_REQUEST)
    before = request.status
    request.status = status
    request.closed_by = actor
    request.closed_at = timezone.now()
    request.save(update_fields=["status", "closed_by", "closed_at"])
    Auditor(actor).record(
        action=f"document_request.{status}",
        obj=request,
        organisation=request.application.organisation,
        before={"status": before},
        after={"status": status},
    )


@transaction.atomic
def document_request_accept(*, request: DocumentRequest, actor: User, seen_status: str) -> None:
    _close(
        request,
        actor,
        DocumentRequestStatus.ACCEPTED,
        {DocumentRequestStatus.ANSWERED},
        seen_status,
    )


@transaction.atomic
def document_request_withdraw(*, request: DocumentRequest, actor: User, seen_status: str) -> None:
    _close(
        request,
        actor,
        DocumentRequestStatus.WITHDRAWN,
        {DocumentRequestStatus.OPEN, DocumentRequestStatus.ANSWERED},
        seen_status,
    )
