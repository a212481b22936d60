"""Walk the audit log's hash chain and name the first entry that is wrong (ADR 0009)."""

from __future__ import annotations

from dataclasses import dataclass

from . import chain
from .models import AuditChainHead, AuditEntry

BATCH = 2000


@dataclass(frozen=True)
class ChainReport:
    intact: bool
    entries: int
    head: str
    problem: str = ""


def verify_chain(*, expect_head: str | None = None) -> ChainReport:
    """Recompute every entry's hash in sequence order, in batches.

    The walk stops at the head recorded when it starts, so entries appended meanwhile are left for
    the next run. `expect_head` is a hash recorded earlier (by a previous run, kept elsewhere):
    the chain must still contain it, or entries were removed from its end."""
    head_row = AuditChainHead.objects.filter(pk=AuditChainHead.SINGLETON).first()
    entries = AuditEntry.objects.order_by("sequence")
    if head_row is not None:
        entries = entries.filter(sequence__lte=head_row.sequence)
    previous, expected, count = chain.GENESIS, 1, 0
    expected_found = expect_head is None or expect_head == chain.GENESIS

    def broken(entry: AuditEntry, what: str) -> ChainReport:
        return ChainReport(
            intact=False,
            entries=count,
            head=previous,
            problem=f"Entry {entry.sequence} (id {entry.pk}): {what}",
        )

    for entry in entries.iterator(chunk_size=BATCH):
        if entry.sequence != expected:  # unique and in order, so greater: a gap
            gap = range(expected, entry.sequence)
            return broken(
                entry,
                f"entry {expected} is missing"
                if len(gap) == 1
                else f"entries {gap[0]} to {gap[-1]} are missing",
            )
        if entry.previous_hash != previous:
            return broken(
                entry,
                "its previous hash is not the hash of the entry before it: "
                "that entry was changed or removed, or the order of entries was changed",
            )
        if chain.entry_hash(entry, previous) != entry.entry_hash:
            return broken(entry, "its content was changed: its hash does not match its content")
        previous, expected, count = entry.entry_hash, expected + 1, count + 1
        expected_found = expected_found or previous == expect_head

    problem = ""
    if head_row is None and count:
        problem = "the chain head is missing"
    elif head_row is not None and (head_row.sequence, head_row.hash) != (count, previous):
        problem = (
            f"the chain head is entry {head_row.sequence} ({head_row.hash}) but the chain ends at "
            f"entry {count} ({previous}): entries were removed from the end"
        )
    elif not expected_found:
        problem = (
            f"the expected head {expect_head} is not in the chain, which ends at entry {count}: "
            "entries were removed from the end, or the chain was rewritten"
        )
    return ChainReport(intact=not problem, entries=count, head=previous, problem=problem)
