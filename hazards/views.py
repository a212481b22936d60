"""The hazard log's pages: the applicant's (the table, import, export, the CSO's approval) and
NHS England's (the log with the application). Views parse, call a service or selector, render."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.rules import can_review
from applications.models import Application
from applications.selectors import application_get_for_user
from applications.services import application_download_record
from evidence.refusals import EvidenceRefused, size_in_words
from evidence.upload import receive_file

from .models import Hazard, HazardLog
from .risk import RISK_NEEDS_JUSTIFICATION, risk_tag
from .selectors import (
    hazard_application_get_for_member,
    hazard_application_get_for_reviewer,
    hazard_get,
    hazard_log_of,
    hazards_of,
)
from .services import (
    FIELDS,
    HazardApprovalRefused,
    HazardImportRefused,
    HazardInvalid,
    StaleHazard,
    approval_problems,
    hazard_add,
    hazard_change,
    hazard_log_approve,
    hazard_log_import,
    hazard_remove,
    hazard_values,
)
from .table import LIKELIHOODS, SEVERITIES, STATUSES, hazards_csv, hazards_xlsx
from .upload import (
    FILE_FIELD,
    HAZARD_LOG_MAX_BYTES,
    hazard_log_upload_view,
    received_csv_bytes,
)

ROWS_IN_ERROR = (
    "The file has errors: nothing was imported. Correct the rows listed and import it again"
)
STALE_HAZARD = (
    "Someone else in your organisation changed this hazard while you were working on it. "
    "Check the hazard and save it to keep your version"
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


def _radio_items(options: tuple[str, ...], chosen: str) -> list[dict[str, Any]]:
    return [{"value": value, "text": value, "checked": value == chosen} for value in options]


def _form(
    request: HttpRequest,
    application: Application,
    *,
    data: dict[str, str],
    problems: dict[str, str],
    hazard: Hazard | None = None,
    version: int | None = None,
    stale: bool = False,
) -> HttpResponse:
    """The hazard form, to add one (`hazard` None) or change one."""
    if stale:  # shown on the form's first field, as the questionnaire shows a stale answer
        problems = {"reference": STALE_HAZARD}
    # A radios' first item has the field's name as its id (the NHS.UK macro's idPrefix).
    errors = [{"text": text, "href": f"#{field}"} for field, text in problems.items()]
    title = "Add a hazard" if hazard is None else f"Change hazard {hazard.reference}"
    return render(
        request,
        "hazards/hazard_form.jinja",
        {
            "application": application,
            "hazard": hazard,
            "page_title": title,
            "back_url": reverse("hazards:log", kwargs={"application_id": application.pk}),
            "data": data,
            "version": version,
            "field_errors": problems,
            "errors": errors,
            "items": {
                "initial_likelihood": _radio_items(LIKELIHOODS, data["initial_likelihood"]),
                "initial_severity": _radio_items(SEVERITIES, data["initial_severity"]),
                "residual_likelihood": _radio_items(LIKELIHOODS, data["residual_likelihood"]),
                "residual_severity": _radio_items(SEVERITIES, data["residual_severity"]),
                "status": _radio_items(STATUSES, data["status"]),
            },
        },
        status=400 if errors else 200,
    )


def _posted(request: HttpRequest) -> dict[str, str]:
    return {name: request.POST.get(name, "") for name in FIELDS}


def _posted_version(request: HttpRequest) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return -1


@require_http_methods(["GET", "POST"])
def hazard_add_view(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    application = hazard_application_get_for_member(
        user=request.user, application_id=application_id
    )
    data = {name: "" for name in FIELDS}
    problems: dict[str, str] = {}
    if request.method == "POST":
        data = _posted(request)
        try:
            hazard = hazard_add(application=application, values=data, actor=request.user)
        except HazardInvalid as refused:
            problems = refused.problems
        else:
            messages.success(request, f"Hazard {hazard.reference} added")
            return redirect("hazards:log", application_id=application.pk)
    return _form(request, application, data=data, problems=problems)


@require_http_methods(["GET", "POST"])
def hazard_change_view(
    request: HttpRequest, application_id: uuid.UUID, hazard_id: uuid.UUID
) -> HttpResponse:
    application = hazard_application_get_for_member(
        user=request.user, application_id=application_id
    )
    hazard = hazard_get(application=application, hazard_id=hazard_id)
    data = hazard_values(hazard)
    version = hazard.version
    problems: dict[str, str] = {}
    stale = False
    if request.method == "POST":
        data = _posted(request)
        try:
            changed = hazard_change(
                application=application,
                hazard_id=hazard.pk,
                values=data,
                expected_version=_posted_version(request),
                actor=request.user,
            )
        except Hazard.DoesNotExist:  # removed, or replaced by an import, since it was read
            raise Http404 from None
        except HazardInvalid as refused:
            problems = refused.problems
        except StaleHazard as refused:
            # The form keeps what was typed, now against the hazard as it is: saving it again
            # is a choice made knowing someone else changed it.
            stale = True
            hazard = refused.current
            version = refused.current.version
        else:
            if changed:
                messages.success(request, f"Hazard {data['reference'].strip()} changed")
            return redirect("hazards:log", application_id=application.pk)
    return _form(
        request,
        application,
        data=data,
        problems=problems,
        hazard=hazard,
        version=version,
        stale=stale,
    )


@require_http_methods(["GET", "POST"])
def hazard_remove_view(
    request: HttpRequest, application_id: uuid.UUID, hazard_id: uuid.UUID
) -> HttpResponse:
    application = hazard_application_get_for_member(
        user=request.user, application_id=application_id
    )
    hazard = hazard_get(application=application, hazard_id=hazard_id)
    if request.method == "POST":
        try:
            hazard_remove(application=application, hazard_id=hazard.pk, actor=request.user)
        except Hazard.DoesNotExist:
            raise Http404 from None
        messages.success(request, f"Hazard {hazard.reference} removed")
        return redirect("hazards:log", application_id=application.pk)
    return render(
        request,
        "hazards/hazard_remove.jinja",
        {
            "application": application,
            "hazard": hazard,
            "page_title": f"Are you sure you want to remove hazard {hazard.reference}?",
            "back_url": reverse("hazards:log", kwargs={"application_id": application.pk}),
        },
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


def _export(request: HttpRequest, application_id: uuid.UUID, ext: str) -> HttpResponse:
    """The hazard log as CSV or XLSX, its download audited (who, which file, how many rows)."""
    application = _export_application(request, application_id)
    hazards = hazards_of(application)
    name = f"hazard-log-{application.reference}.{ext}"
    content, content_type = EXPORTS[ext]
    application_download_record(
        application=application,
        actor=request.user,
        action="hazard_log.download",
        name=name,
        details={"hazards": len(hazards)},
    )
    response = HttpResponse(content(hazards), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


EXPORTS: dict[str, tuple[Callable[[list[Hazard]], bytes], str]] = {
    "csv": (hazards_csv, "text/csv"),
    "xlsx": (
        hazards_xlsx,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
}


@require_GET
def hazard_log_csv(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    return _export(request, application_id, "csv")


@require_GET
def hazard_log_xlsx(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    return _export(request, application_id, "xlsx")


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
