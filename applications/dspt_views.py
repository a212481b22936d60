"""The DSPT update page: an applicant records a newer Data Security and Protection Toolkit
publication for an application (workflow.continuous.dspt_update). Moved out of
applications/views.py."""

import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from questionnaire import definitions
from questionnaire.engine.answers import (
    DATE_PARTS,
    MAIN_INPUT,
    FieldError,
    form_data_for,
    parse_answer,
)
from questionnaire.presenters import application_page_context, question_url
from questionnaire.selectors import application_with_answers
from questionnaire.views import STALE_ANSWER
from workflow import services as workflow
from workflow.continuous import dspt_update as dspt_update_service
from workflow.continuous.dspt import dspt_questions_of, dspt_summary, dspt_updatable
from workflow.continuous.dspt_register_check import register_check_of

from .states import Stage2State

SCOPE_REQUIRED = "Select the NIR integration scope you are onboarding for"

DSPT_FIELDS = ("status", "published-day", "published-month", "published-year")


@require_http_methods(["GET", "POST"])
def dspt_update(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    """Update your DSPT status: the two DSPT answers of an application past draft, on their own,
    with the question pages' checks and error messages."""
    application = application_with_answers(user=request.user, application_id=application_id)
    detail_url = reverse("applications:detail", kwargs={"application_id": application.pk})
    questions = dspt_questions_of(application)
    if questions is None or not dspt_updatable(application):
        if questions is not None and application.stage2_state != Stage2State.WITHDRAWN:
            return redirect(question_url(application, questions.status))  # a draft: as usual
        return redirect(detail_url)
    context = application_page_context(application)
    definition = context["journey"].definition
    status_question = definition.question(questions.status)
    published_question = definition.question(questions.published)
    stored = context["answers"]
    versions = {
        q: stored[q].version if q in stored else 0 for q in (questions.status, questions.published)
    }
    published_data = form_data_for(
        published_question,
        stored[questions.published].value if questions.published in stored else None,
    )
    data = {
        "status": form_data_for(
            status_question, stored[questions.status].value if questions.status in stored else None
        ).get(MAIN_INPUT, ""),
        **{f"published-{p}": published_data.get(f"{MAIN_INPUT}-{p}", "") for p in DATE_PARTS},
    }
    field_errors: dict[str, FieldError] = {}
    if request.method == "POST":
        data = {key: request.POST.get(key, "") for key in DSPT_FIELDS}
        today = definitions.today()
        status = parse_answer(status_question, {MAIN_INPUT: data["status"]}, today)
        published = None
        if status.errors:
            field_errors["status"] = status.errors[0]
        elif data["status"] != dspt_update_service.NOT_PUBLISHED:
            published = parse_answer(
                published_question,
                {f"{MAIN_INPUT}-{p}": data[f"published-{p}"] for p in DATE_PARTS},
                today,
            )
            if published.errors:
                field_errors["published"] = published.errors[0]
        if not field_errors and status.value is not None:
            try:
                result = dspt_update_service.dspt_update(
                    application=application,
                    status=status.value,
                    published=published.value if published is not None else None,
                    expected_versions={
                        questions.status: _version(request, "status_version"),
                        questions.published: _version(request, "published_version"),
                    },
                    actor=request.user,
                )
            except workflow.StaleAnswer:
                field_errors["status"] = FieldError(MAIN_INPUT, STALE_ANSWER)
                application.refresh_from_db()
                stored = application_page_context(application)["answers"]
                versions = {q: stored[q].version if q in stored else 0 for q in versions}
            except dspt_update_service.DsptNotUpdatable:
                return redirect(detail_url)
            else:
                messages.success(
                    request,
                    "Your DSPT status has been updated"
                    + (". Onboarding is no longer on hold for it" if result.hold_lifted else ""),
                )
                return redirect(detail_url)
    errors = [
        {
            "text": error.message,
            "href": "#status"
            if name == "status"
            else f"#{error.input_id.replace(MAIN_INPUT, 'published', 1)}",
        }
        for name, error in field_errors.items()
    ]
    dspt = dspt_summary(application, definitions.today())
    return render(
        request,
        "applications/dspt_update.jinja",
        {
            "application": application,
            "pause": context["pause"],
            "page_title": "Update your DSPT status",
            "status_question": status_question,
            "published_question": published_question,
            "data": data,
            "versions": versions,
            "questions": questions,
            "errors": errors,
            "field_errors": field_errors,
            "dspt": dspt,
            "dspt_register": register_check_of(application, dspt.standing if dspt else None),
            "back_url": detail_url,
        },
        status=400 if errors else 200,
    )


def _version(request: HttpRequest, name: str) -> int:
    try:
        return int(request.POST.get(name, ""))
    except ValueError:
        return -1
