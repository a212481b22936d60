"""Bearer-token authentication and the per-token rate limit (ADR 0024)."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from . import selectors, services
from .models import ApiRequestCount, ApiToken


class RateLimited(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


def _count_request(token: ApiToken) -> None:
    """A fixed one-minute window per token, counted in the database: a web process's own cache
    would let a token make the limit's worth of requests in each process."""
    now = time.time()
    minute = int(now // 60)
    this_minute = ApiRequestCount.objects.filter(token=token, minute=minute)
    with transaction.atomic():
        if not this_minute.update(count=F("count") + 1):
            ApiRequestCount.objects.filter(token=token, minute__lt=minute).delete()
            try:
                with transaction.atomic():
                    ApiRequestCount.objects.create(token=token, minute=minute, count=1)
            except IntegrityError:  # another process counted this minute's first request
                this_minute.update(count=F("count") + 1)
        count = this_minute.values_list("count", flat=True).get()
    if count > settings.API_REQUESTS_PER_MINUTE:
        raise RateLimited(retry_after=60 - int(now) % 60)


class TokenAuth(HttpBearer):
    """``Authorization: Bearer nir_...``: the token's user, with exactly their permissions."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = selectors.token_for_secret(token)
        if found is None:
            return None
        # Counted before the refusal: each refused use is audited, and a leaked revoked token
        # must not write to the audit log faster than a live one may ask.
        _count_request(found)
        if found.revoked_at is not None or found.expires_at <= timezone.now():
            services.token_refused(token=found, why="revoked" if found.revoked_at else "expired")
            return None
        if not found.user.is_active:
            return None
        request.user = found.user
        request.api_token = found  # type: ignore[attr-defined]
        return found.user
