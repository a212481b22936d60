"""Running the service's own entry points (settings, manage.py, make) in a child process."""

import os
import subprocess
import sys
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]


def setting_names() -> list[str]:
    """Every variable .env.example lists."""
    names = []
    for line in (REPOSITORY / ".env.example").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#") and "=" in line:
            names.append(line.split("=", 1)[0])
    return names


# A throwaway Ed25519 key (base64 of its raw 32 bytes) that production's start-up check accepts:
# production refuses to start without ASSURANCE_SIGNING_KEY (ADR 0026). For tests only.
THROWAWAY_SIGNING_KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="

# A throwaway Fernet key (32 bytes, URL-safe base64): production refuses to start without
# TWO_FACTOR_ENCRYPTION_KEYS, which encrypt the two-factor secrets at rest (ADR 0010). Tests only.
THROWAWAY_TWO_FACTOR_KEY = "dGhyb3dhd2F5LXR3by1mYWN0b3Ita2V5LWZvci10ZXM="

# What the test run itself sets, which a started service must not inherit: the browser tests
# allow Django's ORM in Playwright's event loop, and production's deploy check refuses that.
TEST_HARNESS = frozenset({"DJANGO_ALLOW_ASYNC_UNSAFE"})


def clean_environment(**variables: str) -> dict[str, str]:
    """This process's environment without any of the service's settings, plus `variables`."""
    environment = {
        k: v for k, v in os.environ.items() if k not in setting_names() and k not in TEST_HARNESS
    }
    environment["DJANGO_SETTINGS_MODULE"] = "config.settings"
    environment.update(variables)
    return environment


def python(code: str, **variables: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPOSITORY,
        env=clean_environment(**variables),
        capture_output=True,
        text=True,
        timeout=120,
    )


def manage(*arguments: str, **variables: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=REPOSITORY,
        env=clean_environment(**variables),
        capture_output=True,
        text=True,
        timeout=120,
    )
