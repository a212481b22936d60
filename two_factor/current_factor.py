"""What lets a session do something a stolen session must not do alone: the person's current
factor, accepted in this session a moment ago, for that one purpose (issue 22). Setting up a new
authenticator app in place of the current one and creating a personal API token ask for it.

The current factor is a code from the authenticator app or a recovery code for someone who has
an app, and the password for someone who has none. The session keeps only when it was given, which
kind, and for what; the service that acts judges whether it still counts
(two_factor.services.current_factor_counts: within CURRENT_FACTOR_FOR, and after the last thing
it allowed, so one check allows one change). Another session of the same person gains nothing
from it, and a check for one purpose allows nothing else."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from django.http import HttpRequest
from django.utils import timezone

if TYPE_CHECKING:
    from accounts.models import User


class Purpose(StrEnum):
    REPLACE = "replace"  # set up a new authenticator app in place of the current one
    API_TOKEN = "api_token"  # create a personal API token (ADR 0024)
    PASSKEYS = "passkeys"  # add or remove a passkey (ADR 0043)


class Factor(StrEnum):
    AUTHENTICATOR = "authenticator"  # a code from the app
    RECOVERY_CODE = "recovery_code"
    PASSWORD = "password"  # only for someone with no authenticator app
    PASSKEY = "passkey"  # one of their passkeys (ADR 0043), where the purpose offers it


@dataclass(frozen=True)
class GivenFactor:
    at: datetime
    factor: Factor


def _key(purpose: Purpose) -> str:
    return f"current_factor_{purpose.value}"


def current_factor_remember(
    request: HttpRequest, user: User, *, purpose: Purpose, factor: Factor
) -> None:
    """`user`'s current factor was accepted just now, in this session, for `purpose`."""
    request.session[_key(purpose)] = {
        "user": user.pk,
        "at": timezone.now().isoformat(),
        "factor": factor.value,
    }


def current_factor_given(
    request: HttpRequest, user: User, *, purpose: Purpose
) -> GivenFactor | None:
    """When, and which, `user`'s current factor this session had accepted for `purpose`, if
    ever."""
    kept = request.session.get(_key(purpose))
    if not isinstance(kept, dict) or kept.get("user") != user.pk:
        return None
    try:
        return GivenFactor(
            at=datetime.fromisoformat(str(kept.get("at"))), factor=Factor(kept.get("factor"))
        )
    except ValueError:
        return None


def current_factor_forget(request: HttpRequest, *, purpose: Purpose) -> None:
    request.session.pop(_key(purpose), None)
