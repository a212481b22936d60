"""The hazard log's pages: the applicant's (the table, import, export, the CSO's approval) and
NHS England's (the log with the application). Views parse, call a service or selector, render."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.rules import can_review
from applications.models import Application
from applications.selectors import application_get_for_user
from evidence.refusals import EvidenceRefused, size_in_words
from evidence.upload import receive_file

from .models import Hazard, HazardLog
from .risk import RISK_NEEDS_JUSTIFICATION, risk_tag
from .selectors import (
    hazard_application_get_for_member,
    hazard_application_get_for_reviewer,
    hazard_log_of,
    hazards_of,
)
from .services import (
    HazardApprovalRefused,
    HazardImportRefused,
    approval_problems,
    hazard_log_approve,
    hazard_log_import,
)
from .table import hazards_csv, hazards_xlsx
from .upload import (
    FILE_FIELD,
    HAZARD_LOG_MAX_BYTES,
    hazard_log_upload_view,
    received_csv_bytes,
)

ROWS_IN_ERROR = (
    "The file has errors: nothing was imported. Correct the rows listed and import it again"
)


def _rows(hazards: list[Hazard]) -> list[dict[str, object]]:
    return [
        {
            "hazard": h,
            "initial_tag": risk_tag(h.initial_risk),
            "residual_tag": risk_tag(h.residual_risk),
            "needs_justification": h.residual_risk >= RISK_NEEDS_JUSTIFICATION
            and not h.justification.strip(),
        }
        for h in hazards
    ]


def _context(application: Application, log: HazardLog | None, hazards: list[Hazard]) -> dict:
    return {
        "application": application,
        "log": log,
        "rows": _rows(hazards),
        "full_width": True,
    }


@hazard_log_upload_view
@require_http_methods(["GET", "POST"])
def hazard_log(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    application = hazard_application_get_for_member(
        user=request.user, application_id=application_id
    )
    errors: list[dict[str, str]] = []
    row_errors = []
    if request.method == "POST":
        try:
            received = receive_file(request, FILE_FIELD)
            assert received is not None
            data = received_csv_bytes(received)
            count = hazard_log_import(application=application, data=data, actor=request.user)
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
            "approval_problems": approval_problems(application, hazards, request.user)
            if hazards and (log is None or log.approved_at is None)
            else [],
        },
        status=400 if errors else 200,
    )


@require_POST
def hazard_log_approve_view(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    application = hazard_application_get_for_member(
        user=request.user, application_id=application_id
    )
    try:
        approved = hazard_log_approve(application=application, actor=request.user)
    except HazardApprovalRefused as refused:
        for reason in refused.reasons:
            messages.error(request, reason)
    else:
        if approved.changed:
            messages.success(request, "The hazard log has been approved")
    return redirect("hazards:log", application_id=application.pk)


def _export_application(request: HttpRequest, application_id: uuid.UUID) -> Application:
    # Members of the organisation, and NHS England staff for an application they can review.
    return application_get_for_user(user=request.user, application_id=application_id)


@require_GET
def hazard_log_csv(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    application = _export_application(request, application_id)
    response = HttpResponse(hazards_csv(hazards_of(application)), content_type="text/csv")
    response["Content-Disposition"] = (
        f'attachment; filename="hazard-log-{application.reference}.csv"'
    )
    return response


@require_GET
def hazard_log_xlsx(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    application = _export_application(request, application_id)
    response = HttpResponse(
        hazards_xlsx(hazards_of(application)),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="hazard-log-{application.reference}.xlsx"'
    )
    return response


@require_GET
def hazard_log_review(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
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
