"""Logs (ADR 0040): one JSON object a line in production, readable lines in development; every
line carries the request id of the request it was written for, if any.

Loaded by the LOGGING setting before Django's apps are, so it imports nothing of the service."""

from __future__ import annotations

import logging
import re
import uuid
from contextvars import ContextVar
from typing import Any

from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

from .sentry import scrub_emails

NO_REQUEST = "-"
current_request_id: ContextVar[str] = ContextVar("request_id", default=NO_REQUEST)

# An incoming X-Request-ID (from the load balancer or a caller) is kept when it is a plain token:
# nothing that could forge a log line, hold a person's details or grow a label without end.
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{7,63}")


def request_id_for(incoming: str | None) -> str:
    """The incoming request id when it is sane, otherwise a new one."""
    if incoming and _SANE_REQUEST_ID.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    """Puts the current request's id on every record (NO_REQUEST outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id.get()
        return True


class JsonFormatter(_JsonFormatter):
    """python-json-logger's formatter with the fields this service writes: time, level, logger,
    message and request_id, then any `extra` (the request line's user_id, route, status and
    duration_ms), then the traceback when there is one."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("fmt", "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s")
        kwargs.setdefault(
            "rename_fields", {"asctime": "time", "levelname": "level", "name": "logger"}
        )
        kwargs.setdefault("datefmt", "%Y-%m-%dT%H:%M:%S%z")
        super().__init__(*args, **kwargs)

    def process_log_record(self, log_data: dict[str, Any]) -> dict[str, Any]:
        scrubbed: dict[str, Any] = scrub_emails(super().process_log_record(log_data))
        return scrubbed
