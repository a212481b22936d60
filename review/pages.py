"""What NHS England's pages share: who may see them, where they go back to, the version a
decision form posted, and how a decision is made and its outcome shown."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts.rules import can_review
from questionnaire import definitions
from workflow import review
from workflow.comments import review_comments_visible_to
from workflow.dspt import dspt_for_review
from workflow.dspt_register_check import register_check_annotated
from workflow.review_times import review_time

from .presenters import review_page_context
from .selectors import application_for_review

TITLE_MAX = 200
TEXT_MAX = 2000


def reviewer_only(request: HttpRequest) -> None:
    # Reviewer pages answer 404 to everyone else, so they do not reveal that they exist.
    if not can_review(request.user):
        raise Http404


def application_url(application_id: uuid.UUID) -> str:
    return reverse("review:application", kwargs={"application_id": application_id})


def posted_version(request: HttpRequest) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return -1


def application_page(
    request: HttpRequest,
    application_id: uuid.UUID,
    *,
    errors: list[dict[str, str]] | None = None,
    status: int = 200,
    comment_form: dict[str, Any] | None = None,
) -> HttpResponse:
    application = application_for_review(user=request.user, application_id=application_id)
    context = review_page_context(application)
    latest = context["latest_submission"]
    dspt, dspt_updates = dspt_for_review(
        application,
        submitted_at=latest.submitted_at if latest else None,
        definition=context["journey"].definition,
        today=definitions.today(),
    )
    return render(
        request,
        "review/application.jinja",
        {
            **context,
            "page_title": f"Application {application.reference}",
            "back_url": reverse("review:queue"),
            "errors": errors or [],
            "today": definitions.today(),
            "review_time": review_time(application, definitions.today()),
            "dspt": dspt,
            "dspt_updates": dspt_updates,
            "comments": review_comments_visible_to(user=request.user, application=application),
            "comment_form": comment_form or {"text": "", "visibility": "", "errors": {}},
            "dspt_register": register_check_annotated(application, dspt.standing if dspt else None),
        },
        status=status,
    )


def decide(
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
        return application_page(request, application_id, errors=errors, status=status)
    messages.success(request, done)
    return redirect(application_url(application_id))


def text_form(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    errors: list[dict[str, str]],
    status: int,
) -> HttpResponse:
    return render(request, template, {**context, "errors": errors}, status=status)
