"""Reads about a user's own two-factor set-up. A person only ever reads their own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from .models import Authenticator, Passkey, RecoveryCode
from .rules import may_turn_off, two_factor_required

if TYPE_CHECKING:
    from accounts.models import User


def confirmed_authenticator(user: User) -> Authenticator | None:
    return Authenticator.objects.filter(user=user, confirmed_at__isnull=False).first()


def has_two_factor(user: User) -> bool:
    return Authenticator.objects.filter(user=user, confirmed_at__isnull=False).exists()


@dataclass(frozen=True)
class TwoFactorStatus:
    is_on: bool
    set_up_at: datetime | None
    recovery_codes_left: int
    required: bool
    may_turn_off: bool


def two_factor_status(user: User) -> TwoFactorStatus:
    authenticator = confirmed_authenticator(user)
    return TwoFactorStatus(
        is_on=authenticator is not None,
        set_up_at=authenticator.confirmed_at if authenticator else None,
        recovery_codes_left=RecoveryCode.objects.filter(user=user, used_at__isnull=True).count(),
        required=two_factor_required(user),
        may_turn_off=may_turn_off(user),
    )


def passkeys_of(user: User) -> list[Passkey]:
    """The person's own passkeys, oldest first."""
    return list(Passkey.objects.filter(user=user))


def passkey_of(user: User, passkey_id: object) -> Passkey | None:
    """One of the person's own passkeys; None for anyone else's, or no such one."""
    try:
        pk = int(str(passkey_id))
    except ValueError:
        return None
    return Passkey.objects.filter(user=user, pk=pk).first()


def passkey_ids_of(user: User) -> list[bytes]:
    return [
        bytes(each)
        for each in Passkey.objects.filter(user=user).values_list("credential_id", flat=True)
    ]


def has_passkey(user: User) -> bool:
    return Passkey.objects.filter(user=user).exists()
