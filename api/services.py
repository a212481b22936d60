"""Writes of API tokens; each is audited."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import User
from audit.services import append_entry
from two_factor.current_factor import Factor, GivenFactor
from two_factor.selectors import has_two_factor
from two_factor.services import current_factor_counts

from .models import ApiToken
from .selectors import key_hash

# The lifetimes a user may choose, in days (ADR 0024). No token lives for ever.
DURATIONS = {7: "7 days", 30: "30 days", 90: "90 days"}
SECRET_PREFIX = "nir_"


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # shown once, never stored


class CurrentFactorNeeded(Exception):
    """A token was asked for without the current factor given just before (issue 22)."""


def token_create_allowed(*, user: User, current_factor: GivenFactor | None) -> bool:
    """Whether `current_factor` (two_factor.current_factor, given for Purpose.API_TOKEN in the
    asking session) lets `user` create a token now: a code from the app or a recovery code for
    someone with an authenticator app, the password for someone without; within
    CURRENT_FACTOR_FOR, and after the user's last token was created, so one check makes one
    token."""
    if current_factor is None:
        return False
    if current_factor.factor is Factor.PASSWORD and has_two_factor(user):
        return False
    last = ApiToken.objects.filter(user=user).aggregate(last=Max("created_at"))["last"]
    return current_factor_counts(current_factor.at, last_used=last)


def token_create(
    *, user: User, name: str, days: int, current_factor: GivenFactor | None
) -> NewToken:
    """Create a token for `user`, lasting `days` (one of DURATIONS), and audit it; the secret is
    returned once and only its hash kept.

    A signed-in session alone is not enough (a stolen one would mint a lasting credential):
    without `current_factor` as token_create_allowed requires, CurrentFactorNeeded is raised and
    nothing is created. The user's row is locked while this is judged, so two requests with one
    check cannot both create."""
    if days not in DURATIONS:
        raise ValueError(days)
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()
        if not token_create_allowed(user=user, current_factor=current_factor):
            raise CurrentFactorNeeded
        token = ApiToken.objects.create(
            user=user,
            name=name,
            prefix=secret[:10],
            key_hash=key_hash(secret),
            expires_at=timezone.now() + timedelta(days=days),
        )
        append_entry(
            actor=user,
            action="api_token.created",
            object_type="api_token",
            object_id=str(token.pk),
            subject=name,
            after={
                "name": name,
                "prefix": token.prefix,
                "expires_at": token.expires_at.isoformat(),
            },
        )
    return NewToken(token=token, secret=secret)


def token_revoke(*, token: ApiToken, actor: User) -> None:
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at is not None:
            return
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
        append_entry(
            actor=actor,
            action="api_token.revoked",
            object_type="api_token",
            object_id=str(locked.pk),
            subject=locked.name,
            before={"revoked_at": None},
            after={"revoked_at": locked.revoked_at.isoformat()},
        )


def token_refused(*, token: ApiToken, why: str) -> None:
    """A request came with a revoked or expired token: record it against the token's owner, so
    a leaked token's use shows in the audit log."""
    append_entry(
        actor=None,
        action="api_token.refused",
        object_type="api_token",
        object_id=str(token.pk),
        subject=token.name,
        after={"why": why, "owner": token.user.email},
    )
