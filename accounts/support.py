"""An administrator's reset of someone's two-factor sign-in (issue 26), when they have lost
their phone and their recovery codes: two-factor's own reset (two_factor.services, the one
`manage.py two_factor_clear` uses, audited as two_factor.reset with who and why), and an email
to the person through the notifications outbox.

Its own module, above both: accounts' services never import two-factor, and two-factor never
reaches notifications (the import contracts in pyproject.toml)."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from notifications.services import notify
from two_factor.services import authenticator_reset

from .models import User

REASON_MAX = 2000


@transaction.atomic
def two_factor_reset(*, person: User, actor: User, reason: str) -> bool:
    """Remove the person's authenticator app and recovery codes and email them that it was
    done, and why: they set it up again at their next sign-in (staff must). Returns whether
    they had an app. ValueError for an empty or too long reason (the page checks first)."""
    reason = reason.strip()
    if not reason or len(reason) > REASON_MAX:
        raise ValueError("A reason of 1 to 2,000 characters is needed")
    had = authenticator_reset(user=person, actor=actor, reason=reason)
    notify(
        template="two_factor_reset",
        recipients=[person.email],
        personalisation={
            "reason": reason,
            "url": settings.SERVICE_URL.rstrip("/") + reverse("accounts:sign_in"),
        },
    )
    return had
