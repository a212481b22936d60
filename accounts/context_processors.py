from django.conf import settings
from django.http import HttpRequest

from .middleware import session_refresh_interval


def session_timeout(request: HttpRequest) -> dict[str, int]:
    """The idle limit and how long before it to warn, for the layout's timeout warning. The
    session's expiry moves on at most once a refresh interval, so the page counts from the
    earliest it can end."""
    return {
        "session_idle_limit": settings.SESSION_COOKIE_AGE - session_refresh_interval(),
        "session_warn_before": min(settings.SESSION_TIMEOUT_WARNING, settings.SESSION_COOKIE_AGE),
    }
