from django.conf import settings
from django.http import HttpRequest


def session_timeout(request: HttpRequest) -> dict[str, int]:
    """The idle limit and how long before it to warn, for the layout's timeout warning."""
    return {
        "session_idle_limit": settings.SESSION_COOKIE_AGE,
        "session_warn_before": min(settings.SESSION_TIMEOUT_WARNING, settings.SESSION_COOKIE_AGE),
    }
