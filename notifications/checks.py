"""System checks: GOV.UK Notify must be fully configured before it is used.

With `NOTIFICATIONS_BACKEND=notify`, a missing API key or template id is an error in production
(the service refuses to start) and a warning elsewhere.
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register

from .templates import TEMPLATES

# `{key_name}-{service_id}-{secret}`: the client takes the last 73 characters as two UUIDs.
NOTIFY_API_KEY_PATTERN = re.compile(r".+-[0-9a-f-]{36}-[0-9a-f-]{36}\Z")
UUID_PATTERN = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\Z")


@register()
def notify_configured(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if settings.NOTIFICATIONS_BACKEND != "notify":
        return []
    level = Error if settings.DJANGO_ENV == "production" else Warning
    problems: list[CheckMessage] = []
    if not NOTIFY_API_KEY_PATTERN.match(settings.NOTIFY_API_KEY):
        problems.append(
            level(
                "NOTIFY_API_KEY is missing or is not a GOV.UK Notify API key",
                hint="Create an API key in GOV.UK Notify and set NOTIFY_API_KEY to it.",
                id="notifications.E001",
            )
        )
    for template in TEMPLATES.values():
        if not UUID_PATTERN.match(template.notify_template_id):
            problems.append(
                level(
                    f"{template.notify_setting} is missing or is not a template id",
                    hint="Copy the template id from GOV.UK Notify (docs/notifications.md).",
                    id="notifications.E002",
                )
            )
    return problems
