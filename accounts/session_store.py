"""Sessions kept in the database and read through Redis (Django's cached_db, ADR 0027), that go
on working from the database alone while Redis cannot be reached.

Django's own cached_db already reads a session from the database when the cache fails to answer,
and logs a failed write to the cache; but it then fails the request when it puts the session it
read back into the cache, and when it asks the cache whether a new session key is taken. Here
both are logged and the database answers.

Ending a session (signing out, the idle limit) while Redis is unreachable deletes its row from
the database and records a SessionEviction: a copy of the session may remain in Redis for when
it answers again, and a session that has ended must not come back from it. Each process reads the
sessions waiting for eviction at most every EVICTION_CHECK_SECONDS, refuses a cached copy of any
of them (reading the database, which no longer has it), and deletes them from Redis once it can,
then their rows. A process that has not yet read a new eviction is reading a Redis that is down,
so it reads the database too; the one gap is a process that read the list less than
EVICTION_CHECK_SECONDS before Redis came back (ADR 0027, amended)."""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.cached_db import KEY_PREFIX
from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore
from django.contrib.sessions.backends.db import SessionStore as DBStore
from django.utils import timezone

logger = logging.getLogger("django.contrib.sessions")

EVICTION_CHECK_SECONDS = 5.0


class _Evictions:
    """This process's view of the sessions ended while Redis was unreachable."""

    def __init__(self) -> None:
        self.keys: set[str] = set()
        self.read_at: float | None = None

    def forget(self) -> None:
        """Read the list again at the next request (tests; a new process starts so)."""
        self.keys = set()
        self.read_at = None

    def waiting(self, cache: Any) -> set[str]:
        """The sessions whose copies in the cache must not be used: those this process knows
        are still in it, or, when the list is due to be read again, every session that ended
        while the cache was unreachable and has not yet expired there (their copies are then
        deleted from the cache, if it answers, and forgotten once gone)."""
        now = time.monotonic()
        if self.read_at is not None and now - self.read_at < EVICTION_CHECK_SECONDS:
            return self.keys
        self.read_at = now
        from .models import SessionEviction

        # A copy in Redis lasts no longer than the idle limit: older rows have nothing left.
        cutoff = timezone.now() - timedelta(seconds=settings.SESSION_COOKIE_AGE)
        rows = list(SessionEviction.objects.values_list("session_key", "at"))
        ended = {key for key, at in rows if at >= cutoff}
        self.keys = ended
        if rows:
            try:
                cache.delete_many([KEY_PREFIX + key for key in ended])
            except Exception:
                logger.exception("Error deleting ended sessions from the cache (%s)", cache)
                SessionEviction.objects.filter(at__lt=cutoff).delete()
            else:
                SessionEviction.objects.filter(session_key__in=[key for key, _ in rows]).delete()
                self.keys = set()
        return ended

    def add(self, session_key: str) -> None:
        from .models import SessionEviction

        SessionEviction.objects.update_or_create(
            session_key=session_key, defaults={"at": timezone.now()}
        )
        self.keys.add(session_key)


evictions = _Evictions()


class SessionStore(CachedDBStore):
    def load(self) -> dict[str, Any]:
        try:
            data = self._cache.get(self.cache_key)
        except Exception:
            logger.exception("Error reading a session from the cache (%s)", self._cache)
            data = None
        if data is not None and self.session_key not in evictions.waiting(self._cache):
            return data
        stored = self._get_session_from_db()
        if not stored:
            return {}
        data = self.decode(stored.session_data)
        try:
            self._cache.set(self.cache_key, data, self.get_expiry_age(expiry=stored.expire_date))
        except Exception:
            logger.exception("Error saving a session to the cache (%s)", self._cache)
        return data

    def exists(self, session_key: str | None) -> bool:
        if not session_key:
            return False
        try:
            if (self.cache_key_prefix + session_key) in self._cache:
                return True
        except Exception:
            logger.exception("Error asking the cache for a session (%s)", self._cache)
        return DBStore.exists(self, session_key)

    def delete(self, session_key: str | None = None) -> None:
        DBStore.delete(self, session_key)
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        try:
            self._cache.delete(self.cache_key_prefix + session_key)
        except Exception:
            logger.exception("Error deleting a session from the cache (%s)", self._cache)
            evictions.add(session_key)
