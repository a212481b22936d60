"""Keeping personal data no longer than the privacy notice says (issue 26).

`retention_due` names what is past its period; `retention_apply` deletes exactly that and
audits each kind it removed. The audit log, applications, answers, files and decisions are the
record of the assurance and are never removed here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q

from accounts.models import Invitation, PasswordReset
from audit.services import Auditor

from .models import Feedback


@dataclass(frozen=True)
class Due:
    """One kind of record past its period: what it is, and the rows."""

    kind: str
    period_days: int
    rows: models.QuerySet


def retention_due(now: datetime) -> list[Due]:
    links_before = now - timedelta(days=settings.RETENTION_SPENT_LINKS_DAYS)
    feedback_before = now - timedelta(days=settings.RETENTION_FEEDBACK_DAYS)
    return [
        Due(
            "invitation links used, revoked or run out",
            settings.RETENTION_SPENT_LINKS_DAYS,
            Invitation.objects.filter(
                Q(accepted_at__lt=links_before)
                | Q(revoked_at__lt=links_before)
                | Q(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__lt=links_before)
            ).order_by("created_at", "pk"),
        ),
        Due(
            "password reset links used or run out",
            settings.RETENTION_SPENT_LINKS_DAYS,
            PasswordReset.objects.filter(
                Q(used_at__lt=links_before) | Q(used_at__isnull=True, expires_at__lt=links_before)
            ).order_by("created_at", "pk"),
        ),
        Due(
            "feedback",
            settings.RETENTION_FEEDBACK_DAYS,
            Feedback.objects.filter(received_at__lt=feedback_before).order_by("received_at", "pk"),
        ),
    ]


@transaction.atomic
def retention_apply(*, now: datetime) -> dict[str, list[str]]:
    """Delete what is past its period, as retention_due(now) names it; audit each kind removed
    (how many, and their ids), with no actor: it is the service's own rule. Returns the ids
    removed by kind."""
    removed: dict[str, list[str]] = {}
    for due in retention_due(now):
        ids = [str(pk) for pk in due.rows.select_for_update().values_list("pk", flat=True)]
        if not ids:
            continue
        due.rows.model.objects.filter(pk__in=ids).delete()
        removed[due.kind] = ids
        Auditor(actor=None).record(
            action="retention.removed",
            obj=None,
            subject=due.kind,
            after={"count": len(ids), "ids": ids, "period_days": due.period_days},
        )
    return removed
