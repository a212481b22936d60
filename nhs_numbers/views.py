"""The NHS number checker's page: choose a CSV, see the report. Nothing of the file is kept."""

from __future__ import annotations

import uuid

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from evidence.refusals import SELECT_A_FILE, EvidenceRefused, size_in_words
from evidence.scanning import scanner_configured

from .checking import MAX_LISTED
from .selectors import controller_application_get_for_member
from .services import nhs_number_check_record
from .upload import (
    FILE_FIELD,
    NHS_NUMBER_FILE_MAX_BYTES,
    CheckedFile,
    checked_file,
    nhs_number_check_view,
)


@nhs_number_check_view
@require_http_methods(["GET", "POST"])
def nhs_number_check(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    application = controller_application_get_for_member(
        user=request.user, application_id=application_id
    )
    error = ""
    checked: CheckedFile | None = None
    if request.method == "POST":
        try:
            checked = checked_file(request)
        except EvidenceRefused as refused:
            error = refused.message
            if refused.message != SELECT_A_FILE:
                nhs_number_check_record(
                    application=application,
                    actor=request.user,
                    report=None,
                    refusal_reason=refused.reason,
                )
        else:
            nhs_number_check_record(
                application=application,
                actor=request.user,
                report=checked.report,
                size=checked.size,
            )
    return render(
        request,
        "nhs_numbers/check.jinja",
        {
            "page_title": "Check a file of NHS numbers",
            "errors": [{"text": error, "href": f"#{FILE_FIELD}"}] if error else [],
            "back_url": reverse("applications:detail", kwargs={"application_id": application.pk}),
            "application": application,
            "file_field": FILE_FIELD,
            "error": error,
            "checked": checked,
            "max_size": size_in_words(NHS_NUMBER_FILE_MAX_BYTES),
            "max_listed": MAX_LISTED,
            "scanner_configured": scanner_configured(),
        },
        status=400 if error else 200,
    )
