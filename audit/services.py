"""The Auditor: every service that changes data records what it did through one of these."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import models

from .models import AuditEntry

if TYPE_CHECKING:
    from accounts.models import Organisation, User


@dataclass(frozen=True)
class Auditor:
    actor: User | None

    def record(
        self,
        *,
        action: str,
        obj: models.Model | None,
        subject: str = "",
        organisation: Organisation | None = None,
        before: Any = None,
        after: Any = None,
    ) -> AuditEntry:
        return AuditEntry.objects.create(
            actor=self.actor,
            action=action,
            object_type=obj._meta.label if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            subject=subject,
            organisation=organisation,
            before=before,
            after=after,
        )
