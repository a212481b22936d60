"""Parsing and checking what the account pages post, with the design system's messages."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from .models import User, normalise_email

NAME_MAX = 200
EMAIL_FORMAT = "Enter an email address in the correct format, like name@example.com"
# What the database keeps of an address (EmailField): a longer one would fail to save.
EMAIL_MAX = User._meta.get_field("email").max_length or 254
EMAIL_TOO_LONG = f"Email address must be {EMAIL_MAX:,} characters or fewer"

FieldErrors = dict[str, str]


def text(data: Any, name: str) -> str:
    """A field's value with runs of whitespace made one space."""
    return " ".join(str(data.get(name, "")).split())


def email_parse(
    data: Any, *, name: str = "email", missing: str = "Enter an email address"
) -> tuple[str, FieldErrors]:
    email = normalise_email(text(data, name))
    if not email:
        return email, {name: missing}
    problem = email_problem(email)
    return email, {name: problem} if problem else {}


def email_problem(email: str) -> str | None:
    """What is wrong with an email address someone entered, in the design system's words; None
    when it will do. Checked before anything is saved: an address longer than the database keeps
    would otherwise fail on PostgreSQL."""
    try:
        validate_email(email)
    except ValidationError:
        return EMAIL_FORMAT
    if len(email) > EMAIL_MAX:
        return EMAIL_TOO_LONG
    return None


def password_parse(data: Any, *, user: User) -> tuple[str, FieldErrors]:
    """A new password and its confirmation, checked against the service's password rules
    (AUTH_PASSWORD_VALIDATORS)."""
    password = str(data.get("password", ""))
    confirm = str(data.get("password_confirm", ""))
    errors: FieldErrors = {}
    if not password:
        errors["password"] = "Enter a password"
    else:
        try:
            validate_password(password, user=user)
        except ValidationError as invalid:
            errors["password"] = " ".join(m.rstrip(".") for m in invalid.messages)
        if "password" not in errors and password != confirm:
            errors["password_confirm"] = "Enter the same password in both boxes"
    return password, errors


def account_parse(data: Any, email: str) -> tuple[str, str, FieldErrors]:
    """A new account's name and password, checked against the service's password rules."""
    full_name = text(data, "full_name")
    errors: FieldErrors = {}
    if not full_name:
        errors["full_name"] = "Enter your full name"
    elif len(full_name) > NAME_MAX:
        errors["full_name"] = f"Full name must be {NAME_MAX:,} characters or fewer"
    password, password_errors = password_parse(data, user=User(email=email, full_name=full_name))
    return full_name, password, {**errors, **password_errors}


def error_list(errors: FieldErrors) -> list[dict[str, str]]:
    return [{"text": text, "href": f"#{field}"} for field, text in errors.items()]
