"""Entries that anyone may cause without signing in (a refused sign-in, a refused passkey,
feedback), held to a number per client address.

Every entry takes the chain head's row lock (audit.chain), so a client sending such requests
without end would hold up every other write, and fill the log with its text. The count comes from
the audit log itself, as the sign-in lockout's and password resets' do (accounts.services,
accounts.password_resets): entries of the action, within the window, whose `after` matches. Past
the limit a log line says that an entry was left out, with the action only (no client address,
nothing the client sent), and no entry is written."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.core.cache import caches
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac

from .models import AuditEntry
from .services import Auditor

logger = logging.getLogger(__name__)

# Entries of one action from one client address within ANONYMOUS_WINDOW (the sign-in lockout's
# window) before more are left out.
ANONYMOUS_CLIENT_LIMIT = 20
ANONYMOUS_WINDOW = timedelta(minutes=15)


def audit_limit_reached(
    *, action: str, limit: int, window: timedelta = ANONYMOUS_WINDOW, **after: str
) -> bool:
    """Whether `limit` entries of `action` were recorded within `window` whose `after` holds
    each of the values given (none given: every entry of the action counts)."""
    recent = AuditEntry.objects.filter(action=action, at__gte=timezone.now() - window).filter(
        **{f"after__{key}": value for key, value in after.items()}
    )
    return recent[:limit].count() >= limit


def client_over_limit(
    *, action: str, client: str, limit: int, window: timedelta = ANONYMOUS_WINDOW
) -> bool:
    """Count one more of `action` from `client` and say whether it is past `limit` within
    `window`, for actions whose entries must not say who sent them (feedback), so cannot be
    counted from the audit log. The count is kept in this process's memory (the default
    cache) under a keyed hash of the address, for `window` only: the address itself is written
    nowhere. With several processes one client may send up to `limit` to each: enough to keep one
    sender from crowding out everyone else, the purpose here."""
    cache = caches["default"]
    digest = salted_hmac("audit.throttle", f"{action}:{client}", algorithm="sha256").hexdigest()
    key = f"throttle:{action}:{digest}"
    cache.add(key, 0, timeout=int(window.total_seconds()))
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr: this is the first of a new window
        cache.set(key, 1, timeout=int(window.total_seconds()))
        count = 1
    return count > limit


def audit_left_out(action: str) -> None:
    """Say that an entry of `action` was left out, with nothing of who caused it."""
    logger.warning("audit entry left out: too many recently", extra={"action": action})


def audit_anonymous(
    *,
    action: str,
    after: dict[str, Any],
    client: str | None,
    actor: Any = None,
    obj: models.Model | None = None,
    organisation: Any = None,
    limit: int = ANONYMOUS_CLIENT_LIMIT,
) -> bool:
    """Record `action`, unless `limit` entries of it were recorded within ANONYMOUS_WINDOW from
    `client` (kept in the entry as ``after["client"]``), or, where the entry must not say who
    sent it (feedback: client None), from anyone: then log that one was left out instead.
    Whether it was recorded."""
    if client is not None:
        after = {**after, "client": client}
    matching = {"client": client} if client is not None else {}
    if audit_limit_reached(action=action, limit=limit, **matching):
        audit_left_out(action)
        return False
    Auditor(actor).record(action=action, obj=obj, organisation=organisation, after=after)
    return True
