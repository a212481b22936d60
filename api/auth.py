"""Bearer-token authentication and the per-token rate limit (ADR 0024)."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from . import selectors, services


class RateLimited(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


def _count_request(token_key: str) -> None:
    """A fixed one-minute window per token, counted in the cache."""
    limit = settings.API_REQUESTS_PER_MINUTE
    window = int(time.time() // 60)
    key = f"api-rate:{token_key}:{window}"
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:  # the entry expired between add and incr
        cache.set(key, 1, timeout=120)
        count = 1
    if count > limit:
        raise RateLimited(retry_after=60 - int(time.time()) % 60)


class TokenAuth(HttpBearer):
    """``Authorization: Bearer nir_...``: the token's user, with exactly their permissions."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = selectors.token_for_secret(token)
        if found is None:
            return None
        # Counted before the refusal: each refused use is audited, and a leaked revoked token
        # must not write to the audit log faster than a live one may ask.
        _count_request(found.key_hash)
        if found.revoked_at is not None or found.expires_at <= timezone.now():
            services.token_refused(token=found, why="revoked" if found.revoked_at else "expired")
            return None
        if not found.user.is_active:
            return None
        request.user = found.user
        request.api_token = found  # type: ignore[attr-defined]
        return found.user
