"""The audit log for administrators (issue 26): entries newest first, paged and filtered, one
entry on its own page, and the filtered list as CSV, streamed. Views parse the filters, call
accounts.audit_log and render."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from core.text import clean_text
from questionnaire.engine.answers import parse_date_input

from . import audit_log
from .refusals import administrator_required

DATES = {"from": "Date from", "to": "Date to"}


def filters_parse(
    data: Any,
) -> tuple[audit_log.AuditFilters, dict[str, str], dict[str, list[str]]]:
    """The filters asked for, the date errors by field (a date with an error is not used) and
    which parts of each date are wrong."""
    errors: dict[str, str] = {}
    parts: dict[str, list[str]] = {}
    days: dict[str, date | None] = {}
    for prefix, name in DATES.items():
        days[prefix] = None
        if not any(
            str(data.get(f"{prefix}-{part}", "")).strip() for part in ("day", "month", "year")
        ):
            continue
        parsed = parse_date_input(
            {key: str(value) for key, value in data.items()},
            prefix=prefix,
            name=name,
            required_error=f"Enter the {name.lower()}",
            today=timezone.localdate(),
            must_be="past",
        )
        for error in parsed.errors:
            errors[prefix] = error.message
            parts[prefix] = sorted(error.date_parts)
        if parsed.value is not None:
            days[prefix] = date.fromisoformat(parsed.value["value"])
    if days["from"] and days["to"] and days["to"] < days["from"]:
        errors["to"] = "Date to must be the same as or after date from"
        parts["to"] = ["day", "month", "year"]
        days["to"] = None
    filters = audit_log.AuditFilters(
        who=" ".join(str(data.get("who", "")).split()),
        organisation=str(data.get("organisation", "")),
        application=" ".join(str(data.get("application", "")).split()),
        action=str(data.get("action", "")),
        date_from=days["from"],
        date_to=days["to"],
    )
    return filters, errors, parts


@require_GET
def audit_log_page(request: HttpRequest) -> HttpResponse:
    administrator_required(request.user)
    filters, errors, parts = filters_parse(request.GET)
    page, rows = audit_log.audit_page(
        user=request.user, filters=filters, page=str(request.GET.get("page", "1"))
    )
    actions, organisations = audit_log.audit_choices(request.user)
    return render(
        request,
        "accounts/admin/audit_log.jinja",
        {
            "page_title": "Audit log",
            "back_url": "/administration",
            "filters": filters,
            "data": request.GET,
            "query": audit_log.filters_query(filters, request.GET),
            "page": page,
            "rows": rows,
            "actions": actions,
            "organisations": organisations,
            "field_errors": errors,
            "date_parts": parts,
            "errors": [
                {"text": text, "href": f"#{prefix}-{parts[prefix][0]}"}
                for prefix, text in errors.items()
            ],
            "full_width": True,
        },
        status=400 if errors else 200,
    )


@require_GET
def audit_entry(request: HttpRequest, sequence: int) -> HttpResponse:
    administrator_required(request.user)
    row, changed = audit_log.audit_entry(user=request.user, sequence=sequence)
    return render(
        request,
        "accounts/admin/audit_entry.jinja",
        {
            "page_title": f"Audit entry {row.entry.sequence}",
            "back_url": "/administration/audit-log",
            "row": row,
            "changes": changed,
            "has_before": any(before for _, before, _ in changed),
        },
    )


def csv_cell(value: str) -> str:
    """Cleaned of control characters, then never a formula in a spreadsheet (CSV injection): a
    cell starting with = + - @ (or a tab or carriage return) is prefixed with '."""
    value = clean_text(value)
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


class _Echo:
    def write(self, value: str) -> str:
        return value


@require_GET
def audit_log_csv(request: HttpRequest) -> StreamingHttpResponse:
    administrator_required(request.user)
    filters, _, _ = filters_parse(request.GET)
    name = f"audit-log-{timezone.localdate():%Y-%m-%d}.csv"
    # The log as it was when asked for: the download's own entry is the next.
    download = audit_log.audit_csv_download_record(user=request.user, filters=filters, name=name)
    rows = audit_log.audit_csv_rows(user=request.user, filters=filters, before=download.sequence)
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield "\ufeff" + writer.writerow(audit_log.CSV_HEADINGS)
        for row in rows:
            yield writer.writerow([csv_cell(cell) for cell in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
