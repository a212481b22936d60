"""Moving the service's clock forward, instead of rewriting history (audit entries are
append-only). Everything that asks django.utils.timezone.now(), the database session store and
the audit log's timestamps included, sees the moved clock."""

from datetime import datetime, timedelta

import pytest


class Clock:
    def __init__(self) -> None:
        self.offset = timedelta(0)

    def advance(self, **kwargs: float) -> None:
        self.offset += timedelta(**kwargs)


def moved_clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    from django.utils import timezone

    real_now = timezone.now
    moved = Clock()

    def now() -> datetime:
        return real_now() + moved.offset

    monkeypatch.setattr(timezone, "now", now)
    return moved
