"""Error tracking with Sentry's SDK when SENTRY_DSN is set (ADR 0040). No personal data leaves:
send_default_pii is off, and `event_scrub` removes cookies, request bodies, headers that carry
credentials, the query string and any link's token in the address, the user's details other than
their id, and any email address left in the text."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from core.paths import path_without_tokens

EMAIL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
REDACTED = "[removed]"
SECRET_HEADERS = {"cookie", "authorization", "x-csrftoken", "proxy-authorization"}


def scrub_emails(value: Any) -> Any:
    """The value with every email address in its strings replaced, at any depth."""
    if isinstance(value, str):
        return EMAIL.sub(REDACTED, value)
    if isinstance(value, dict):
        return {key: scrub_emails(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [scrub_emails(item) for item in value]
    return value


def url_without_secrets(url: str) -> str:
    """The address without its query, fragment or any link's token in its path (core.paths)."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, path_without_tokens(parts.path), "", ""))


def event_scrub(event: dict[str, Any], hint: dict[str, Any] | None = None) -> dict[str, Any]:
    """Sentry's before_send (and before_send_transaction): the event without personal data."""
    request = event.get("request")
    if isinstance(request, dict):
        request.pop("cookies", None)
        request.pop("data", None)
        request.pop("query_string", None)
        if isinstance(request.get("url"), str):
            request["url"] = url_without_secrets(request["url"])
        headers = request.get("headers")
        if isinstance(headers, dict):
            request["headers"] = {
                name: value for name, value in headers.items() if name.lower() not in SECRET_HEADERS
            }
    user = event.get("user")
    if isinstance(user, dict):
        event["user"] = {"id": user["id"]} if "id" in user else {}
    scrubbed: dict[str, Any] = scrub_emails(event)
    return scrubbed


def sentry_init(*, dsn: str, environment: str, release: str) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        send_default_pii=False,
        # Local variables in stack frames may hold answers: never sent.
        include_local_variables=False,
        max_request_body_size="never",
        before_send=event_scrub,  # type: ignore[arg-type]
        before_send_transaction=event_scrub,  # type: ignore[arg-type]
        traces_sample_rate=0.0,
        integrations=[DjangoIntegration()],
    )
