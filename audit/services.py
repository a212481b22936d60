"""The Auditor: every service that changes data records what it did through one of these.

Every audit entry is written by `append_entry`, which chains it to the one before (ADR 0009)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.utils import timezone

from . import chain
from .models import AuditChainHead, AuditEntry

if TYPE_CHECKING:
    from accounts.models import Organisation, User


def _locked_head() -> AuditChainHead:
    """The chain's head row, locked until the surrounding transaction ends.

    PostgreSQL: SELECT ... FOR UPDATE, so a second writer waits here for the first to commit and
    then reads the head it left. SQLite ignores FOR UPDATE; there every transaction already holds
    the database's write lock from BEGIN IMMEDIATE. The row is made when missing (a new database
    has it from migration 0004; the test suite's flush empties it): two writers racing to make it
    collide on the primary key, and get_or_create then reads the winner's row, locked."""
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(
        pk=AuditChainHead.SINGLETON, defaults={"sequence": 0, "hash": chain.GENESIS}
    )
    return head


def append_entry(
    *,
    actor: User | None,
    action: str,
    object_type: str,
    object_id: str,
    subject: str = "",
    organisation: Organisation | None = None,
    before: Any = None,
    after: Any = None,
) -> AuditEntry:
    """Write one audit entry at the end of the chain. The only writer of AuditEntry rows.

    Inside a caller's transaction it adds no savepoint of its own: an entry that cannot be
    written fails the whole write it records, never only itself."""
    with transaction.atomic(savepoint=False):
        head = _locked_head()
        entry = AuditEntry(
            sequence=head.sequence + 1,
            previous_hash=head.hash,
            at=timezone.now(),
            actor=actor,
            action=action,
            object_type=object_type,
            object_id=object_id,
            subject=subject,
            organisation=organisation,
            before=chain.as_stored(before),
            after=chain.as_stored(after),
        )
        entry.entry_hash = chain.entry_hash(entry, head.hash)
        entry.save(force_insert=True)
        AuditChainHead.objects.filter(pk=head.pk).update(
            sequence=entry.sequence, hash=entry.entry_hash
        )
    return entry


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
        return append_entry(
            actor=self.actor,
            action=action,
            object_type=obj._meta.label if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            subject=subject,
            organisation=organisation,
            before=before,
            after=after,
        )
