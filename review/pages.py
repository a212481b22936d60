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

from accounts.refusals import not_a_reviewer
from accounts.rules import can_review, is_applicant
from questionnaire import definitions
from workflow.decisions import review
from workflow.decisions.review_times import review_time

from .sections import SECTIONS, overview_context, section_navigation
from .selectors import application_for_review

TITLE_MAX = 200
TEXT_MAX = 2000


def reviewer_only(request: HttpRequest) -> None:
    """NHS England's pages: an applicant is told they are NHS England's and sent to their own
    applications, before any record is looked up, so the refusal is the same whatever the URL
    names and reveals nothing (ADR 0036). Anyone else (an attesting key person) gets a 404."""
    if can_review(request.user):
        return
    if is_applicant(request.user):
        raise not_a_reviewer(request.user)
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
) -> HttpResponse:
    """The application's overview, with what a decision could not do (``errors``)."""
    application = application_for_review(user=request.user, application_id=application_id)
    return section_page(
        request,
        application,
        "application",
        "review/application.jinja",
        {
            **overview_context(application, request.user),
            "page_title": f"Application {application.reference}",
            "back_url": reverse("review:queue"),
            "review_time": review_time(application, definitions.today()),
        },
        errors=errors,
        status=status,
    )


def section_page(
    request: HttpRequest,
    application: Any,
    section: str,
    template: str,
    context: dict[str, Any],
    *,
    errors: list[dict[str, str]] | None = None,
    status: int = 200,
) -> HttpResponse:
    """One section of an application, under its header and the sections' navigation."""
    titles = dict(SECTIONS)
    return render(
        request,
        template,
        {
            "page_title": f"{titles[section]} – Application {application.reference}",
            "back_url": reverse("review:queue"),
            **context,
            "application": application,
            "section": section,
            "section_title": titles[section],
            "sections": section_navigation(application, section),
            "errors": errors or [],
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
    level: int = messages.SUCCESS,
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
    messages.add_message(request, level, done)
    return redirect(application_url(application_id))


def text_form(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    errors: list[dict[str, str]],
    status: int,
) -> HttpResponse:
    return render(request, template, {**context, "errors": errors}, status=status)
