"""Writes for an organisation's members and invitations, organisations' and NHS England's alike
(ADR 0011). Each records an audit entry; invitation links are single-use, expire, and only their
SHA-256 is stored. Password resets are in accounts/password_resets.py, the administrators' own
writes in accounts/administration.py.

Apart from accounts.services (which the two-factor sign-in step imports) because these send
emails through notifications, which two-factor must not reach."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from audit.services import Auditor
from core.tokens import LINK_DEAD, token_hash, token_new
from notifications.services import notify

from .models import Invitation, Membership, Organisation, User, UserKind, normalise_email
from .services import user_create


class MembersRefused(Exception):
    """A change to an organisation's members that is not allowed; the message says why."""


LAST_LEAD = (
    "An organisation must always have an onboarding lead. "
    "Hand over the lead role to a colleague first"
)
OTHER_ORGANISATION = (
    "This email address already has an account with another organisation. "
    "An account can belong to one organisation only"
)
STAFF_ACCOUNT = (
    "This email address belongs to an NHS England account, which cannot join an organisation"
)
APPLICANT_ACCOUNT = (
    "This email address already has an account that is not NHS England staff. "
    "Ask an administrator to invite another address"
)
STAFF_JOINING = {
    UserKind.REVIEWER: "NHS England as a reviewer",
    UserKind.ADMINISTRATOR: "NHS England as an administrator",
}


def invitation_fields(invitation: Invitation) -> dict[str, object]:
    return {
        "email": invitation.email,
        "kind": invitation.kind,
        "organisation": invitation.organisation_id,
        "is_lead": invitation.is_lead,
        "expires_at": invitation.expires_at.isoformat(),
    }


def _invitation_send(invitation: Invitation, token: str) -> None:
    """Email the link. Its token is the secret: the outbox drops it once the email has gone."""
    path = reverse("accounts:invitation_link", kwargs={"token": token})
    joining = (
        invitation.organisation.name
        if invitation.organisation is not None
        else STAFF_JOINING[UserKind(invitation.kind)]
    )
    notify(
        template="invitation",
        recipients=[invitation.email],
        personalisation={
            "joining": joining,
            "expires": _date_text(invitation.expires_at),
            "url": settings.SERVICE_URL.rstrip("/") + path,
        },
    )


def _date_text(moment: datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local:%-d %B %Y}"


def _live_invitations(*, email: str, organisation: Organisation | None) -> QuerySet[Invitation]:
    return Invitation.objects.filter(
        email=email,
        organisation=organisation,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
    )


@transaction.atomic
def invitation_create(
    *,
    email: str,
    actor: User | None,
    organisation: Organisation | None = None,
    kind: str = UserKind.APPLICANT,
    is_lead: bool = False,
) -> Invitation:
    """Invite ``email`` to join ``organisation`` (an applicant), or NHS England staff in
    ``kind`` (no organisation), and email them a single-use link that lasts INVITATION_DAYS.

    Asking again while an invitation to the same address is still usable changes nothing and
    sends nothing (a double submit is harmless); an expired one is revoked and a new one sent.
    ``actor`` None is the system."""
    invitation, token = invitation_issue(
        email=email, actor=actor, organisation=organisation, kind=kind, is_lead=is_lead
    )
    if token is not None:
        _invitation_send(invitation, token)
    return invitation


def invitation_issue(
    *,
    email: str,
    actor: User | None,
    organisation: Organisation | None,
    kind: str,
    is_lead: bool,
) -> tuple[Invitation, str | None]:
    """The invitation and its new token; the token is None when a usable one was waiting."""
    email = normalise_email(email)
    if organisation is not None:
        organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
        if Membership.objects.filter(organisation=organisation, user__email=email).exists():
            raise MembersRefused(f"{email} is already a member of {organisation.name}")
    elif User.objects.filter(email=email, kind=kind, is_active=True).exists():
        raise MembersRefused(f"{email} already has an account in that role")
    now = timezone.now()
    for earlier in _live_invitations(email=email, organisation=organisation).select_for_update():
        if earlier.expires_at > now and (earlier.kind, earlier.is_lead) == (kind, is_lead):
            return earlier, None
        _invitation_end(earlier, actor=actor, why="replaced")
    token = token_new()
    invitation = Invitation.objects.create(
        email=email,
        kind=kind,
        organisation=organisation,
        is_lead=is_lead,
        invited_by=actor,
        token_hash=token_hash(token),
        sent_at=now,
        expires_at=now + timedelta(days=settings.INVITATION_DAYS),
    )
    Auditor(actor).record(
        action="invitation.create",
        obj=invitation,
        organisation=organisation,
        after=invitation_fields(invitation),
    )
    return invitation, token


def _invitation_end(invitation: Invitation, *, actor: User | None, why: str) -> None:
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    Auditor(actor).record(
        action="invitation.revoke",
        obj=invitation,
        organisation=invitation.organisation,
        before=invitation_fields(invitation),
        after={"why": why},
    )


def _invitation_lock(invitation: Invitation) -> Invitation | None:
    """The invitation, locked, when it is still waiting (neither accepted nor revoked)."""
    return (
        Invitation.objects.select_for_update()
        .filter(pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True)
        .first()
    )


@transaction.atomic
def invitation_resend(*, invitation: Invitation, actor: User) -> Invitation | None:
    """Send the invitation again with a new link (the old one stops working) and a new expiry.
    None when it was accepted or revoked meanwhile."""
    locked = _invitation_lock(invitation)
    if locked is None:
        return None
    token = token_new()
    before = invitation_fields(locked)
    locked.token_hash = token_hash(token)
    locked.sent_at = timezone.now()
    locked.expires_at = locked.sent_at + timedelta(days=settings.INVITATION_DAYS)
    locked.save(update_fields=["token_hash", "sent_at", "expires_at"])
    Auditor(actor).record(
        action="invitation.resend",
        obj=locked,
        organisation=locked.organisation,
        before=before,
        after=invitation_fields(locked),
    )
    _invitation_send(locked, token)
    return locked


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, actor: User) -> None:
    """Revoke an invitation still waiting: its link stops working. Already accepted or revoked:
    nothing changes (a double submit is harmless)."""
    locked = _invitation_lock(invitation)
    if locked is not None:
        _invitation_end(locked, actor=actor, why="revoked")


def invitation_refusal(invitation: Invitation, user: User | None) -> str | None:
    """Why ``user`` (the account with the invitation's email address, or None when there is
    none) cannot accept it, in words for them; None when they can."""
    if user is None:
        return None
    if invitation.kind == UserKind.APPLICANT:
        if user.kind != UserKind.APPLICANT:
            return STAFF_ACCOUNT
        membership = getattr(user, "membership", None)
        if membership is not None and membership.organisation_id != invitation.organisation_id:
            return OTHER_ORGANISATION
        return None
    if user.kind == UserKind.APPLICANT:
        return APPLICANT_ACCOUNT
    return None


@transaction.atomic
def invitation_accept(
    *, invitation: Invitation, user: User | None, full_name: str = "", password: str = ""
) -> User:
    """Accept the invitation: as ``user`` (signed in with its email address), or by creating
    the account (``full_name`` and ``password``, already checked) when there is none, or by
    reopening a removed (deactivated) one with them: it cannot sign in, and the emailed link
    proves the address as a password reset's does. The account joins the organisation (or
    takes the staff role) and the link is used up.

    MembersRefused when the link no longer works (used, revoked, expired, or resent since
    ``invitation`` was read, so its token is not the one followed: one message for all), or the
    account cannot join (another organisation's member; staff)."""
    locked = _invitation_lock(invitation)
    if (
        locked is None
        or locked.expires_at <= timezone.now()
        or locked.token_hash != invitation.token_hash
    ):
        raise MembersRefused(LINK_DEAD)
    if user is None:
        user = User.objects.select_for_update().filter(email=locked.email).first()
        if user is None:
            user = user_create(
                email=locked.email,
                password=password,
                kind=locked.kind,
                full_name=full_name,
                organisation=locked.organisation,
                is_onboarding_lead=locked.is_lead,
                actor=None,
            )
        elif user.is_active:
            raise MembersRefused("Sign in to accept this invitation")
        else:
            _refuse_unless_joinable(locked, user)
            _join(locked, _reopen(user, full_name=full_name, password=password))
    else:
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.email != locked.email:
            raise MembersRefused(f"This invitation is for {locked.email}")
        _refuse_unless_joinable(locked, user)
        _join(locked, user)
    locked.accepted_at = timezone.now()
    locked.accepted_by = user
    locked.save(update_fields=["accepted_at", "accepted_by"])
    Auditor(user).record(
        action="invitation.accept",
        obj=locked,
        organisation=locked.organisation,
        after={"user": user.pk, **invitation_fields(locked)},
    )
    return user


def _refuse_unless_joinable(invitation: Invitation, user: User) -> None:
    refusal = invitation_refusal(invitation, user)
    if refusal is not None:
        raise MembersRefused(refusal)


def _reopen(user: User, *, full_name: str, password: str) -> User:
    """A removed account, locked, is active again with the name and new password its person
    chose through the invitation's link."""
    before = {"full_name": user.full_name, "is_active": user.is_active}
    user.full_name = full_name
    user.set_password(password)
    user.is_active = True
    user.save(update_fields=["full_name", "password", "is_active"])
    Auditor(user).record(
        action="user.reopen",
        obj=user,
        before=before,
        after={"full_name": full_name, "is_active": True, "password": "changed"},
    )
    return user


def _join(invitation: Invitation, user: User) -> None:
    """An existing account takes what the invitation gives: membership (a lead if invited as
    one), or the staff role."""
    if invitation.organisation is not None:
        membership = Membership.objects.filter(user=user).first()
        before = (
            {"organisation": membership.organisation_id, "is_lead": membership.is_onboarding_lead}
            if membership
            else None
        )
        if membership is None:
            membership = Membership.objects.create(
                user=user,
                organisation=invitation.organisation,
                is_onboarding_lead=invitation.is_lead,
            )
        elif invitation.is_lead and not membership.is_onboarding_lead:
            membership.is_onboarding_lead = True
            membership.save(update_fields=["is_onboarding_lead", "updated_at"])
        Auditor(user).record(
            action="membership.join",
            obj=membership,
            organisation=invitation.organisation,
            before=before,
            after={
                "user": user.pk,
                "organisation": membership.organisation_id,
                "is_lead": membership.is_onboarding_lead,
            },
        )
        return
    before = {"kind": user.kind, "is_active": user.is_active}
    user.kind = invitation.kind
    user.is_active = True
    user.is_staff = user.is_superuser = invitation.kind == UserKind.ADMINISTRATOR
    user.save(update_fields=["kind", "is_active", "is_staff", "is_superuser"])
    Auditor(user).record(
        action="user.role_change",
        obj=user,
        before=before,
        after={"kind": user.kind, "is_active": True},
    )


def _leads(organisation: Organisation) -> QuerySet[Membership]:
    return organisation.memberships.filter(is_onboarding_lead=True)


@transaction.atomic
def member_remove(*, membership: Membership, actor: User) -> None:
    """Remove a member from their organisation. The account stays (it may be invited again);
    it no longer acts for the organisation. The last onboarding lead cannot be removed."""
    organisation = Organisation.objects.select_for_update().get(pk=membership.organisation_id)
    locked = Membership.objects.filter(pk=membership.pk).first()
    if locked is None:
        return  # already removed: a double submit
    if locked.is_onboarding_lead and _leads(organisation).count() <= 1:
        raise MembersRefused(LAST_LEAD)
    Auditor(actor).record(
        action="membership.remove",
        obj=locked,
        organisation=organisation,
        before={
            "user": locked.user_id,
            "email": locked.user.email,
            "is_lead": locked.is_onboarding_lead,
        },
    )
    locked.delete()


@transaction.atomic
def member_lead_set(*, membership: Membership, is_lead: bool, actor: User) -> Membership:
    """Make a member an onboarding lead, or not. An organisation always keeps one lead."""
    organisation = Organisation.objects.select_for_update().get(pk=membership.organisation_id)
    locked = Membership.objects.filter(pk=membership.pk).first()
    if locked is None:
        raise MembersRefused("That person is no longer a member")
    if locked.is_onboarding_lead == is_lead:
        return locked
    if not is_lead and _leads(organisation).count() <= 1:
        raise MembersRefused(LAST_LEAD)
    locked.is_onboarding_lead = is_lead
    locked.save(update_fields=["is_onboarding_lead", "updated_at"])
    Auditor(actor).record(
        action="membership.lead_set",
        obj=locked,
        organisation=organisation,
        before={"user": locked.user_id, "is_lead": not is_lead},
        after={"user": locked.user_id, "is_lead": is_lead},
    )
    return locked


@transaction.atomic
def lead_hand_over(*, membership: Membership, actor: User) -> None:
    """The acting lead hands the lead role to another member of their organisation, and stops
    being a lead themselves."""
    mine = Membership.objects.select_for_update().get(user=actor)
    if mine.organisation_id != membership.organisation_id or mine.pk == membership.pk:
        raise MembersRefused("Select a colleague in your organisation")
    member_lead_set(membership=membership, is_lead=True, actor=actor)
    member_lead_set(membership=mine, is_lead=False, actor=actor)
