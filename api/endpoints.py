"""The JSON API, version 1 (ADR 0024). Every read goes through the same selectors as the pages,
scoped to the token's user; nothing here widens what that user could see in a browser."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from django.http.request import RawPostDataException
from ninja import NinjaAPI, Query, Schema, Status
from ninja.errors import AuthenticationError, ValidationError

from accounts.rules import can_review, is_member_of
from applications.models import Application
from applications.selectors import application_get_for_user, applications_visible_to
from core.text import clean_text
from questionnaire import definitions
from questionnaire.engine.answers import MAIN_INPUT, parse_answer
from questionnaire.engine.errors import DefinitionError
from questionnaire.engine.journey import Journey
from questionnaire.engine.rules import evaluate
from questionnaire.engine.schema import QuestionKind
from questionnaire.fhir import questionnaire_resource
from questionnaire.fhir_views import submission_fhir_resource
from questionnaire.models import Response
from questionnaire.selectors import (
    answers_by_question,
    response_definition,
    response_for,
    response_journey,
)
from review.selectors import QueueFilters, queue_page
from workflow.applicant.declaration import declaration_for
from workflow.selectors import copied_unconfirmed, holds_all
from workflow.services import (
    AnswerNotEditable,
    DiscardNotConfirmed,
    QuestionNotAvailable,
    StaleAnswer,
    SubmitStatus,
    answer_save,
    stage2_submit,
)

from . import schemas
from .auth import RateLimited, TokenAuth

api = NinjaAPI(
    title="NIR Stage 2 Governance Assurance API",
    version="1",
    description=(
        "Applicants read their organisation's applications and the questionnaire; NHS England "
        "reviewers read the queue and any submitted application. Authenticate with a personal "
        "API token: `Authorization: Bearer nir_...`."
    ),
    auth=TokenAuth(),
    urls_namespace="api",
)


@api.exception_handler(RateLimited)
def _rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    response = api.create_response(
        request, {"detail": "Too many requests: try again later"}, status=429
    )
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(RawPostDataException)
def _not_json(request: HttpRequest, exc: RawPostDataException) -> HttpResponse:
    # A form-encoded or multipart body, already read as a form by the middleware: the API reads
    # JSON only.
    return api.create_response(request, {"detail": "Send the body as JSON"}, status=415)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": "Not found"}, status=404)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = api.create_response(
        request, {"detail": "Give a personal API token that is in date"}, status=401
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(RequestDataTooBig)
def _too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    # Over DATA_UPLOAD_MAX_MEMORY_SIZE, as a page's form would be.
    return api.create_response(request, {"detail": "The request is too large"}, status=413)


def _where(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """ninja names a body parameter inside the body (``body.body.version``): say it once."""
    return ("body", *loc[2:]) if loc[:2] == ("body", "body") else loc


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """A path, query or body the description refuses (a malformed UUID, a word for a number,
    JSON that does not parse): 422 in the same shape as an answer's problems, each naming where
    it is (``body.data.answer``) and what is wrong."""
    errors = [
        {
            "field": ".".join(str(part) for part in _where(tuple(error.get("loc", ())))),
            "input_id": "",
            "message": str(error.get("msg", "Invalid value")),
        }
        for error in exc.errors
    ]
    return api.create_response(request, {"detail": "Invalid request", "errors": errors}, status=422)


# Applications a page of GET /applications.
LIST_PAGE_SIZE = 500

AUTH_ERRORS: dict[int, Any] = {
    401: schemas.Error,
    404: schemas.Error,
    422: schemas.Problems,
    429: schemas.Error,
}


def _summary(application: Application) -> dict[str, Any]:
    return {
        "id": application.id,
        "reference": application.reference,
        "organisation": application.organisation.name,
        "ods_code": application.organisation.ods_code,
        "scope": application.scope,
        "role": application.role,
        "product_name": application.product_name,
        "product_version": application.product_version,
        "stage2_state": application.stage2_state,
        "stage2_submitted_at": application.stage2_submitted_at,
        "created_at": application.created_at,
    }


@api.get(
    "/applications",
    response={200: list[schemas.ApplicationSummary], **AUTH_ERRORS},
    summary="Applications you can see",
    tags=["applications"],
)
def applications_list(request: HttpRequest, page: Query[int] = 1) -> Any:
    """An applicant's organisation's applications; for NHS England, every submitted one. Newest
    first, LIST_PAGE_SIZE a page: ask for the next ``page`` until one comes back short."""
    if not 1 <= page <= 1_000_000:
        raise ValidationError([{"loc": ("query", "page"), "msg": "Page numbers run from 1"}])
    queryset = applications_visible_to(request.user).select_related("organisation")  # type: ignore[arg-type]
    start = (page - 1) * LIST_PAGE_SIZE
    return [
        _summary(a) for a in queryset.order_by("-created_at", "-pk")[start : start + LIST_PAGE_SIZE]
    ]


@api.get(
    "/applications/{application_id}",
    response={200: schemas.ApplicationDetail, **AUTH_ERRORS},
    summary="One application with its answers and Stage 2 timeline",
    tags=["applications"],
)
def application_detail(request: HttpRequest, application_id: uuid.UUID) -> Any:
    application = application_get_for_user(user=request.user, application_id=application_id)  # type: ignore[arg-type]
    try:
        response = response_for(application)
    except Response.DoesNotExist:
        answers: list[dict[str, Any]] = []
    else:
        answers = [
            {"question_id": qid, "version": a.version, "value": a.value}
            for qid, a in sorted(answers_by_question(response).items())
        ]
    timeline = [
        {
            "from_state": t.from_state,
            "to_state": t.to_state,
            "actor": (t.actor.full_name or t.actor.email) if t.actor else None,
            "reason": t.reason,
            "at": t.at,
        }
        for t in application.stage2_transitions.select_related("actor").order_by("at", "pk")
    ]
    holds = [
        {
            "origin": h.origin,
            "reason": h.reason,
            "action": h.action,
            "raised_at": h.raised_at,
            "lifted_at": h.lifted_at,
        }
        for h in holds_all(application)
    ]
    return {
        **_summary(application),
        "flagged": application.stage2_flagged,
        "answers": answers,
        "holds": holds,
        "timeline": timeline,
    }


@api.get(
    "/questionnaire",
    response={200: dict[str, Any], **AUTH_ERRORS},
    summary="The current questionnaire definition",
    tags=["questionnaire"],
)
def questionnaire_definition(request: HttpRequest) -> Any:
    return definitions.current_definition().model_dump(mode="json")


@api.get(
    "/questionnaires/{definition_id}/{version}/fhir",
    response={200: dict[str, Any], **AUTH_ERRORS},
    summary="A questionnaire version as a FHIR R4 Questionnaire",
    tags=["questionnaire"],
)
def questionnaire_fhir(request: HttpRequest, definition_id: str, version: int) -> Any:
    """The same resource as the page's download (ADR 0025); a QuestionnaireResponse names the
    version it answers in its ``questionnaire`` (``<url>|<version>``)."""
    try:
        definition = definitions.definition_for(definition_id, version)
    except DefinitionError as exc:
        raise Http404 from exc
    return questionnaire_resource(definition)


@api.get(
    "/applications/{application_id}/questionnaire-response/fhir",
    response={200: dict[str, Any], **AUTH_ERRORS},
    summary="The latest submission as a FHIR R4 QuestionnaireResponse (404 before any)",
    tags=["applications"],
)
def questionnaire_response_fhir(request: HttpRequest, application_id: uuid.UUID) -> Any:
    application = application_get_for_user(user=request.user, application_id=application_id)  # type: ignore[arg-type]
    return submission_fhir_resource(application)


class QueueQuery(Schema):
    state: str = ""
    role: str = ""
    scope: str = ""
    reviewer: str = ""
    flagged: str = ""
    q: str = ""
    page: int = 1


@api.get(
    "/review/queue",
    response={200: schemas.QueuePage, **AUTH_ERRORS},
    summary="NHS England's review queue (reviewers and administrators)",
    tags=["review"],
)
def review_queue(request: HttpRequest, filters: Query[QueueQuery]) -> Any:
    if not can_review(request.user):
        raise Http404
    page = queue_page(
        user=request.user,  # type: ignore[arg-type]
        filters=QueueFilters.from_query(filters.dict()),
        page_number=filters.page,
    )
    results = [
        {
            **_summary(a),
            "reviewer": (a.stage2_reviewer.full_name or a.stage2_reviewer.email)
            if a.stage2_reviewer
            else None,
            "flagged": a.stage2_flagged,
            "document_overdue": a.document_overdue,
        }
        for a in page.object_list
    ]
    return {
        "count": page.paginator.count,
        "page": page.number,
        "pages": page.paginator.num_pages,
        "results": results,
    }


# The pages' own words (questionnaire/views.py), so a client shows what a browser would.
STALE_ANSWER = (
    "Someone else in your organisation changed this answer while you were working on it. "
    "Check the answer and continue to save your version"
)
SUBMIT_REFUSED = {
    SubmitStatus.DECLARATION_CHANGED: "The declaration has changed since you opened this page. "
    "Read it again, then select Accept and send",
    SubmitStatus.NOT_READY: "You cannot submit yet. Put right the answers listed below",
}
COPIED_UNCONFIRMED = (
    "You cannot submit until you confirm the answers copied from an earlier application"
)
WRITE_ERRORS: dict[int, Any] = {
    **AUTH_ERRORS,
    400: schemas.Error,
    409: schemas.Problems,
    413: schemas.Error,
    415: schemas.Error,
}


def _member_application(request: HttpRequest, application_id: uuid.UUID) -> Application:
    application = application_get_for_user(user=request.user, application_id=application_id)  # type: ignore[arg-type]
    if not is_member_of(request.user, application.organisation):  # type: ignore[arg-type]
        raise Http404
    return application


@api.post(
    "/applications/{application_id}/answers/{question_id}",
    response={200: schemas.AnswerSaved, **WRITE_ERRORS},
    summary="Save one answer, checked as the question's page checks it",
    tags=["applications"],
)
def answer_put(
    request: HttpRequest, application_id: uuid.UUID, question_id: str, body: schemas.AnswerIn
) -> Any:
    """The same engine and service as the page: 422 with the page's error messages per field;
    409 when someone changed the answer since ``version``, when the change would discard other
    answers (send ``confirm_discard``), or when the answer cannot be changed now."""
    application = _member_application(request, application_id)
    try:
        definition = response_definition(response_for(application))
    except Response.DoesNotExist as exc:
        raise Http404 from exc
    question = definition.question_or_none(question_id)
    if question is None or question.kind is QuestionKind.FILE:
        raise Http404
    # Cleaned as the middleware cleans a page's form (ADR 0007): no NUL reaches the database.
    data = {clean_text(key): clean_text(value) for key, value in body.data.items()}
    parsed = parse_answer(question, data, definitions.today())
    if not parsed.is_valid or parsed.value is None:
        errors = [
            {"field": e.field, "input_id": e.input_id, "message": e.message} for e in parsed.errors
        ]
        return Status(422, {"detail": "There is a problem", "errors": errors})
    try:
        saved = answer_save(
            application=application,
            question_id=question_id,
            value=parsed.value,
            expected_version=body.version,
            actor=request.user,  # type: ignore[arg-type]
            discard_confirmed=body.confirm_discard,
        )
    except StaleAnswer:
        problem = {"field": "answer", "input_id": MAIN_INPUT, "message": STALE_ANSWER}
        return Status(409, {"detail": STALE_ANSWER, "errors": [problem]})
    except DiscardNotConfirmed as exc:
        return Status(
            409,
            {
                "detail": "This change removes other answers: send confirm_discard to go on",
                "discards": [q.id for q in exc.discarded],
            },
        )
    except (AnswerNotEditable, QuestionNotAvailable):
        return Status(409, {"detail": "This answer cannot be changed now"})
    return {
        "question_id": question_id,
        "version": saved.answer.version,
        "value": saved.answer.value,
        "paused": saved.paused,
    }


@api.get(
    "/applications/{application_id}/declaration",
    response={200: schemas.DeclarationOut, **AUTH_ERRORS},
    summary="The declaration you accept by submitting, and its SHA-256",
    tags=["applications"],
)
def declaration_get(request: HttpRequest, application_id: uuid.UUID) -> Any:
    application = _member_application(request, application_id)
    declaration = declaration_for(user=request.user, organisation=application.organisation)  # type: ignore[arg-type]
    return {"text": declaration.text, "sha256": declaration.digest}


@api.post(
    "/applications/{application_id}/submit",
    response={200: schemas.SubmitOut, **WRITE_ERRORS},
    summary="Submit Stage 2, accepting the declaration by its SHA-256",
    tags=["applications"],
)
def submit_post(request: HttpRequest, application_id: uuid.UUID, body: schemas.SubmitIn) -> Any:
    """Read the declaration first (GET .../declaration) and send back its ``sha256``: that is
    accepting it, as selecting Accept and send is on the page."""
    application = _member_application(request, application_id)
    status = stage2_submit(
        application=application,
        actor=request.user,  # type: ignore[arg-type]
        declaration_digest=body.declaration_sha256,
    )
    if status in (SubmitStatus.SUBMITTED, SubmitStatus.ALREADY_SUBMITTED):
        return {"status": str(status)}
    if status is SubmitStatus.NOT_READY:
        return Status(409, _not_ready(application))
    return Status(
        409, {"detail": SUBMIT_REFUSED.get(status, SUBMIT_REFUSED[SubmitStatus.NOT_READY])}
    )


def _not_ready(application: Application) -> dict[str, Any]:
    """What Check your answers lists under its refusal, in its words: the answers that stop or
    pause the submission, then the questions still to answer; or, when only copied answers
    are unconfirmed, those (ADR 0020)."""
    journey = response_journey(response_for(application))
    evaluation = evaluate(journey)
    problems = [
        _problem(journey, rule.question, rule.reason)
        for rule in [*evaluation.blocks, *evaluation.pauses]
    ]
    unanswered = journey.unanswered()
    problems += [_problem(journey, q.id) for q in unanswered]
    copied = copied_unconfirmed(application, journey)
    if copied and not unanswered:
        problems += [_problem(journey, answer.question_id) for answer in copied]
        return {"detail": COPIED_UNCONFIRMED, "errors": problems}
    return {"detail": SUBMIT_REFUSED[SubmitStatus.NOT_READY], "errors": problems}


def _problem(journey: Journey, question_id: str, reason: str = "") -> dict[str, str]:
    question = journey.definition.question(question_id)
    message = f"Question {question.number}: {question.title}"
    return {
        "field": question_id,
        "input_id": "",
        "message": f"{message}: {reason}" if reason else message,
    }
