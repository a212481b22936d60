"""The organisation's pages for key personnel and attestations: record the people, see what is
attested, ask them. The named person's pages are request_views.py (one request per person, ADR
0038) and statement_views.py (a link to one statement, sent before requests). Each view parses
input, calls the workflow, and renders."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.http import require_GET, require_http_methods

from applications.selectors import application_get_for_member
from questionnaire.engine.people import ROLE_LABELS, PersonRole
from workflow.applicant import attestations as workflow
from workflow.applicant import key_people

from . import forms
from .models import Attestation, AttestationStatus
from .selectors import (
    key_person_get,
    key_personnel_for,
    requests_for,
)


def _application_urls(application_id: uuid.UUID) -> dict[str, str]:
    kwargs = {"application_id": application_id}
    return {
        "overview": reverse("questionnaire:overview", kwargs=kwargs),
        "key_personnel": reverse("attestations:key_personnel", kwargs=kwargs),
        "add": reverse("attestations:key_person_add", kwargs=kwargs),
        "attestations": reverse("attestations:list", kwargs=kwargs),
    }


def _role_items(selected: str) -> list[dict[str, Any]]:
    return [
        {"value": role.value, "text": label, "checked": role.value == selected}
        for role, label in ROLE_LABELS.items()
    ]


@require_GET
def key_personnel(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    application = application_get_for_member(user=request.user, application_id=application_id)
    urls = _application_urls(application.pk)
    return render(
        request,
        "attestations/key_personnel.jinja",
        {
            "page_title": "Key personnel",
            "back_url": urls["overview"],
            "application": application,
            "people": key_personnel_for(application),
            "editable": workflow.key_personnel_editable(application),
            "urls": urls,
        },
    )


@require_http_methods(["GET", "POST"])
def key_person_edit(
    request: HttpRequest, application_id: uuid.UUID, person_id: uuid.UUID | None = None
) -> HttpResponse:
    application = application_get_for_member(user=request.user, application_id=application_id)
    person = key_person_get(application, person_id) if person_id else None
    urls = _application_urls(application.pk)
    if not workflow.key_personnel_editable(application):
        return redirect(urls["key_personnel"])
    errors: forms.FieldErrors = {}
    data: Any = (
        request.POST
        if request.method == "POST"
        else (
            {
                "role": person.role,
                "full_name": person.full_name,
                "job_title": person.job_title,
                "email": person.email,
                "professional_body": person.professional_body,
                "registration_number": person.registration_number,
            }
            if person
            else {}
        )
    )
    if request.method == "POST":
        details, errors = forms.person_details_parse(request.POST)
        if not errors:
            try:
                saved = key_people.key_person_save(
                    application=application,
                    person_id=person.pk if person else None,
                    details=details,
                    actor=request.user,
                )
            except workflow.AttestationRefused as refused:
                errors = {"role": str(refused)}
            else:
                messages.success(
                    request, f"{saved.full_name} is recorded as {saved.get_role_display()}"
                )
                return redirect(urls["key_personnel"])
    return render(
        request,
        "attestations/key_person.jinja",
        {
            "page_title": "Change a person" if person else "Add a person",
            "back_url": urls["key_personnel"],
            "application": application,
            "data": data,
            "role_items": _role_items(str(data.get("role", ""))),
            "field_errors": errors,
            "errors": forms.error_list(errors),
        },
        status=400 if errors else 200,
    )


@require_http_methods(["GET", "POST"])
def key_person_remove(
    request: HttpRequest, application_id: uuid.UUID, person_id: uuid.UUID
) -> HttpResponse:
    application = application_get_for_member(user=request.user, application_id=application_id)
    person = key_person_get(application, person_id)
    urls = _application_urls(application.pk)
    if not workflow.key_personnel_editable(application):
        return redirect(urls["key_personnel"])
    if request.method == "POST":
        try:
            key_people.key_person_remove(
                application=application, person_id=person.pk, actor=request.user
            )
        except workflow.AttestationRefused as refused:
            messages.info(request, str(refused))
        else:
            messages.success(request, f"{person.full_name} has been removed")
        return redirect(urls["key_personnel"])
    return render(
        request,
        "attestations/key_person_remove.jinja",
        {
            "page_title": f"Are you sure you want to remove {person.full_name}?",
            "back_url": urls["key_personnel"],
            "application": application,
            "person": person,
        },
    )


@require_http_methods(["GET", "POST"])
def attestation_list(request: HttpRequest, application_id: uuid.UUID) -> HttpResponse:
    """Where each attestation stands, a form to ask for those not asked yet (one email to each
    person, listing everything asked of them: ADR 0038), and the requests sent."""
    application = application_get_for_member(user=request.user, application_id=application_id)
    urls = _application_urls(application.pk)
    needs = workflow.attestation_needs_now(application)
    is_open = workflow.attestations_open(application)
    people = key_personnel_for(application)
    to_ask = [
        need
        for need in needs
        if is_open
        and not need.satisfied
        and not (need.latest and need.latest.status == AttestationStatus.REQUESTED)
    ]
    candidates = {need.rule.id: [p for p in people if p.role in need.rule.roles] for need in to_ask}
    errors: forms.FieldErrors = {}
    chosen = {need.rule.id: request.POST.get(f"person-{need.rule.id}", "") for need in to_ask}
    if request.method == "POST":
        choices = {}
        for need in to_ask:
            person = next(
                (p for p in candidates[need.rule.id] if str(p.pk) == chosen[need.rule.id]), None
            )
            if person is not None:
                choices[need.rule.id] = person.pk
        askable = [need for need in to_ask if candidates[need.rule.id]]
        if not choices and askable:
            errors[f"person-{askable[0].rule.id}"] = (
                f"Select who you want to attest question {askable[0].number}"
            )
        elif choices:
            try:
                asked = workflow.attestations_ask(
                    application=application, choices=choices, actor=request.user
                )
            except workflow.AttestationRefused as refused:
                errors[f"person-{next(iter(choices))}"] = str(refused)
            else:
                # One banner, naming each person emailed.
                told = [
                    f"{name} one link to attest {count} answer{'' if count == 1 else 's'}"
                    for name, count in _asked_counts(asked).items()
                ]
                messages.success(
                    request,
                    "We have emailed "
                    + (", ".join(told[:-1]) + ", and " if len(told) > 1 else "")
                    + told[-1],
                )
                return redirect(urls["attestations"])
    return render(
        request,
        "attestations/list.jinja",
        {
            "page_title": "Attestations",
            "back_url": urls["overview"],
            "application": application,
            "needs": needs,
            "open": is_open,
            "to_ask": [
                {
                    "need": need,
                    "field": f"person-{need.rule.id}",
                    "items": [
                        {
                            "value": str(p.pk),
                            # Each statement's choices named apart, for a screen reader.
                            "html": format_html(
                                '{}, {}<span class="nhsuk-u-visually-hidden"> for question '
                                "{}</span>",
                                p.full_name,
                                p.get_role_display(),
                                need.number,
                            ),
                            "hint": {"text": f"{p.job_title}, {p.email}"},
                            "checked": str(p.pk) == chosen[need.rule.id]
                            or (request.method == "GET" and len(candidates[need.rule.id]) == 1),
                        }
                        for p in candidates[need.rule.id]
                    ],
                    "roles": " or ".join(role.label for role in need.rule.roles),
                }
                for need in to_ask
            ],
            "requests": requests_for(application),
            "urls": urls,
            "field_errors": errors,
            "errors": forms.error_list(errors),
        },
        status=400 if errors else 200,
    )


def _asked_counts(asked: list[Attestation]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for attestation in asked:
        counts[attestation.full_name] = counts.get(attestation.full_name, 0) + 1
    return counts


@require_http_methods(["GET", "POST"])
def attestation_ask(request: HttpRequest, application_id: uuid.UUID, rule_id: str) -> HttpResponse:
    application = application_get_for_member(user=request.user, application_id=application_id)
    urls = _application_urls(application.pk)
    need = next(
        (n for n in workflow.attestation_needs_now(application) if n.rule.id == rule_id), None
    )
    if need is None or not workflow.attestations_open(application):
        return redirect(urls["attestations"])
    people = [p for p in key_personnel_for(application) if p.role in need.rule.roles]
    errors: forms.FieldErrors = {}
    chosen = request.POST.get("person", "")
    if request.method == "POST":
        person = next((p for p in people if str(p.pk) == chosen), None)
        if person is None:
            errors["person"] = "Select who you want to attest this answer"
        else:
            try:
                workflow.attestation_ask(
                    application=application,
                    rule_id=rule_id,
                    person_id=person.pk,
                    actor=request.user,
                )
            except workflow.AttestationRefused as refused:
                errors["person"] = str(refused)
            else:
                messages.success(
                    request, f"We have emailed {person.full_name} a link to attest this answer"
                )
                return redirect(urls["attestations"])
    return render(
        request,
        "attestations/ask.jinja",
        {
            "page_title": f"Who will attest question {need.number}?",
            "back_url": urls["attestations"],
            "application": application,
            "need": need,
            "people_items": [
                {
                    "value": str(p.pk),
                    "text": f"{p.full_name}, {p.get_role_display()}",
                    "hint": {"text": f"{p.job_title}, {p.email}"},
                    "checked": str(p.pk) == chosen,
                }
                for p in people
            ],
            "roles": " or ".join(PersonRole(role).label for role in need.rule.roles),
            "urls": urls,
            "field_errors": errors,
            "errors": forms.error_list(errors),
        },
        status=400 if errors else 200,
    )
