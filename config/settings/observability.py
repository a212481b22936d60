"""Running the service: metrics and health (ADR 0040), logs, and error tracking with Sentry.

Read last: Sentry starts here, once every other setting has been read.
"""

import os

from config.env import env, env_choice, env_int
from config.settings.environment import DJANGO_ENV, IS_PRODUCTION

# Operations (ADR 0040, README "Operations"). /metrics answers Prometheus with
# `Authorization: Bearer <METRICS_TOKEN>`; without a token it is not there (404) in production
# and open elsewhere. /readyz fails when a task has waited longer than TASK_WORKER_STALE_SECONDS
# for the worker.
METRICS_TOKEN = env("METRICS_TOKEN", "")
TASK_WORKER_STALE_SECONDS = env_int("TASK_WORKER_STALE_SECONDS", 300)
# How long /readyz's answer stands before its dependencies are checked again (0: every request).
READYZ_CACHE_SECONDS = env_int("READYZ_CACHE_SECONDS", 5)
# gunicorn's workers add up their request metrics in PROMETHEUS_MULTIPROC_DIR, which
# prometheus_client reads itself and takes to be set when it is there at all: empty means unset.
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR", "").strip():
    os.environ.pop("PROMETHEUS_MULTIPROC_DIR", None)

# Logs: one JSON object a line (production's default) or readable lines (elsewhere); every line
# carries its request's id (operations/logs.py).
LOG_FORMAT = env_choice("LOG_FORMAT", "json" if IS_PRODUCTION else "console", ("json", "console"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "operations.logs.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "operations.logs.JsonFormatter"},
        "console": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {
        "handlers": ["console"],
        "level": env_choice("LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")),
    },
}

# Error tracking with Sentry when SENTRY_DSN is set, personal data removed (operations/sentry.py).
SENTRY_DSN = env("SENTRY_DSN", "")
if SENTRY_DSN:
    from operations.sentry import sentry_init

    sentry_init(
        dsn=SENTRY_DSN,
        environment=env("SENTRY_ENVIRONMENT", DJANGO_ENV),
        release=env("SENTRY_RELEASE", ""),
    )
