"""Warnings sent once ever, for the daily jobs (the DSPT re-check, the certificate register).

A job claims a warning with ``warning_claim`` inside the transaction that queues its emails, and
queues them only when the claim is new. The claim is a row under a unique constraint
(``WarningSent``): a re-run finds it and sends nothing; a second run at the same moment blocks on
the first's uncommitted row (PostgreSQL) or on the write lock (SQLite) and then finds it. If the
transaction rolls back, the claim and the emails go together, so a warning is never recorded as
sent without being queued."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction

from applications.models import Application
from workflow.models import WarningSent


def warning_claim(
    *, kind: str, key: str, threshold: int, application: Application | None = None
) -> bool:
    """Record that this warning is sent; True if this call recorded it (so the caller sends it),
    False if it was sent before. Call it inside the transaction that queues the emails."""
    try:
        with transaction.atomic():
            WarningSent.objects.create(
                kind=kind, key=key, threshold=threshold, application=application
            )
    except IntegrityError:
        return False
    return True


def warnings_sent(*, kind: str, keys: Iterable[str]) -> set[tuple[str, int]]:
    """(key, threshold) of every warning of ``kind`` already sent for ``keys``: one query, for a
    job that judges many at once before it claims any."""
    return set(
        WarningSent.objects.filter(kind=kind, key__in=list(keys)).values_list("key", "threshold")
    )
