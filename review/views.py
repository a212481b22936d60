"""NHS England's pages: the queue, an application, and every decision. Views parse input, call
a workflow service, and render; every read starts from a selector scoped to the reviewer."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.rules import can_review
from applications.states import Role, Scope
from questionnaire import definitions
from questionnaire.engine.answers import parse_date_input
from workflow import documents, review
from workflow.models import HoldOrigin

from .presenters import review_page_context
from .selectors import (
    QUEUE_STATES,
    QueueFilters,
    application_for_review,
    days_waiting,
    queue_page,
    reviewers,
)

TITLE_MAX = 200
TEXT_MAX = 2000


def _reviewer_only(request: HttpRequest) -> None:
    # Reviewer pages answer 404 to everyone else, so they do not reveal that they exist.
    if not can_review(request.user):
        raise Http404


def _application_url(application_id: uuid.UUID) -> str:
    return reverse("review:application", kwargs={"application_id": application_id})


def _version(request: HttpRequest) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return -1


@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    _reviewer_only(request)
    filters = QueueFilters.from_query(request.GET)
    page = queue_page(user=request.user, filters=filters, page_number=request.GET.get("page"))
    today = definitions.today()
    rows = [(application, days_waiting(application, today)) for application in page]
    query = filters.as_query()
    return render(
        request,
        "review/queue.jinja",
        {
            "page_title": "Applications to review",
            "page": page,
            "rows": rows,
            "filters": filters,
            "filtered": bool(query),
            "query": query,
            "states": [(s.value, s.label) for s in QUEUE_STATES],
            "roles": Role.choices,
            "scopes": Scope.choices,
            "reviewers": reviewers(),
        },
    )


def _application_page(
    request: HttpRequest,
    application_id: uuid.UUID,
    *,
    errors: list[dict[str, str]] | None = None,
    status: int = 200,
) -> HttpResponse:
    application = application_for_review(user=request.user, application_id=application_id)
    return render(
        request,
        "review/application.jinja",
        {
            **review_page_context(application),
            "page_title": f"Application {application.reference}",
            "back_url": reverse("review:queue"),
            "errors": errors or [],
            "today": definitions.today(),
            "days_waiting": days_waiting(application, definitions.today()),
        },
        status=status,
    )


@require_GET
def application(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    _reviewer_only(request)
    return _application_page(request, application_id)


def _decide(
    request: HttpRequest,
    application_id: uuid.UUID,
    decision: Callable[[], Any],
    done: str,
    *,
    error_href: str = "#decisions",
    form: Callable[[list[dict[str, str]], int], HttpResponse] | None = None,
) -> HttpResponse:
    """Make a decision, then show the application with what happened, or the page again with why
    it could not be made (409 when someone else decided first)."""
    try:
        decision()
    except review.DecisionRefused as refused:
        errors = [{"text": message, "href": error_href} for message in refused.messages]
        status = 409 if isinstance(refused, review.StaleDecision) else 400
        if form is not None and status == 400:
            return form(errors, status)
        return _application_page(request, application_id, errors=errors, status=status)
    messages.success(request, done)
    return redirect(_application_url(application_id))


@require_POST
def start(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    _reviewer_only(request)
    application = application_for_review(user=request.user, application_id=application_id)
    taking_over = application.stage2_reviewer_id is not None
    return _decide(
        request,
        application_id,
        lambda: review.review_start(
            application=application, actor=request.user, expected_version=_version(request)
        ),
        "You have taken over this review" if taking_over else "You have started the review",
    )


@require_http_methods(["GET", "POST"])
def request_changes(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    _reviewer_only(request)
    application = application_for_review(user=request.user, application_id=application_id)
    context = review_page_context(application)
    rows = [row for row in context["answer_rows"] if row["answered"]]
    comments = {row["id"]: request.POST.get(f"comment-{row['id']}", "") for row in rows}

    def form(field_errors: dict[str, str], errors: list[dict[str, str]], status: int):
        return render(
            request,
            "review/request_changes.jinja",
            {
                **context,
                "rows": rows,
                "page_title": "Which answers need to change?",
                "comments": comments,
                "field_errors": field_errors,
                "errors": errors,
                "back_url": _application_url(application_id),
            },
            status=status,
        )

    if request.method == "GET":
        return form({}, [], 200)
    numbers = {row["id"]: row["number"] for row in rows}
    field_errors = {
        qid: f"Comment on question {numbers[qid]} must be 2000 characters or less"
        for qid, text in comments.items()
        if len(text.strip()) > review.COMMENT_MAX
    }
    if not field_errors and not any(text.strip() for text in comments.values()) and rows:
        field_errors = {rows[0]["id"]: "Enter a comment on at least one answer"}
    if field_errors:
        errors = [{"text": text, "href": f"#comment-{qid}"} for qid, text in field_errors.items()]
        return form(field_errors, errors, 400)
    try:
        review.changes_request(
            application=application,
            actor=request.user,
            expected_version=_version(request),
            comments=comments,
        )
    except review.StaleDecision:
        return _application_page(
            request,
            application_id,
            errors=[{"text": review.STALE, "href": "#decisions"}],
            status=409,
        )
    except review.DecisionRefused as refused:
        first = f"#comment-{rows[0]['id']}" if rows else "#decisions"
        return form({}, [{"text": m, "href": first} for m in refused.messages], 400)
    messages.success(
        request, "You have asked the organisation to change the answers you commented on"
    )
    return redirect(_application_url(application_id))


@require_http_methods(["GET", "POST"])
def approve(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    _reviewer_only(request)
    application = application_for_review(user=request.user, application_id=application_id)
    if request.method == "GET":
        return render(
            request,
            "review/approve.jinja",
            {
                "application": application,
                "blockers": review.approval_blockers(application),
                "page_title": f"Approve stage 2 for {application.organisation.name}?",
                "back_url": _application_url(application_id),
            },
        )
    return _decide(
        request,
        application_id,
        lambda: review.stage2_approve(
            application=application, actor=request.user, expected_version=_version(request)
        ),
        "Stage 2 is approved",
    )


def _text_form(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    errors: list[dict[str, str]],
    status: int,
) -> HttpResponse:
    return render(request, template, {**context, "errors": errors}, status=status)


@require_http_methods(["GET", "POST"])
def hold_raise(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    _reviewer_only(request)
    application = application_for_review(user=request.user, application_id=application_id)
    reason = request.POST.get("reason", "")
    context = {
        "application": application,
        "reason": reason,
        "page_title": "Why are you pausing onboarding?",
        "back_url": _application_url(application_id),
    }

    def form(errors: list[dict[str, str]], status: int) -> HttpResponse:
        return _text_form(request, "review/hold_raise.jinja", context, errors, status)

    if request.method == "GET":
        return form([], 200)
    return _decide(
        request,
        application_id,
        lambda: review.reviewer_hold_raise(
            application=application,
            actor=request.user,
            expected_version=_version(request),
            reason=reason,
        ),
        "Onboarding is paused",
        error_href="#reason",
        form=form,
    )


@require_http_methods(["GET", "POST"])
def hold_lift(request: HttpRequest, application_id: uuid.UUID, hold_id: uuid.UUID) -> HttpResponse:
    _reviewer_only(request)
    application = application_for_review(user=request.user, application_id=application_id)
    hold = get_object_or_404(application.holds, pk=hold_id, origin=HoldOrigin.REVIEWER)
    reason = request.POST.get("reason", "")
    context = {
        "application": application,
        "hold": hold,
        "reason": reason,
        "page_title": "Why are you lifting this hold?",
        "back_url": _application_url(application_id),
    }

    def form(errors: list[dict[str, str]], status: int) -> HttpResponse:
        return _text_form(request, "review/hold_lift.jinja", context, errors, status)

    if request.method == "GET":
        if not hold.is_open:
            return redirect(_application_url(application_id))
        return form([], 200)
    return _decide(
        request,
        application_id,
        lambda: review.reviewer_hold_lift(
            application=application,
            hold_id=str(hold.pk),
            actor=request.user,
            expected_version=_version(request),
            reason=reason,
        ),
        "The hold is lifted",
        error_href="#reason",
        form=form,
    )


@require_http_methods(["GET", "POST"])
def document_request_new(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    _reviewer_only(request)
    application = application_for_review(user=request.user, application_id=application_id)
    data = {key: request.POST.get(key, "") for key in request.POST}
    context = {
        "application": application,
        "data": data,
        "page_title": "Request a document",
        "back_url": _application_url(application_id),
    }
    if request.method == "GET":
        return render(request, "review/document_request_new.jinja", {**context, "errors": []})
    errors, field_errors = [], {}
    title = data.get("title", "").strip()
    note = data.get("note", "")
    if not title:
        field_errors["title"] = ("title", "Enter the name of the document you need")
    elif len(title) > TITLE_MAX:
        field_errors["title"] = ("title", "Document name must be 200 characters or less")
    if len(note) > TEXT_MAX:
        field_errors["note"] = ("note", "Note must be 2000 characters or less")
    parsed = parse_date_input(
        data,
        prefix="due",
        name="Due date",
        required_error="Enter the date you need the document by",
        today=definitions.today(),
        must_be="future",
    )
    for error in parsed.errors:
        field_errors["due"] = (error.input_id, error.message)
    if not field_errors and parsed.value is not None:
        due = date.fromisoformat(parsed.value["value"])
        try:
            documents.document_request_create(
                application=application,
                actor=request.user,
                title=title,
                note=note,
                due_date=due,
                expected_version=_version(request),
            )
        except review.StaleDecision:
            return _application_page(
                request,
                application.pk,
                errors=[{"text": review.STALE, "href": "#decisions"}],
                status=409,
            )
        except review.DecisionRefused as refused:
            field_errors["title"] = ("title", refused.messages[0])
        else:
            messages.success(request, f"You have asked for: {title}")
            return redirect(_application_url(application_id))
    errors = [{"text": text, "href": f"#{href}"} for href, text in field_errors.values()]
    return render(
        request,
        "review/document_request_new.jinja",
        {
            **context,
            "errors": errors,
            "field_errors": {name: text for name, (_, text) in field_errors.items()},
            "due_parts": parsed.errors[0].date_parts if parsed.errors else frozenset(),
        },
        status=400,
    )


@require_http_methods(["GET", "POST"])
def document_request(
    request: HttpRequest, application_id: uuid.UUID, request_id: uuid.UUID
) -> HttpResponse:
    _reviewer_only(request)
    application = application_for_review(user=request.user, application_id=application_id)
    document = get_object_or_404(application.document_requests, pk=request_id)
    errors: list[dict[str, str]] = []
    if request.method == "POST":
        action = request.POST.get("action")
        services = {
            "accept": (documents.document_request_accept, "You have accepted the document"),
            "withdraw": (documents.document_request_withdraw, "You have withdrawn the request"),
        }
        if action not in services:
            return _document_request_page(
                request,
                application,
                document,
                [{"text": "Choose what to do with the request", "href": "#actions"}],
                400,
            )
        service, done = services[action]
        try:
            service(request=document, actor=request.user, seen_status=request.POST.get("seen", ""))
        except review.DecisionRefused as refused:
            errors = [{"text": m, "href": "#actions"} for m in refused.messages]
            document.refresh_from_db()
        else:
            messages.success(request, done)
            return redirect(_application_url(application_id))
    return _document_request_page(request, application, document, errors, 409 if errors else 200)


def _document_request_page(
    request: HttpRequest,
    application: Any,
    document: Any,
    errors: list[dict[str, str]],
    status: int,
) -> HttpResponse:
    return render(
        request,
        "review/document_request.jinja",
        {
            "application": application,
            "document": document,
            "today": definitions.today(),
            "page_title": document.title,
            "errors": errors,
            "back_url": _application_url(application.pk),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def stage_complete(request: HttpRequest, application_id: uuid.UUID, stage: int) -> HttpResponse:
    _reviewer_only(request)
    if stage not in (3, 4, 5):
        raise Http404
    application = application_for_review(user=request.user, application_id=application_id)
    note = request.POST.get("note", "")
    titles = {
        3: "Home Community ID integration",
        4: "Technical conformance",
        5: "Legal agreement (connection agreement)",
    }
    context = {
        "application": application,
        "stage": stage,
        "stage_title": titles[stage],
        "note": note,
        "page_title": f"Mark stage {stage} complete",
        "back_url": _application_url(application_id),
    }

    def form(errors: list[dict[str, str]], status: int) -> HttpResponse:
        return _text_form(request, "review/stage_complete.jinja", context, errors, status)

    if request.method == "GET":
        return form([], 200)
    if len(note) > TEXT_MAX:
        return form([{"text": "Note must be 2000 characters or less", "href": "#note"}], 400)
    return _decide(
        request,
        application_id,
        lambda: review.stage_complete(
            application=application,
            actor=request.user,
            expected_version=_version(request),
            stage=stage,
            note=note,
        ),
        f"Stage {stage} is complete",
        error_href="#note",
        form=form,
    )
