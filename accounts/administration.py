"""The administrators' writes (ADR 0011): an organisation with its first member invited as
onboarding lead, the first administrator's link for a fresh service, and taking away a staff
member's access. Each is audited; invitations themselves are accounts/people.py."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from audit.services import Auditor
from core.tokens import token_hash, token_new
from ods.selectors import OdsCheck, OdsOutcome, ods_code_check

from .models import (
    ODS_CODE_PATTERN,
    Invitation,
    Organisation,
    User,
    UserKind,
    ods_code_validator,
)
from .people import MembersRefused, invitation_create, invitation_fields, invitation_issue
from .services import organisation_create

LAST_ADMINISTRATOR = "The service must always have an administrator"


@transaction.atomic
def organisation_create_with_lead(
    *, name: str, ods_code: str, lead_email: str, actor: User | None
) -> tuple[Organisation, Invitation]:
    """An administrator creates an organisation and invites its first member as its onboarding
    lead. ValidationError from the organisation's checks (ODS code format, unique), and when
    ODS data has been imported (ADR 0017): the code must be an active organisation in it, whose
    official name is used whatever ``name`` says. With no ODS data, ``name`` is used as typed."""
    ods_code = ods_code.strip().upper()
    if not re.match(ODS_CODE_PATTERN, ods_code):
        raise ValidationError({"ods_code": str(ods_code_validator.message)})
    check = ods_code_check(ods_code)
    if check.refused:
        raise ValidationError({"ods_code": ods_refusal_for_administrator(check)})
    name = check.official_name or name
    organisation = organisation_create(name=name, ods_code=ods_code, actor=actor)
    invitation = invitation_create(
        email=lead_email, organisation=organisation, is_lead=True, actor=actor
    )
    return organisation, invitation


def ods_refusal_for_administrator(check: OdsCheck) -> str:
    if check.outcome == OdsOutcome.CLOSED and check.organisation is not None:
        return (
            f"Enter the ODS code of an open organisation: {check.organisation.name} "
            f"({check.code}) is closed in the ODS data"
        )
    return f"Enter an ODS code from the ODS data: no organisation has the code {check.code}"


@transaction.atomic
def administrator_invitation_link(*, email: str) -> str:
    """For a fresh service (manage.py create_administrator): invite ``email`` as an
    administrator, as the system, and return the single-use link to hand over; no email is
    sent (a fresh service may have none yet). An invitation already waiting gets a new link."""
    invitation, token = invitation_issue(
        email=email, actor=None, organisation=None, kind=UserKind.ADMINISTRATOR, is_lead=False
    )
    if token is None:
        token = token_new()
        invitation.token_hash = token_hash(token)
        invitation.save(update_fields=["token_hash"])
        Auditor(None).record(
            action="invitation.resend",
            obj=invitation,
            after=invitation_fields(invitation),
        )
    path = reverse("accounts:invitation_link", kwargs={"token": token})
    return settings.SERVICE_URL.rstrip("/") + path


@transaction.atomic
def staff_remove(*, user: User, actor: User) -> None:
    """Take away a reviewer's or administrator's access: the account is deactivated (its
    sessions end at the next request) and kept, with its history. Nobody removes themselves,
    and the last active administrator stays."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    if locked.kind not in (UserKind.REVIEWER, UserKind.ADMINISTRATOR):
        raise MembersRefused("Only NHS England staff are removed here")
    if locked.pk == actor.pk:
        raise MembersRefused("You cannot remove yourself. Ask another administrator")
    if not locked.is_active:
        return
    if (
        locked.kind == UserKind.ADMINISTRATOR
        and User.objects.select_for_update()
        .filter(kind=UserKind.ADMINISTRATOR, is_active=True)
        .count()
        <= 1
    ):
        raise MembersRefused(LAST_ADMINISTRATOR)
    locked.is_active = False
    locked.save(update_fields=["is_active"])
    Auditor(actor).record(
        action="user.deactivate",
        obj=locked,
        before={"kind": locked.kind, "is_active": True},
        after={"kind": locked.kind, "is_active": False},
    )


def _last_administrator(user: User) -> bool:
    return (
        user.kind == UserKind.ADMINISTRATOR
        and User.objects.select_for_update()
        .filter(kind=UserKind.ADMINISTRATOR, is_active=True)
        .count()
        <= 1
    )


def _active_set(user: User, *, actor: User, active: bool) -> None:
    user.is_active = active
    user.save(update_fields=["is_active"])
    membership = getattr(user, "membership", None)
    Auditor(actor).record(
        action="user.reactivate" if active else "user.deactivate",
        obj=user,
        organisation=membership.organisation if membership else None,
        before={"kind": user.kind, "is_active": not active},
        after={"kind": user.kind, "is_active": active},
    )


@transaction.atomic
def account_deactivate(*, user: User, actor: User) -> None:
    """Anyone's account, deactivated by an administrator: they cannot sign in, and a session
    of theirs ends at its next request. Kept, with its history and membership, to reactivate.
    Nobody deactivates themselves, and the last active administrator stays."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    if locked.pk == actor.pk:
        raise MembersRefused("You cannot deactivate your own account. Ask another administrator")
    if not locked.is_active:
        return
    if _last_administrator(locked):
        raise MembersRefused(LAST_ADMINISTRATOR)
    _active_set(locked, actor=actor, active=False)


@transaction.atomic
def account_reactivate(*, user: User, actor: User) -> None:
    """A deactivated account may sign in again, as it was (its organisation and role)."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    if not locked.is_active:
        _active_set(locked, actor=actor, active=True)
