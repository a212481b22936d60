"""FHIR R4 downloads (ADR 0025): a questionnaire version as a Questionnaire, and an
application's latest submission as a QuestionnaireResponse (for its members here, for NHS
England through review.views)."""

import json
import uuid
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from applications.models import Application
from applications.selectors import application_get_for_member
from workflow.selectors import submission_latest

from . import definitions
from .engine.errors import DefinitionError
from .fhir import questionnaire_resource, questionnaire_response_resource

FHIR_JSON = "application/fhir+json; charset=utf-8"


def fhir_download(resource: dict[str, Any], filename: str) -> HttpResponse:
    response = HttpResponse(
        json.dumps(resource, indent=2, ensure_ascii=False), content_type=FHIR_JSON
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def submission_fhir_download(application: Application) -> HttpResponse:
    """The application's latest submission as a FHIR QuestionnaireResponse, or 404 before any."""
    submission = submission_latest(application)
    if submission is None:
        raise Http404("Not submitted yet")
    version = submission.snapshot["questionnaire"]
    definition = definitions.definition_for(version["id"], version["version"])
    return fhir_download(
        questionnaire_response_resource(definition, submission.snapshot),
        f"{application.reference}-submission-{submission.number}.fhir.json",
    )


@require_GET
def definition_fhir(request: HttpRequest, definition_id: str, version: int) -> HttpResponse:
    try:
        definition = definitions.definition_for(definition_id, version)
    except DefinitionError as exc:
        raise Http404("No such questionnaire version") from exc
    return fhir_download(
        questionnaire_resource(definition), f"{definition.id}-v{definition.version}.fhir.json"
    )


@require_GET
def response_fhir(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    application = application_get_for_member(user=request.user, application_id=application_id)
    return submission_fhir_download(application)
