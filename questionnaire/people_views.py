"""The page of a question that names key personnel (ADR 0038, 0046): the Clinical Safety
Officers (the controller's question 8, the supplier's question 6), the incident management leads
(the controller's question 12). The people are recorded once, in the key personnel, from here or
from the key personnel pages; the answer is written from them. The question view hands over to
``people_question`` once it has checked the question may be answered now."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts.kept_answers import kept_answer_take
from applications.models import Application
from attestations import forms
from questionnaire.engine.conditions import MAIN_FIELD
from questionnaire.engine.people import REGISTERED_ROLES
from questionnaire.engine.schema import Question
from workflow.applicant import key_people
from workflow.applicant.attestations import AttestationRefused

from .onward import page_after, stage2_urls
from .presenters import application_page_context, question_url
from .selectors import application_with_answers


def _earlier_text(context: dict[str, Any], question: Question) -> str:
    stored = context.get("answers", {}).get(question.id)
    return str(stored.value.get(MAIN_FIELD, "")) if stored and stored.value else ""


def _version(context: dict[str, Any], question: Question) -> int:
    stored = context.get("answers", {}).get(question.id)
    return stored.version if stored else 0


def people_question(
    request: HttpRequest,
    application: Application,
    context: dict[str, Any],
    question: Question,
    back_url: str,
    after: Callable[[], str],
) -> HttpResponse:
    """GET: who is recorded in the question's role, and a form to add someone (shown at once
    when no one is). POST "add": record the person (and so the answer), then go on. POST
    "continue": write the answer from the people recorded, then go on."""
    assert question.names_role is not None
    role = question.names_role
    people = key_people.people_named_by(application, question)
    adding = request.GET.get("add") == "1" or not people
    errors: forms.FieldErrors = {}
    data: Any = {}
    # A person's details posted here after the session ended, offered back after sign-in.
    kept = kept_answer_take(request) if request.method == "GET" else None
    if kept is not None:
        data = {key: value for key, value in kept.data.items() if key != "version"}
        adding = True
    if request.method == "POST":
        action = request.POST.get("action", "add")
        try:
            if action == "continue" and people:
                key_people.answers_sync(
                    application=application, question=question, actor=request.user, confirm=True
                )
                return redirect(after())
            data = request.POST
            details, errors = forms.person_details_parse({**request.POST.dict(), "role": role})
            if not errors:
                saved = key_people.key_person_save(
                    application=application, person_id=None, details=details, actor=request.user
                )
                messages.success(
                    request,
                    f"{saved.full_name} is recorded as {saved.get_role_display()} in your key "
                    "personnel",
                )
                return redirect(after())
        except AttestationRefused as refused:
            errors = {"full_name": str(refused)}
        adding = True
    key_personnel_url = reverse(
        "attestations:key_personnel", kwargs={"application_id": application.pk}
    )
    return render(
        request,
        "questionnaire/people_question.jinja",
        {
            **context,
            "page_title": question.text,
            "question": question,
            "people": people,
            "comment": context.get("comments", {}).get(question.id),
            "reuse_note": context.get("reuse_notes", {}).get(question.id),
            "answer_kept": kept is not None,
            # An answer given as text before anyone was recorded (ADR 0038).
            "earlier": "" if people else _earlier_text(context, question),
            # The answer's version, as the text page has it (a script posting text needs it).
            "version": _version(context, question),
            "adding": adding,
            "registered": role in REGISTERED_ROLES,
            "role_label": role.label,
            "data": data,
            # Adding another keeps where the page goes on to (back to check answers).
            "add_url": request.path + "?" + urlencode({**request.GET.dict(), "add": "1"}),
            "key_personnel_url": key_personnel_url,
            "back_url": back_url,
            "action": request.get_full_path(),
            "field_errors": errors,
            "errors": forms.error_list(errors),
        },
        status=400 if errors else 200,
    )


def people_question_page(
    request: HttpRequest,
    application: Application,
    context: dict[str, Any],
    question: Question,
    returning: bool,
) -> HttpResponse:
    """A question naming key personnel, from the question view: back and onward as any
    question page goes."""
    urls = stage2_urls(application.pk)
    journey = context["journey"]
    previous = journey.previous_question(question.id)
    back_url = (
        urls["check_answers"]
        if returning
        else question_url(application, previous.id)
        if previous
        else urls["overview"]
    )

    def after() -> str:
        # The answer was just written: where to go is judged on the answers as they are now.
        fresh = application_page_context(
            application_with_answers(user=request.user, application_id=application.pk, answers=True)
        )["journey"]
        return page_after(application, fresh, question.id, returning, urls)

    return people_question(request, application, context, question, back_url, after)
