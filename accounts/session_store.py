"""Sessions kept in the database and read through Redis (Django's cached_db, ADR 0027), that go
on working from the database alone while Redis cannot be reached.

Django's own cached_db already reads a session from the database when the cache fails to answer,
and logs a failed write to the cache; but it then fails the request when it puts the session it
read back into the cache, and when it asks the cache whether a new session key is taken. Here
both are logged and the database answers. Deleting a session (signing out) still fails while
Redis is unreachable: saying the session has ended while a copy may remain in the cache would
be worse than the error page."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore
from django.contrib.sessions.backends.db import SessionStore as DBStore

logger = logging.getLogger("django.contrib.sessions")


class SessionStore(CachedDBStore):
    def load(self) -> dict[str, Any]:
        try:
            data = self._cache.get(self.cache_key)
        except Exception:
            logger.exception("Error reading a session from the cache (%s)", self._cache)
            data = None
        if data is not None:
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
