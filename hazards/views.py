"""The hazard log's pages: the applicant's (the table and its import, which log the answer speaks
of, the CSO's approval) and NHS England's (the log with the application). One hazard's form is in
hazard_views, the downloads in export_views. Views parse, call a service or selector, render."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import User, normalise_email
from accounts.refusals import not_a_reviewer, not_the_lead
from accounts.rules import can_review, is_applicant, is_onboarding_lead
from applications.models import Application
from evidence.refusals import EvidenceRefused, size_in_words
from evidence.upload import receive_file
from workflow.applicant import attestations as attestations_workflow
from workflow.applicant import hazard_log as log_rules

from .lock import HazardLogLocked, hazard_log_change_refusal
from .models import Hazard, HazardLog, LogSource
from .selectors import (
    hazard_application_get_for_member,
    hazard_application_get_for_reviewer,
    hazard_log_of,
    hazard_rows,
    hazards_of,
)
from .services import (
    LOG_CHANGED,
    NOT_THE_CSO,
    HazardApprovalRefused,
    HazardImportRefused,
    approval_problems,
    hazard_log_approve,
    hazard_log_change_refused,
    hazard_log_import,
    hazard_log_source_set,
)
from .upload import (
    FILE_FIELD,
    HAZARD_LOG_MAX_BYTES,
    hazard_log_upload_view,
    received_csv_bytes,
)

ROWS_IN_ERROR = (
    "The file has errors: nothing was imported. Correct the rows listed and import it again"
)
LOG_CHANGED_ON_PAGE = (
    "The hazard log changed since you loaded this page: it has not been approved. Check the "
    "hazards and approve the log again"
)


def _context(application: Application, log: HazardLog | None, hazards: list[Hazard]) -> dict:
    return {
        "application": application,
        "log": log,
        "rows": hazard_rows(hazards),
        "full_width": True,
    }


def locked_page(
    request: HttpRequest,
    application: Application,
    reason: str,
    page_title: str = "Hazard log",
    hazard: Hazard | None = None,
) -> HttpResponse:
    """The hazard log cannot change now (ADR 0048): the page asked for, why in the applicant's
    words, and no form; a change posted gets 409 Conflict and is told nothing was saved."""
    return render(
        request,
        "hazards/locked.jinja",
        {
            "application": application,
            "page_title": page_title,
            "hazard": hazard,
            "reason": reason,
            "not_saved": request.method == "POST",
            "back_url": reverse("hazards:log", kwargs={"application_id": application.pk}),
        },
        status=409 if request.method == "POST" else 200,
    )


def change_refusal(request: HttpRequest, application: Application, attempted: str) -> str:
    """Why the hazard log cannot change now, or "": a change posted is refused and audited
    (ADR 0048); a form only asked for is not a change."""
    if request.method == "POST":
        return hazard_log_change_refused(
            application=application, actor=request.user, attempted=attempted
        )
    return hazard_log_change_refusal(application)


def _approval_context(
    application: Application,
    log: HazardLog | None,
    hazards: list[Hazard],
    user: User,
    locked_reason: str,
) -> dict[str, Any]:
    """Who can approve the log and whether they have been asked (ADR 0045), which log the
    answer speaks of, and why the log cannot change now, if it cannot (ADR 0048)."""
    problems = (
        approval_problems(application, hazards, user, log)
        if hazards and (log is None or not log.is_approved)
        else []
    )
    cso = application.key_personnel.filter(role="cso").first()
    source = log.answer_source if log is not None else LogSource.FILE
    return {
        "approval_problems": problems,
        "other_problems": [p for p in problems if p != NOT_THE_CSO],
        "cso": cso,
        "is_cso": cso is not None and normalise_email(cso.email) == normalise_email(user.email),
        "asked": log is not None and log_rules.approval_asked(application, log.version),
        # Only the onboarding lead, while the answer can change, says which log (ADR 0045).
        "can_set_source": is_onboarding_lead(user) and not locked_reason,
        "locked_reason": locked_reason,
        "source_label": LogSource(source).label,
        "sources": [
            {"value": value, "text": label, "checked": value == source}
            for value, label in LogSource.choices
        ],
    }


@hazard_log_upload_view
@require_http_methods(["GET", "POST"])
def hazard_log(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    application = hazard_application_get_for_member(
        user=request.user, application_id=application_id
    )
    errors: list[dict[str, str]] = []
    row_errors = []
    if request.method == "POST":  # refused before the file is received
        reason = hazard_log_change_refused(
            application=application, actor=request.user, attempted="import"
        )
        if reason:
            return locked_page(request, application, reason)
    locked_reason = hazard_log_change_refusal(application)
    if request.method == "POST":
        try:
            received = receive_file(request, FILE_FIELD)
            assert received is not None
            data = received_csv_bytes(received)
            count = hazard_log_import(application=application, data=data, actor=request.user)
        except HazardLogLocked as refused:  # it became so since the check above
            return locked_page(request, application, refused.reason)
        except EvidenceRefused as refused:
            errors = [{"text": refused.message, "href": f"#{FILE_FIELD}"}]
        except HazardImportRefused as refused:
            row_errors = refused.errors
            errors = [
                {"text": f"Row {e.row}: {e.message}", "href": f"#{FILE_FIELD}"}
                for e in refused.errors[:50]
            ]
        else:
            messages.success(
                request, f"{count} hazard{'' if count == 1 else 's'} imported. Nothing else changed"
            )
            return redirect("hazards:log", application_id=application.pk)
    hazards = hazards_of(application)
    log = hazard_log_of(application)
    return render(
        request,
        "hazards/log.jinja",
        {
            **_context(application, log, hazards),
            "page_title": "Hazard log",
            "back_url": reverse("applications:detail", kwargs={"application_id": application.pk}),
            "errors": errors,
            "row_errors": row_errors,
            "file_field": FILE_FIELD,
            "file_error": ROWS_IN_ERROR if row_errors else (errors[0]["text"] if errors else ""),
            "max_size": size_in_words(HAZARD_LOG_MAX_BYTES),
            **_approval_context(application, log, hazards, request.user, locked_reason),
        },
        status=400 if errors else 200,
    )


@require_POST
def hazard_log_approve_view(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    application = hazard_application_get_for_member(
        user=request.user, application_id=application_id
    )
    # The version the page showed (ADR 0045): a log changed since, in another tab or by someone
    # else, is refused rather than approved unseen.
    shown = request.POST.get("version", "")
    try:
        approved = hazard_log_approve(
            application=application,
            actor=request.user,
            version=int(shown) if shown.isdigit() else 0,
        )
    except HazardApprovalRefused as refused:
        for reason in refused.reasons:
            messages.error(request, LOG_CHANGED_ON_PAGE if reason == LOG_CHANGED else reason)
    else:
        if approved.changed:
            messages.success(request, "The hazard log has been approved")
    return redirect("hazards:log", application_id=application.pk)


@require_POST
def hazard_log_ask_approval(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    """The lead asks the named CSO to approve the log as it is now, in her one request."""
    application = hazard_application_get_for_member(
        user=request.user, application_id=application_id
    )
    try:
        attestation, emailed = attestations_workflow.hazard_log_approval_ask(
            application=application, actor=request.user
        )
    except attestations_workflow.AttestationRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request,
            f"We have asked {attestation.full_name} to approve the hazard log"
            + (
                ": we emailed them a link"
                if emailed
                else ". It is added to the request they already have a link to"
            ),
        )
    return redirect("hazards:log", application_id=application.pk)


@require_POST
def hazard_log_source(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    """Record which log the answer to the hazard log question speaks of: the onboarding lead,
    while the answers can change (ADR 0045); anyone else, or later, is refused."""
    application = hazard_application_get_for_member(
        user=request.user, application_id=application_id
    )
    if not is_onboarding_lead(request.user):
        raise not_the_lead(request.user, doing="choose which hazard log the answer speaks of")
    locked_reason = change_refusal(request, application, "answer_source")
    if locked_reason:
        return locked_page(request, application, locked_reason)
    source = request.POST.get("source", "")
    if source not in LogSource.values:
        messages.error(request, "Select which hazard log your answer speaks of")
    else:
        try:
            hazard_log_source_set(application=application, source=source, actor=request.user)
        except HazardLogLocked as refused:
            return locked_page(request, application, refused.reason)
        messages.success(request, f"Your answer speaks of: {LogSource(source).label.lower()}")
    return redirect("hazards:log", application_id=application.pk)


@require_GET
def hazard_log_review(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    if is_applicant(request.user):  # told it is NHS England's page, before any lookup
        raise not_a_reviewer(request.user)
    application = hazard_application_get_for_reviewer(
        user=request.user, application_id=application_id
    )
    assert can_review(request.user)
    hazards = hazards_of(application)
    return render(
        request,
        "hazards/review.jinja",
        {
            **_context(application, hazard_log_of(application), hazards),
            "page_title": f"Hazard log – {application.reference}",
            "back_url": reverse("review:application", kwargs={"application_id": application.pk}),
        },
    )
