"""Reads of organisations, members and invitations, always scoped to the user asking: another
organisation's member or invitation is a 404."""

from __future__ import annotations

import uuid

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from core.tokens import token_hash

from . import refusals
from .models import (
    Invitation,
    Membership,
    Organisation,
    PasswordReset,
    User,
    UserKind,
    password_fingerprint,
)
from .rules import can_administer, is_applicant, is_onboarding_lead


def organisation_for_user(user: User) -> Organisation | None:
    membership = getattr(user, "membership", None)
    return membership.organisation if membership else None


def _own_organisation(user: User) -> Organisation:
    if not is_applicant(user):
        raise refusals.not_a_member(user)
    return user.membership.organisation


def members_of(organisation: Organisation) -> list[Membership]:
    return list(
        organisation.memberships.select_related("user").order_by(
            "-is_onboarding_lead", "user__full_name", "user__email"
        )
    )


def invitations_waiting(organisation: Organisation | None) -> QuerySet[Invitation]:
    """Invitations neither accepted nor revoked (expired ones included, to resend), oldest
    first: an organisation's, or (None) NHS England staff's."""
    return Invitation.objects.filter(
        organisation=organisation, accepted_at__isnull=True, revoked_at__isnull=True
    ).order_by("created_at", "pk")


def members_for_user(user: User) -> tuple[Organisation, list[Membership], list[Invitation]]:
    """The user's organisation, its members and its invitations waiting. Applicants only."""
    organisation = _own_organisation(user)
    return organisation, members_of(organisation), list(invitations_waiting(organisation))


def membership_for_lead(*, user: User, membership_id: int) -> Membership:
    """A member of the lead's own organisation; anyone else's, a 404. Not a lead: refused."""
    organisation = _own_organisation(user)
    if not is_onboarding_lead(user):
        raise refusals.not_the_lead(user, doing="change who is a member")
    membership = organisation.memberships.select_related("user").filter(pk=membership_id).first()
    if membership is None:
        raise Http404
    return membership


def invitation_for_lead(*, user: User, invitation_id: uuid.UUID) -> Invitation:
    """An invitation waiting in the lead's own organisation; anyone else's, a 404."""
    organisation = _own_organisation(user)
    if not is_onboarding_lead(user):
        raise refusals.not_the_lead(user, doing="change who is invited")
    invitation = invitations_waiting(organisation).filter(pk=invitation_id).first()
    if invitation is None:
        raise Http404
    return invitation


def invitation_by_token(token: str) -> Invitation | None:
    """The invitation a link's token names, only while it can be accepted: used, revoked,
    expired and unknown links are all None, so no page can tell them apart."""
    return invitation_followed(token_hash(token))


def invitation_followed(link_hash: object) -> Invitation | None:
    """The invitation whose link this browser followed, found by the hash of the link's token
    that its session keeps, while it can be accepted. A resend gives the invitation a new token,
    so a session that followed an earlier link finds nothing."""
    if not isinstance(link_hash, str) or not link_hash:
        return None
    invitation = (
        Invitation.objects.select_related("organisation").filter(token_hash=link_hash).first()
    )
    return invitation if invitation is not None and invitation.is_usable() else None


def account_for_email(email: str) -> User | None:
    return User.objects.filter(email=email).first()


def password_reset_by_token(token: str) -> PasswordReset | None:
    return password_reset_followed(token_hash(token))


def password_reset_followed(link_hash: object) -> PasswordReset | None:
    """The reset whose link this browser followed, found by the hash of the link's token that its
    session keeps, while it can be used."""
    if not isinstance(link_hash, str) or not link_hash:
        return None
    reset = PasswordReset.objects.select_related("user").filter(token_hash=link_hash).first()
    return reset if reset is not None and password_reset_usable(reset) else None


def password_reset_usable(reset: PasswordReset) -> bool:
    return (
        reset.used_at is None
        and reset.expires_at > timezone.now()
        and reset.user.is_active
        and reset.password_fingerprint == password_fingerprint(reset.user)
    )


def organisations_for_administrator(user: User) -> list[Organisation]:
    refusals.administrator_required(user)
    return list(
        Organisation.objects.annotate(member_count=Count("memberships")).order_by("name", "pk")
    )


def organisation_for_administrator(
    *, user: User, organisation_id: int
) -> tuple[Organisation, list[Membership], list[Invitation]]:
    refusals.administrator_required(user)
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        raise Http404
    return organisation, members_of(organisation), list(invitations_waiting(organisation))


def staff_for_administrator(user: User) -> tuple[list[User], list[Invitation]]:
    """Active reviewers and administrators, and staff invitations waiting."""
    refusals.administrator_required(user)
    staff = User.objects.filter(
        kind__in=[UserKind.REVIEWER, UserKind.ADMINISTRATOR], is_active=True
    ).order_by("kind", "email")
    return list(staff), list(invitations_waiting(None))


def staff_invitation_for_administrator(*, user: User, invitation_id: uuid.UUID) -> Invitation:
    refusals.administrator_required(user)
    invitation = invitations_waiting(None).filter(pk=invitation_id).first()
    if invitation is None:
        raise Http404
    return invitation


def staff_member_for_administrator(*, user: User, user_id: int) -> User:
    refusals.administrator_required(user)
    person = User.objects.filter(
        pk=user_id, kind__in=[UserKind.REVIEWER, UserKind.ADMINISTRATOR], is_active=True
    ).first()
    if person is None:
        raise Http404
    return person


PEOPLE_SHOWN = 50


def people_for_administrator(*, user: User, search: str) -> list[User]:
    """Everyone whose name or email address contains ``search`` (any case), with their
    organisation, the first PEOPLE_SHOWN by email address; nobody for an empty search."""
    refusals.administrator_required(user)
    search = " ".join(search.split())
    if not search:
        return []
    return list(
        User.objects.filter(Q(full_name__icontains=search) | Q(email__icontains=search))
        .select_related("membership__organisation")
        .order_by("email")[:PEOPLE_SHOWN]
    )


def person_for_administrator(*, user: User, person_id: int) -> User:
    """Anyone's account, active or not, with their organisation."""
    refusals.administrator_required(user)
    person = User.objects.select_related("membership__organisation").filter(pk=person_id).first()
    if person is None:
        raise Http404
    return person


def organisation_invitation_for_administrator(
    *, user: User, organisation_id: int, invitation_id: uuid.UUID
) -> Invitation:
    """An invitation waiting in the organisation named, found through it. Anyone but an
    administrator gets a 404: to them the invitation does not exist."""
    if not can_administer(user):
        raise Http404
    invitation = (
        Invitation.objects.filter(
            pk=invitation_id,
            organisation_id=organisation_id,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
        )
        .select_related("organisation")
        .first()
    )
    if invitation is None:
        raise Http404
    return invitation
