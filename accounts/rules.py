"""Permission predicates. Views and selectors ask these; nothing else decides who may do what."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .models import UserKind

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from .models import Organisation, User


def is_applicant(user: User | AnonymousUser) -> bool:
    return bool(
        user.is_authenticated and user.kind == UserKind.APPLICANT and hasattr(user, "membership")
    )


def is_member_of(user: User | AnonymousUser, organisation: Organisation) -> bool:
    return is_applicant(user) and user.membership.organisation_id == organisation.pk


def is_reviewer(user: User | AnonymousUser | None) -> bool:
    return bool(user is not None and user.is_authenticated and user.kind == UserKind.REVIEWER)


def can_review(user: User | AnonymousUser | None) -> bool:
    """NHS England staff who may assess applications and decide: reviewers and administrators."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.kind in (UserKind.REVIEWER, UserKind.ADMINISTRATOR)
    )


def is_onboarding_lead(user: User | AnonymousUser) -> bool:
    """An onboarding lead manages their organisation's members and invitations; every member
    sees the list."""
    return is_applicant(user) and user.membership.is_onboarding_lead


def can_administer(user: User | AnonymousUser | None) -> bool:
    """NHS England administrators manage organisations and staff."""
    return bool(user is not None and user.is_authenticated and user.kind == UserKind.ADMINISTRATOR)
