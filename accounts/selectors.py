from __future__ import annotations

from .models import Organisation, User


def organisation_for_user(user: User) -> Organisation | None:
    membership = getattr(user, "membership", None)
    return membership.organisation if membership else None
