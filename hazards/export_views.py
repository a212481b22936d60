"""The hazard log downloaded as CSV or XLSX, by members of the organisation and by NHS England
staff who may review the application; each download audited."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from applications.models import Application
from applications.selectors import application_get_for_user
from applications.services import application_download_record

from .models import Hazard
from .selectors import hazards_of
from .table import hazards_csv, hazards_xlsx


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
