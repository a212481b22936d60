"""The Auditor: every service that changes data records what it did through one of these.

Every audit entry is written by `append_entry`, which chains it to the one before, and the
chain's head is signed, outside the database, by `checkpoint_create` (ADR 0009)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.db import models, transaction
from django.utils import timezone

from core.signing import signing_key

from . import chain
from .checkpoints import (
    MAX_ENTRIES,
    Checkpoint,
    checkpoint_decode,
    checkpoint_encode,
    checkpoint_write,
)
from .models import AuditChainHead, AuditEntry
from .verify import Broken, ChainBroken, chain_walk, verify_chain

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


def checkpoint_create(
    *, public_keys: Iterable[Ed25519PublicKey] = (), now: datetime | None = None
) -> list[Checkpoint]:
    """Sign the chain's head, and the hash of every entry since the last checkpoint, with the
    service's key, and keep them in the evidence storage (outside the database).

    Signs only a chain that `verify_chain` finds whole against every checkpoint before it
    (`public_keys`: older keys whose checkpoints still count); otherwise ChainBroken, and
    nothing is written. The entries it signs are walked again as they are signed, from the last
    checkpoint's head. Writes new files and never replaces one; each signs at most MAX_ENTRIES
    entries and starts where the one before ends. With no entry added since the last
    checkpoint, it signs the same head again, at its own time."""
    public_keys = list(public_keys)
    report = verify_chain(public_keys=public_keys)
    if not report.intact:
        raise ChainBroken(report.problems)
    key = signing_key()
    first, previous, hashes = report.signed_to + 1, report.signed_hash, []
    written: list[Checkpoint] = []

    def sign() -> None:
        name, content = checkpoint_encode(
            first=first,
            previous_hash=previous,
            hashes=hashes,
            signed_at=now or timezone.now(),
            key=key,
        )
        checkpoint_write(name, content)
        written.append(checkpoint_decode(name, content, [key.public_key()]))

    try:
        for entry in chain_walk(after=report.signed_to, previous=previous, upto=report.entries):
            hashes.append(entry.entry_hash)
            if len(hashes) == MAX_ENTRIES:
                sign()
                first, previous, hashes = first + len(hashes), hashes[-1], []
    except Broken as exc:  # changed since the check a moment ago
        raise ChainBroken([f"Audit chain broken: {exc}"]) from exc
    if first + len(hashes) - 1 != report.entries:
        raise ChainBroken([f"Audit chain broken: entries after {first - 1} were removed"])
    if hashes or not written:
        sign()
    return written
