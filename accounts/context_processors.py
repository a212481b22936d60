from django.conf import settings
from django.http import HttpRequest

from .middleware import session_seconds_left


def session_timeout(request: HttpRequest) -> dict[str, int]:
    """How long this page's session has left, the whole idle limit and how long before the end
    to warn, for the layout's timeout warning. The session's expiry moved on when it was last
    refreshed (at most a refresh interval ago), so the page first counts from then, not from
    now; after "Stay signed in" it counts the whole limit again, as the service does."""
    return {
        "session_seconds_left": session_seconds_left(request),
        "session_idle_limit": settings.SESSION_COOKIE_AGE,
        "session_warn_before": min(settings.SESSION_TIMEOUT_WARNING, settings.SESSION_COOKIE_AGE),
    }
