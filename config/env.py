"""Reading settings from the environment.

An empty value means "not set": `cp .env.example .env` leaves `DATABASE_URL=` and the like empty,
and each of those must fall back to its default rather than become an empty setting.

A value the settings module cannot even build from (a session age that is not a number) stops the
load with ImproperlyConfigured naming the variable. Everything else is checked at start-up by the
system checks in `core/checks.py`, which name the variable too.
"""

import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured


def env(name: str, default: str) -> str:
    raw = os.environ.get(name, "").strip()
    return raw if raw else default


def env_bool(name: str, *, default: bool) -> bool:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    return raw.lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    raw = env(name, str(default))
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = env(name, default)
    if value not in choices:
        raise ImproperlyConfigured(
            f"{name} must be {', '.join(choices[:-1])} or {choices[-1]}, not {value!r}"
        )
    return value


def env_path(name: str, default: str, *, base: Path) -> Path:
    """A path; a relative one (such as `./var/media` in .env.example) is relative to `base`."""
    return base / env(name, default)


def env_database(name: str, default: str, *, engines: set[str], **options: Any) -> dict[str, Any]:
    """A database from its URL; an engine outside `engines` is refused here, by name."""
    url = env(name, default)
    try:
        database = dict(dj_database_url.parse(url, **options))
    except ValueError as exc:
        # The message names the scheme or the part that is wrong, never the password.
        raise ImproperlyConfigured(
            f"{name} is not a database URL that can be used: {exc}"
        ) from None
    if database["ENGINE"] not in engines:
        raise ImproperlyConfigured(
            f"{name} must be for {' or '.join(sorted(engines))}, not {database['ENGINE']}"
        )
    return database
