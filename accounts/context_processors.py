from django.conf import settings
from django.http import HttpRequest

from .middleware import session_seconds_left


def session_timeout(request: HttpRequest) -> dict[str, int]:
    """How long this page's session has left and how long before that to warn, for the layout's
    timeout warning. The session's expiry moved on when it was last refreshed (at most a refresh
    interval ago), so the page counts from then, not from now."""
    return {
        "session_idle_limit": session_seconds_left(request),
        "session_warn_before": min(settings.SESSION_TIMEOUT_WARNING, settings.SESSION_COOKIE_AGE),
    }
