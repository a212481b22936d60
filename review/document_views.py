"""NHS England's document requests: asking an organisation for a document, then seeing the file
it sends and accepting it, asking again with a reason, or withdrawing the request."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from evidence.selectors import evidence_history
from questionnaire import definitions
from questionnaire.engine.answers import parse_date_input
from workflow.decisions import documents, review
from workflow.models import DocumentRequest
from workflow.replies.selectors import replies_for, reply_threads
from workflow.selectors import document_request_events

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

NOT_ANSWERED = "You can only ask again for a document the organisation has sent"


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
        field_errors["title"] = ("title", "Document name must be 200 characters or fewer")
    if len(note) > TEXT_MAX:
        field_errors["note"] = ("note", "Note must be 2,000 characters or fewer")
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
    """The request, the files sent for it with their malware checks, its history, and what the
    reviewer can do: accept the answer's file, ask again (its own page) or withdraw."""
    reviewer_only(request)
    application = application_for_review(user=request.user, application_id=application_id)
    document = get_object_or_404(application.document_requests, pk=request_id)
    if request.method == "GET":
        return _document_request_page(request, application, document, [], 200)
    action = request.POST.get("action")
    services = {
        "accept": (documents.document_request_accept, "You have accepted the document"),
        "withdraw": (documents.document_request_withdraw, "You have withdrawn the request"),
    }
    if action not in services:
        errors = [{"text": "Choose what to do with the request", "href": "#actions"}]
        return _document_request_page(request, application, document, errors, 400)
    service, done = services[action]
    try:
        service(request=document, actor=request.user, expected_version=posted_version(request))
    except review.DecisionRefused as refused:
        errors = [{"text": m, "href": "#actions"} for m in refused.messages]
        document.refresh_from_db()
        status = 409 if isinstance(refused, documents.StaleRequest) else 400
        return _document_request_page(request, application, document, errors, status)
    messages.success(request, done)
    return redirect(application_url(application_id))


def _document_request_page(
    request: HttpRequest,
    application: Any,
    document: DocumentRequest,
    errors: list[dict[str, str]],
    status: int,
) -> HttpResponse:
    answer_file = documents.document_request_answer_file(document)
    # The organisation's replies about this request (ADR 0037).
    replies = [
        reply
        for reply in replies_for(
            user=request.user, application=application, to=["document_request"]
        )
        if reply.document_request_id == document.pk
    ]
    return render(
        request,
        "review/document_request.jinja",
        {
            "application": application,
            "document": document,
            "events": document_request_events(document),
            "reply_threads": reply_threads(application, replies),
            "files": list(
                evidence_history(application, documents.document_request_purpose(document))
            ),
            "answer_file": answer_file,
            "cannot_accept": documents.document_request_cannot_accept(answer_file)
            if document.status == "answered"
            else "",
            "today": definitions.today(),
            "page_title": document.title,
            "errors": errors,
            "back_url": application_url(application.pk),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def document_request_ask_again(
    request: HttpRequest, application_id: uuid.UUID, request_id: uuid.UUID
) -> HttpResponse:
    """Send the answered request back to the organisation with a reason, by the same due date
    or a new one."""
    reviewer_only(request)
    application = application_for_review(user=request.user, application_id=application_id)
    document = get_object_or_404(application.document_requests, pk=request_id)
    page_url = reverse("review:document_request", args=[application.pk, document.pk])
    data = {key: request.POST.get(key, "") for key in request.POST}
    context = {
        "application": application,
        "document": document,
        "data": data,
        "page_title": f"Ask again for {document.title}",
        "back_url": page_url,
        "version": data.get("version") or document.version,
    }
    if request.method == "GET":
        if document.status != "answered":
            # A link followed from a page that has changed since: say so on the request's page.
            errors = [{"text": NOT_ANSWERED, "href": "#actions"}]
            return _document_request_page(request, application, document, errors, 200)
        return render(request, "review/document_request_ask_again.jinja", {**context, "errors": []})
    field_errors, due, due_parts = _ask_again_form(data, document.due_date)
    if not field_errors and due is not None:
        try:
            documents.document_request_ask_again(
                request=document,
                actor=request.user,
                reason=data.get("reason", ""),
                due_date=due,
                expected_version=posted_version(request),
            )
        except review.DecisionRefused as refused:
            document.refresh_from_db()
            errors = [{"text": m, "href": "#actions"} for m in refused.messages]
            return _document_request_page(request, application, document, errors, 409)
        messages.success(request, f"You have asked again for: {document.title}")
        return redirect(page_url)
    errors = [{"text": text, "href": f"#{href}"} for href, text in field_errors.values()]
    return render(
        request,
        "review/document_request_ask_again.jinja",
        {
            **context,
            "errors": errors,
            "field_errors": {name: text for name, (_, text) in field_errors.items()},
            "due_parts": due_parts,
        },
        status=400,
    )


def _ask_again_form(
    data: dict[str, str], current_due: date
) -> tuple[dict[str, tuple[str, str]], date | None, frozenset[str]]:
    """The reason and the due date asked again with, or the design system's errors for them."""
    field_errors: dict[str, tuple[str, str]] = {}
    reason = data.get("reason", "")
    if not reason.strip():
        field_errors["reason"] = ("reason", "Enter why you are asking for the document again")
    elif len(reason) > TEXT_MAX:
        field_errors["reason"] = ("reason", "Reason must be 2000 characters or less")
    due: date | None = None
    due_parts: frozenset[str] = frozenset()
    choice = data.get("due-choice", "")
    if choice == "same":
        due = current_due
    elif choice == "new":
        parsed = parse_date_input(
            data,
            prefix="due",
            name="Due date",
            required_error="Enter the new date you need the document by",
            today=definitions.today(),
            must_be="future",
        )
        for error in parsed.errors:
            field_errors["due"] = (error.input_id, error.message)
            due_parts = error.date_parts
        if parsed.value is not None:
            due = date.fromisoformat(parsed.value["value"])
    else:
        field_errors["due-choice"] = ("due-choice", "Select when you need the document by")
    return field_errors, due, due_parts
