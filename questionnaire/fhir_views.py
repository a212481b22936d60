"""FHIR R4 downloads (ADR 0025): a questionnaire version as a Questionnaire, and an
application's latest submission as a QuestionnaireResponse (for its members here, for NHS
England through review.views)."""

import json
import uuid
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from accounts.models import User
from applications.models import Application
from applications.selectors import application_get_for_member
from applications.services import application_download_record
from core.text import clean_strings
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


def submission_fhir_resource(application: Application) -> dict[str, Any]:
    """The application's latest submission as a FHIR QuestionnaireResponse, or 404 before any
    (for the pages' downloads and the API)."""
    submission = submission_latest(application)
    if submission is None:
        raise Http404("Not submitted yet")
    version = submission.snapshot["questionnaire"]
    definition = definitions.definition_for(version["id"], version["version"])
    # FHIR strings hold no control characters but tab and line breaks: the snapshot is cleaned
    # as it is written out (ADR 0007), whatever was stored before the importers cleaned.
    return clean_strings(questionnaire_response_resource(definition, submission.snapshot))


def submission_fhir_download(application: Application, actor: User) -> HttpResponse:
    """The latest submission's QuestionnaireResponse as a file, its download audited."""
    resource = submission_fhir_resource(application)
    number = resource["identifier"]["value"].rsplit("/", 1)[1]
    name = f"{application.reference}-submission-{number}.fhir.json"
    application_download_record(
        application=application,
        actor=actor,
        action="submission_fhir.download",
        name=name,
        details={"submission": int(number)},
    )
    return fhir_download(resource, name)


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
    return submission_fhir_download(application, request.user)
