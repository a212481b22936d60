"""Writes for users, organisations and memberships. Each records an audit entry."""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum

from django.contrib.auth import authenticate, login, logout
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from audit.models import AuditEntry
from audit.services import Auditor
from audit.throttle import audit_anonymous

from .client_address import client_address
from .device_cookies import device_for
from .models import Membership, Organisation, User, UserKind, normalise_email
from .rules import is_onboarding_lead
from .selectors import organisation_for_user as _organisation_of

SIGN_IN_FAILURE_LIMIT = 5
# Failures from one client address, whatever addresses it tries, before it is refused.
CLIENT_FAILURE_LIMIT = 20
SIGN_IN_LOCKOUT = timedelta(minutes=15)


class SignInRefusal(StrEnum):
    """Why an attempt was refused without checking the password."""

    EMAIL = "email"  # too many failures for the address from browsers without its device cookie
    DEVICE = "device"  # too many failures for the address from this browser's device cookie
    CLIENT = "client"  # too many failures from this client address


class SignInLocked(Exception):
    """Too many failed sign-ins recently, for this address or from this client."""

    def __init__(self, refusal: SignInRefusal) -> None:
        super().__init__(refusal.value)
        self.refusal = refusal


def sign_in_attempt(
    *, request: HttpRequest, email: str, password: str, purpose: str = ""
) -> User | None:
    """Check the email address and password; the user when they are right, None when not.

    This does not start a session: the sign-in view hands a right password to the second step
    (two_factor.sign_in.sign_in_continue), which calls user_sign_in when the person may start
    one.

    Every attempt is audited with the client address (client_address), refused ones included.
    Within SIGN_IN_LOCKOUT, further attempts are refused (even with the right password) when:
    - the client address has made CLIENT_FAILURE_LIMIT failures, whatever addresses it tried;
    - SIGN_IN_FAILURE_LIMIT failures were made for the email address by browsers without a
      device cookie for it (accounts/device_cookies.py).
    A browser presenting a valid device cookie for the address is subject to neither: it is
    refused after SIGN_IN_FAILURE_LIMIT failures made with that cookie. So a stranger cannot
    lock a user out of their usual browser, nor lock out everyone behind a shared address (an
    NHS trust's network), and nothing says whether the account exists.

    `purpose`, when the password is checked again for a signed-in person (password_confirm),
    is kept in the audit entries."""
    email = normalise_email(email)
    client = client_address(request)
    device = device_for(request, email=email)
    attempt: dict[str, str] = {"email": email, "client": client}
    if device is not None:
        attempt["device"] = device
    if purpose:
        attempt["purpose"] = purpose
    refusal = _sign_in_refusal(email=email, client=client, device=device)
    if refusal is not None:
        # Each refusal is audited up to a number per client (audit.throttle): a locked-out
        # client could otherwise write entries without end.
        audit_anonymous(
            action="user.sign_in_refused", after={**attempt, "reason": refusal.value}, client=client
        )
        raise SignInLocked(refusal)
    user = authenticate(request, username=email, password=password)
    if user is None:
        Auditor(None).record(action="user.sign_in_failed", obj=None, after=attempt)
        return None
    return user


def password_confirm(*, request: HttpRequest, user: User, password: str, purpose: str) -> bool:
    """Whether `password` is the signed-in `user`'s, asked again before something a stolen
    session must not do alone (two_factor.current_factor), for someone with no authenticator
    app. It is checked as a sign-in is: a wrong one is a failed sign-in for the address,
    counting towards the same lockout, and while locked SignInLocked is raised unchecked. A right
    one is audited as user.password_confirmed with the purpose."""
    checked = sign_in_attempt(request=request, email=user.email, password=password, purpose=purpose)
    if checked is None or checked.pk != user.pk:
        return False
    Auditor(user).record(
        action="user.password_confirmed",
        obj=user,
        organisation=_organisation_of(user),
        after={"client": client_address(request), "purpose": purpose},
    )
    return True


def _sign_in_refusal(*, email: str, client: str, device: str | None) -> SignInRefusal | None:
    recent = AuditEntry.objects.filter(
        action="user.sign_in_failed", at__gte=timezone.now() - SIGN_IN_LOCKOUT
    )
    if device is not None:
        by_device = recent.filter(after__email=email, after__device=device).count()
        return SignInRefusal.DEVICE if by_device >= SIGN_IN_FAILURE_LIMIT else None
    if recent.filter(after__client=client).count() >= CLIENT_FAILURE_LIMIT:
        return SignInRefusal.CLIENT
    untrusted = recent.filter(after__email=email, after__device__isnull=True).count()
    return SignInRefusal.EMAIL if untrusted >= SIGN_IN_FAILURE_LIMIT else None


def user_sign_in(*, request: HttpRequest, user: User, how: dict[str, object] | None = None) -> None:
    """Start a session for a user whose credentials were checked, and record it; `how`, for a
    sign-in through a provider, says which and how it authenticated them (accounts/oidc.py)."""
    login(request, user)
    Auditor(user).record(
        action="user.sign_in",
        obj=user,
        organisation=_organisation_of(user),
        after={"client": client_address(request), **(how or {})},
    )


def user_sign_out(*, request: HttpRequest) -> None:
    user = request.user
    if user.is_authenticated:
        Auditor(user).record(
            action="user.sign_out",
            obj=user,
            organisation=_organisation_of(user),
            after={"client": client_address(request)},
        )
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
def organisation_name_from_ods(
    *, organisation: Organisation, name: str, actor: User | None
) -> bool:
    """Give the organisation the official name ODS data gives its code (ADR 0017): a renamed
    organisation follows ODS. Audited (organisation.rename) when the name changes; True then."""
    locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if locked.name == name:
        return False
    before = locked.name
    locked.name = name
    locked.save(update_fields=["name", "updated_at"])
    organisation.name = name
    Auditor(actor).record(
        action="organisation.rename",
        obj=locked,
        organisation=locked,
        before={"name": before},
        after={"name": name, "from": "ODS data"},
    )
    return True


@transaction.atomic
def organisation_attestation_rule_set(
    *, organisation: Organisation, by_someone_else: bool, actor: User
) -> bool:
    """Whether an answer of the organisation's must be attested by someone other than whoever
    gave it or asked for the attestation (ADR 0012). Only the organisation's onboarding lead
    may change it (PermissionError otherwise). Audited (organisation.attestation_rule) when it
    changes; True then."""
    if not (is_onboarding_lead(actor) and actor.membership.organisation_id == organisation.pk):
        raise PermissionError("Only the organisation's onboarding lead can change this")
    locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
    organisation.attestation_by_someone_else = locked.attestation_by_someone_else
    if locked.attestation_by_someone_else == by_someone_else:
        return False
    locked.attestation_by_someone_else = by_someone_else
    locked.save(update_fields=["attestation_by_someone_else", "updated_at"])
    organisation.attestation_by_someone_else = by_someone_else
    Auditor(actor).record(
        action="organisation.attestation_rule",
        obj=locked,
        organisation=locked,
        before={"attestation_by_someone_else": not by_someone_else},
        after={"attestation_by_someone_else": by_someone_else},
    )
    return True


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
