"""NHS England's document requests: asking an organisation for a document, then accepting the
file it sends or withdrawing the request."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from questionnaire import definitions
from questionnaire.engine.answers import parse_date_input
from workflow import documents, review

from .pages import (
    TEXT_MAX,
    TITLE_MAX,
    application_page,
    application_url,
    posted_version,
    reviewer_only,
)
from .selectors import (
    application_for_review,
)


@require_http_methods(["GET", "POST"])
def document_request_new(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    reviewer_only(request)
    application = application_for_review(user=request.user, application_id=application_id)
    data = {key: request.POST.get(key, "") for key in request.POST}
    context = {
        "application": application,
        "data": data,
        "page_title": "Request a document",
        "back_url": application_url(application_id),
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
                expected_version=posted_version(request),
            )
        except review.StaleDecision:
            return application_page(
                request,
                application.pk,
                errors=[{"text": review.STALE, "href": "#decisions"}],
                status=409,
            )
        except review.DecisionRefused as refused:
            field_errors["title"] = ("title", refused.messages[0])
        else:
            messages.success(request, f"You have asked for: {title}")
            return redirect(application_url(application_id))
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
    reviewer_only(request)
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
            return redirect(application_url(application_id))
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
            "back_url": application_url(application.pk),
        },
        status=status,
    )
