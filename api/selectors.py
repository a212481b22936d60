"""Reads of API tokens, scoped to their owner."""

from __future__ import annotations

import hashlib

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import User

from .models import ApiToken


def key_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def tokens_of(user: User) -> QuerySet[ApiToken]:
    """The user's tokens that still work, newest first."""
    return ApiToken.objects.filter(
        user=user, revoked_at__isnull=True, expires_at__gt=timezone.now()
    )


def token_get_for_owner(*, user: User, token_id: int) -> ApiToken:
    try:
        return tokens_of(user).get(pk=token_id)
    except ApiToken.DoesNotExist as exc:
        raise Http404 from exc


def token_for_secret(secret: str) -> ApiToken | None:
    """The token with this secret, whatever its state (the caller tells live from dead)."""
    return ApiToken.objects.select_related("user").filter(key_hash=key_hash(secret)).first()
