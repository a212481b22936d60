"""An answer posted after the session ended, kept so the person does not have to type it again.

When a session has expired, the question page's POST arrives without a user. The middleware
keeps the posted fields in the new (anonymous) session with the page they were posted to;
signing in keeps the session's data (django's login() cycles the key, it does not flush it for
a session with no user). The question page then offers the answer back once, on that page only,
after its own checks that the user may see the application, and only to the person who typed
it: the browser's device cookie names who last signed in here, so on a shared computer the next
person to sign in never sees it. It is never saved on its own: the person checks it and
continues."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.utils import timezone

from .device_cookies import address_hash, last_signed_in_address

SESSION_KEY = "kept_answer"
KEEPS_ANSWERS_FOR = {"questionnaire:question"}
KEPT_FOR_SECONDS = 2 * 60 * 60
NOT_KEPT = {"csrfmiddlewaretoken"}


@dataclass(frozen=True)
class KeptAnswer:
    data: dict[str, str]


def answer_keep(request: HttpRequest) -> None:
    """Keep the fields posted to this page (never the CSRF token) in the session."""
    request.session[SESSION_KEY] = {
        "path": request.path,
        "at": timezone.now().timestamp(),
        "typed_by": last_signed_in_address(request),
        "data": {key: request.POST.get(key, "") for key in request.POST if key not in NOT_KEPT},
    }


def kept_answer_take(request: HttpRequest) -> KeptAnswer | None:
    """The answer kept for this page, if there is one and it is recent; it is offered once."""
    kept = request.session.get(SESSION_KEY)
    if not isinstance(kept, dict) or kept.get("path") != request.path:
        return None
    del request.session[SESSION_KEY]
    if timezone.now().timestamp() - float(kept.get("at", 0)) > KEPT_FOR_SECONDS:
        return None
    typed_by = kept.get("typed_by")
    if not typed_by or typed_by != address_hash(getattr(request.user, "email", "")):
        return None
    data = kept.get("data")
    if not isinstance(data, dict):
        return None
    return KeptAnswer({str(key): str(value) for key, value in data.items()})
