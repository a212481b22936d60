"""Parsing and checking what the attestation pages post, with the design system's messages."""

from __future__ import annotations

import uuid
from typing import Any

from accounts.forms import email_problem
from questionnaire.engine.people import REGISTERED_ROLES, PersonRole

from .services import PersonDetails

NAME_MAX = 200
REGISTRATION_MAX = 100
REASON_MAX = 2000

FieldErrors = dict[str, str]


def _text(data: Any, name: str) -> str:
    return " ".join(str(data.get(name, "")).split())


def person_details_parse(data: Any) -> tuple[PersonDetails, FieldErrors]:
    """The key person's details from a form, and an error for each field that is not right."""
    details = PersonDetails(
        role=str(data.get("role", "")),
        full_name=_text(data, "full_name"),
        job_title=_text(data, "job_title"),
        email=_text(data, "email"),
        professional_body=_text(data, "professional_body"),
        registration_number=_text(data, "registration_number"),
    )
    errors: FieldErrors = {}
    if details.role not in PersonRole.__members__.values():
        errors["role"] = "Select the person's role"
    for field, label, limit in (
        ("full_name", "full name", NAME_MAX),
        ("job_title", "job title", NAME_MAX),
    ):
        value = getattr(details, field)
        if not value:
            errors[field] = f"Enter the person's {label}"
        elif len(value) > limit:
            errors[field] = f"{label.capitalize()} must be {limit:,} characters or fewer"
    if not details.email:
        errors["email"] = "Enter the person's email address"
    elif problem := email_problem(details.email):
        errors["email"] = problem
    registered = details.role in {role.value for role in REGISTERED_ROLES}
    if registered and not details.professional_body:
        errors["professional_body"] = "Enter the professional body they are registered with"
    elif len(details.professional_body) > NAME_MAX:
        errors["professional_body"] = f"Professional body must be {NAME_MAX:,} characters or fewer"
    if registered and not details.registration_number:
        errors["registration_number"] = "Enter their professional registration number"
    elif len(details.registration_number) > REGISTRATION_MAX:
        errors["registration_number"] = (
            f"Registration number must be {REGISTRATION_MAX:,} characters or fewer"
        )
    return details, errors


def response_parse(data: Any) -> tuple[str, str, FieldErrors]:
    """The named person's response: "attest" or "decline", and the reason for a decline."""
    response = str(data.get("response", ""))
    reason = str(data.get("reason", "")).strip()
    errors: FieldErrors = {}
    if response not in ("attest", "decline"):
        errors["response"] = "Select whether you attest this statement"
    elif response == "decline" and not reason:
        errors["reason"] = "Enter why you cannot attest this statement"
    elif response == "decline" and len(reason) > REASON_MAX:
        errors["reason"] = f"Reason must be {REASON_MAX:,} characters or fewer"
    return response, reason, errors


def responses_parse(
    data: Any, statements: list[tuple[uuid.UUID, str]]
) -> tuple[dict[uuid.UUID, tuple[bool, str]], FieldErrors]:
    """The named person's response to each statement of their request (``statements``: each
    one's id and the question it is about, as "question 9"): attest, or decline with a reason.
    Every statement needs a response."""
    responses: dict[uuid.UUID, tuple[bool, str]] = {}
    errors: FieldErrors = {}
    for pk, question in statements:
        response = str(data.get(f"response-{pk}", ""))
        reason = str(data.get(f"reason-{pk}", "")).strip()
        if response not in ("attest", "decline"):
            errors[f"response-{pk}"] = f"Select whether you attest the statement for {question}"
        elif response == "decline" and not reason:
            errors[f"reason-{pk}"] = f"Enter why you cannot attest the statement for {question}"
        elif response == "decline" and len(reason) > REASON_MAX:
            errors[f"reason-{pk}"] = f"Reason must be {REASON_MAX:,} characters or fewer"
        else:
            responses[pk] = (response == "attest", reason if response == "decline" else "")
    return responses, errors


def error_list(errors: FieldErrors) -> list[dict[str, str]]:
    return [{"text": text, "href": f"#{field}"} for field, text in errors.items()]
