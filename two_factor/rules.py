"""Who must use two-factor sign-in. Views, selectors and the sign-in step ask this."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings

from accounts.rules import can_review

if TYPE_CHECKING:
    from accounts.models import User


def two_factor_required(user: User) -> bool:
    """NHS England staff (reviewers and administrators) always; everyone when
    TWO_FACTOR_REQUIRED_FOR_ALL is on. Others are asked at sign-in and may do it later."""
    return bool(
        settings.TWO_FACTOR_REQUIRED_FOR_ALL
        or can_review(user)
        or user.is_staff
        or user.is_superuser
    )


def may_turn_off(user: User) -> bool:
    return not two_factor_required(user)
