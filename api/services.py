"""Writes of API tokens; each is audited."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from audit.services import append_entry

from .models import ApiToken
from .selectors import key_hash

# The lifetimes a user may choose, in days (ADR 0024). No token lives for ever.
DURATIONS = {7: "7 days", 30: "30 days", 90: "90 days"}
SECRET_PREFIX = "nir_"


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # shown once, never stored


def token_create(*, user: User, name: str, days: int) -> NewToken:
    if days not in DURATIONS:
        raise ValueError(days)
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
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
