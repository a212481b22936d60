"""Every cookie the service sets: the cookies page lists these, and a test fails on any cookie
set across the whole life of an application that is not here (issue 26). All are essential (the
service cannot work, or cannot be kept safe, without them), so none needs consent (PECR)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage

from accounts.device_cookies import COOKIE_AGE as DEVICE_COOKIE_AGE
from accounts.device_cookies import COOKIE_NAME as DEVICE_COOKIE_NAME

# Django's messages ("Your answer has been saved") are kept in a cookie first, in the session
# when they do not fit (its default FallbackStorage).
MESSAGES_COOKIE_NAME = CookieStorage.cookie_name


@dataclass(frozen=True)
class Cookie:
    name: str
    purpose: str
    expires: str


def _minutes(seconds: int) -> str:
    minutes = max(1, seconds // 60)
    return f"{minutes} minute{'' if minutes == 1 else 's'}"


def service_cookies() -> list[Cookie]:
    idle = _minutes(settings.SESSION_COOKIE_AGE)
    return [
        Cookie(
            name=settings.SESSION_COOKIE_NAME,
            purpose="Keeps you signed in as you move from page to page",
            expires=(
                "When you close your browser, or after "
                f"{idle} without using the service, or when you sign out"
            ),
        ),
        Cookie(
            name=settings.CSRF_COOKIE_NAME,
            purpose=(
                "Makes sure that forms you send come from this service, not from another site"
            ),
            expires="After 1 year",
        ),
        Cookie(
            name=MESSAGES_COOKIE_NAME,
            purpose=(
                "Carries a message about what you have just done, such as “Your answer has "
                "been saved”, to the next page you see"
            ),
            expires="When you close your browser, or once the message has been shown",
        ),
        Cookie(
            name=DEVICE_COOKIE_NAME,
            purpose=(
                "Remembers that this browser has signed in to your account before, so that "
                "someone guessing your password elsewhere cannot lock you out"
            ),
            expires=f"After {DEVICE_COOKIE_AGE.days} days",
        ),
    ]
