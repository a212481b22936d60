"""Writes for users, organisations and memberships. Each records an audit entry."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import authenticate, login, logout
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from audit.models import AuditEntry
from audit.services import Auditor

from .models import Membership, Organisation, User, UserKind, normalise_email
from .selectors import organisation_for_user as _organisation_of

SIGN_IN_FAILURE_LIMIT = 5
SIGN_IN_LOCKOUT = timedelta(minutes=15)


class SignInLocked(Exception):
    """Too many failed sign-ins for this email address recently."""


def sign_in_attempt(*, request: HttpRequest, email: str, password: str) -> User | None:
    """Check credentials and start a session; None when they are wrong.

    Every failure is audited. After SIGN_IN_FAILURE_LIMIT failures for an email address within
    SIGN_IN_LOCKOUT, further attempts are refused (even with the right password) until the
    window passes, which stops password guessing without revealing whether the account exists."""
    email = normalise_email(email)
    since = timezone.now() - SIGN_IN_LOCKOUT
    failures = AuditEntry.objects.filter(
        action="user.sign_in_failed", after__email=email, at__gte=since
    ).count()
    if failures >= SIGN_IN_FAILURE_LIMIT:
        raise SignInLocked(email)
    user = authenticate(request, username=email, password=password)
    if user is None:
        Auditor(None).record(action="user.sign_in_failed", obj=None, after={"email": email})
        return None
    user_sign_in(request=request, user=user)
    return user


def user_sign_in(*, request: HttpRequest, user: User) -> None:
    """Start a session for a user whose credentials were checked, and record it."""
    login(request, user)
    Auditor(user).record(action="user.sign_in", obj=user, organisation=_organisation_of(user))


def user_sign_out(*, request: HttpRequest) -> None:
    user = request.user
    if user.is_authenticated:
        Auditor(user).record(action="user.sign_out", obj=user, organisation=_organisation_of(user))
    logout(request)


@transaction.atomic
def organisation_create(*, name: str, ods_code: str, actor: User | None) -> Organisation:
    organisation = Organisation(name=name.strip(), ods_code=ods_code.strip().upper())
    organisation.full_clean()
    organisation.save()
    Auditor(actor).record(
        action="organisation.create",
        obj=organisation,
        organisation=organisation,
        after={"name": organisation.name, "ods_code": organisation.ods_code},
    )
    return organisation


@transaction.atomic
def user_create(
    *,
    email: str,
    password: str,
    kind: str = UserKind.APPLICANT,
    full_name: str = "",
    organisation: Organisation | None = None,
    is_onboarding_lead: bool = False,
    actor: User | None,
) -> User:
    """Create a user (and, for an applicant, their membership). Applicants must have an
    organisation; staff must not."""
    if kind == UserKind.APPLICANT and organisation is None:
        raise ValueError("An applicant must belong to an organisation")
    if kind != UserKind.APPLICANT and organisation is not None:
        raise ValueError("Only applicants belong to an organisation")
    user = User.objects.create_user(
        normalise_email(email),
        password,
        kind=kind,
        full_name=full_name,
        is_staff=kind == UserKind.ADMINISTRATOR,
        is_superuser=kind == UserKind.ADMINISTRATOR,
    )
    if organisation is not None:
        Membership.objects.create(
            user=user, organisation=organisation, is_onboarding_lead=is_onboarding_lead
        )
    Auditor(actor).record(
        action="user.create",
        obj=user,
        organisation=organisation,
        after={"email": user.email, "kind": kind, "is_onboarding_lead": is_onboarding_lead},
    )
    return user
