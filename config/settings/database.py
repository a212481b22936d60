"""The database, the caches and where sessions are kept (ADR 0027)."""

import os
import tempfile
from pathlib import Path

from config.env import env, env_database, env_int
from config.settings.environment import BASE_DIR

DATABASES = {
    "default": env_database(
        "DATABASE_URL",
        f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        engines={"django.db.backends.postgresql", "django.db.backends.sqlite3"},
        conn_max_age=60,
        # A kept connection is checked before a request reuses it, so the first request after
        # PostgreSQL restarted works instead of failing on the dead connection (issue 27,
        # ADR 0047; tests/faults/test_postgresql_restarted.py).
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # Take the write lock when a transaction begins, not at its first write: a transaction
        # that read and then wrote would otherwise fail at once with "database is locked" when
        # another had written meanwhile. Writers now queue, for up to `timeout` seconds.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        # WAL lets pages read while someone writes; NORMAL is durable in WAL mode.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        **DATABASES["default"].get("OPTIONS", {}),
    }
    # Tests use a file, not the in-memory default: a live server's threads then each open their
    # own connection, so the tests see the locking a real server sees. One file per test process.
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(tempfile.gettempdir()) / f"nir-test-{os.getpid()}.sqlite3")
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Caches (ADR 0027). "default" holds rendered fragments of pages (core.fragment_cache), keyed by
# everything they are made from: local memory in each process, the fastest there is, and emptied
# when the process restarts, as it is on each deploy. "sessions" is Redis at REDIS_URL, shared by
# every worker; production requires it. Sessions are kept in the database and read through that
# cache ("cached_db"): a request then reads its session without a query, and a lost cache loses
# no session. Without REDIS_URL (development, tests) sessions stay in the database alone: a
# local-memory cache is each process's own, so one gunicorn worker would go on believing in a
# session that another had ended at sign-out.
REDIS_URL = env("REDIS_URL", "")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "fragments",
        "TIMEOUT": None,
        "OPTIONS": {"MAX_ENTRIES": env_int("FRAGMENT_CACHE_ENTRIES", 2000)},
    }
}
if REDIS_URL:
    CACHES["sessions"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "nir",
    }
    SESSION_ENGINE = "accounts.session_store"
    SESSION_CACHE_ALIAS = "sessions"

# SESSION_COOKIE_AGE is the idle limit: a signed-in request saves the session (at most once a
# minute, accounts.middleware.SessionIdleRefreshMiddleware), which moves its expiry on, so a
# session ends after this many seconds without a request, not a fixed time after sign-in.
# Pages warn SESSION_TIMEOUT_WARNING seconds before (static/js/app.js).
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 1800)
SESSION_TIMEOUT_WARNING = env_int("SESSION_TIMEOUT_WARNING", 120)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
