"""The Jinja2 environment: our templates first, then the nhsuk-frontend-jinja components."""

from datetime import date, datetime
from typing import Any

from django.contrib.messages import get_messages
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from jinja2 import (
    ChainableUndefined,
    ChoiceLoader,
    Environment,
    FileSystemBytecodeCache,
    PackageLoader,
)

from core.paths import path_without_tokens
from core.text import plural
from core.typed_text import as_typed
from core.when import time_text, when_text
from questionnaire.engine.answers import format_date
from questionnaire.presenters import state_tag


def url(name: str, *args: Any, **kwargs: Any) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


def localdate_text(value: datetime | date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date()
    return format_date(value)


def localdatetime_text(value: datetime | None) -> str:
    """A moment in Europe/London as the NHS writes it: "6 December 2026 at 9:05am", "at midday"
    (the time as core/when.py writes it, without the timeline's "Today" and "Yesterday")."""
    if value is None:
        return ""
    return f"{format_date(timezone.localtime(value).date())} at {time_text(value)}"


def environment(**options: Any) -> Environment:
    # Django passes a FileSystemLoader for our template dirs; chain the NHS components after it.
    loader = options.pop("loader", None)
    options["undefined"] = ChainableUndefined
    options["autoescape"] = True
    options["extensions"] = [
        *options.get("extensions", []),
        "core.fragment_cache.FragmentCacheExtension",
    ]
    # Django turns auto_reload off unless DEBUG: templates are compiled once per process. Keep
    # the compiled code on disk as well (a folder of this user's in the temporary directory,
    # keyed by each template's source), so that a new worker, started by gunicorn every thousand
    # requests or so, loads it instead of compiling the NHS.UK components again (ADR 0027).
    if not options.get("auto_reload", True):
        options["bytecode_cache"] = FileSystemBytecodeCache()
    env = Environment(**options)  # noqa: S701 - autoescape is set on the line above
    loaders = [loader] if loader else []
    env.loader = ChoiceLoader([*loaders, PackageLoader("nhsuk_frontend_jinja")])
    env.globals.update(
        {"static": static, "url": url, "get_messages": get_messages, "state_tag": state_tag}
    )
    env.filters["localdate_text"] = localdate_text
    env.filters["localdatetime_text"] = localdatetime_text
    env.filters["as_typed"] = as_typed
    env.filters["when_text"] = when_text
    env.filters["plural"] = plural
    env.filters["without_tokens"] = path_without_tokens
    return env
