"""gunicorn's configuration, for production and `make serve` (ADR 0013, README "Production").

    gunicorn --config config/gunicorn.conf.py

Read from the environment: WEB_CONCURRENCY (worker processes; default twice the cores plus one,
at most 9) and PORT (default 8000; the server listens on every interface, for the load balancer
or container platform in front; `make serve` binds 127.0.0.1 on the command line instead).
"""

import os

wsgi_app = "config.wsgi:application"


def _positive_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise SystemExit(f"{name} must be a positive whole number, not {raw!r}")
    return int(raw)


MAX_DEFAULT_WORKERS = 9
workers = _positive_int("WEB_CONCURRENCY", min(2 * (os.cpu_count() or 1) + 1, MAX_DEFAULT_WORKERS))
bind = [f"0.0.0.0:{_positive_int('PORT', 8000)}"]  # noqa: S104 - behind the platform's proxy

# Synchronous workers: each request has a process to itself. A 250MB evidence upload streams to
# the quarantine folder and is then scanned by clamd; on a slow connection that takes minutes,
# so a worker is given five before it is killed. Put a buffering proxy in front (a load balancer
# or nginx) so slow clients do not hold workers while they send.
worker_class = "sync"
timeout = 300
graceful_timeout = 30
keepalive = 5
# Restart each worker now and then, jittered, so a leak cannot grow without end.
max_requests = 1000
max_requests_jitter = 100

# No control socket: nothing here manages the server at run time, and its default path in the
# home folder would be shared by every gunicorn the same user runs.
control_socket_disable = True

# Access log and errors to stdout/stderr, for the platform's log collector.
accesslog = "-"
errorlog = "-"
loglevel = "info"

# JSON logs (LOG_FORMAT, production's default; ADR 0040): gunicorn's own lines are JSON objects
# too, and its access log is off. The service writes one line a request itself
# (operations/middleware.py) with the route's name, never the path, whose query string may hold
# what a person typed.
_log_format = os.environ.get("LOG_FORMAT", "").strip() or (
    "json" if os.environ.get("DJANGO_ENV", "").strip() == "production" else "console"
)
if _log_format == "json":
    accesslog = None
    logconfig_dict = {
        "root": {"level": "INFO", "handlers": []},
        "formatters": {"json": {"()": "operations.logs.JsonFormatter"}},
        "handlers": {
            "error_console": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            },
        },
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": ["error_console"], "propagate": False},
            "gunicorn.access": {"level": "INFO", "handlers": [], "propagate": False},
        },
    }

# The workers' heartbeat files: in memory where /dev/shm exists, so a slow disk cannot make a
# healthy worker look dead.
if os.path.isdir("/dev/shm"):  # noqa: S108 - gunicorn's documented advice
    worker_tmp_dir = "/dev/shm"  # noqa: S108


# Request metrics from every worker (ADR 0040): with PROMETHEUS_MULTIPROC_DIR set, each worker
# writes its counters there and /metrics adds them up; a worker that exits is marked dead.
def child_exit(server: object, worker: object) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)  # type: ignore[attr-defined]
