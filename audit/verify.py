"""Walk the audit log's hash chain, compare it with the signed checkpoints kept outside the
database, and name the first entry that is wrong (ADR 0009)."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.utils import timezone

from core.signing import signing_key

from . import chain
from .checkpoints import Checkpoint, CheckpointInvalid, Listed, checkpoint_listing, checkpoint_read
from .models import AuditChainHead, AuditEntry

BATCH = 2000
BROKEN = "Audit chain broken"
REFUSED = "Audit checkpoint refused"


class Broken(Exception):
    """The first entry that is not where, or what, the chain says."""

    def __init__(self, entry: AuditEntry, what: str) -> None:
        super().__init__(f"Entry {entry.sequence} (id {entry.pk}): {what}")


class ChainBroken(Exception):
    """The chain, or a checkpoint, failed its check: nothing was signed."""

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(self.problems))


def chain_walk(
    *, after: int = 0, previous: str = chain.GENESIS, upto: int | None = None
) -> Iterator[AuditEntry]:
    """Each entry after entry `after` (whose hash is `previous`), in sequence order and in
    batches, once it is in its place, linked to the one before and hashed from its content;
    Broken at the first that is not. All of them, or up to entry `upto`: rows past the chain's
    head are walked too."""
    entries = AuditEntry.objects.order_by("sequence")
    if after:  # from the start, every row: a sequence of 0 is out of place, not left out
        entries = entries.filter(sequence__gt=after)
    if upto is not None:
        entries = entries.filter(sequence__lte=upto)
    expected = after + 1
    for entry in entries.iterator(chunk_size=BATCH):
        if entry.sequence < expected:  # unique and in order: only a sequence below 1
            raise Broken(entry, "its sequence is not a place in the chain, which starts at 1")
        if entry.sequence > expected:
            gap = range(expected, entry.sequence)
            raise Broken(
                entry,
                f"entry {expected} is missing"
                if len(gap) == 1
                else f"entries {gap[0]} to {gap[-1]} are missing",
            )
        if entry.previous_hash != previous:
            raise Broken(
                entry,
                "its previous hash is not the hash of the entry before it: "
                "that entry was changed or removed, or the order of entries was changed",
            )
        if chain.entry_hash(entry, previous) != entry.entry_hash:
            raise Broken(entry, "its content was changed: its hash does not match its content")
        yield entry
        previous, expected = entry.entry_hash, expected + 1


class _Checkpoints:
    """The checkpoints in the storage, each read when the walk reaches the entries it signed,
    so that only a few are in memory at once."""

    def __init__(self, listed: list[Listed], public_keys: list[Ed25519PublicKey]) -> None:
        self.pending = deque(listed)
        self.public_keys = public_keys
        self.current: list[Checkpoint] = []
        self.problems: list[str] = []
        self.valid = 0
        self.signed_to, self.signed_hash = 0, chain.GENESIS
        self.last_signed_at: datetime | None = None

    def _read(self, listed: Listed) -> None:
        try:
            checkpoint = checkpoint_read(listed, self.public_keys)
        except CheckpointInvalid as exc:
            self.problems.append(f"{REFUSED}: {listed.name}: {exc}")
            return
        if checkpoint.first > self.signed_to + 1:
            # Each checkpoint starts where the last ended: a file was removed.
            self.problems.append(
                f"{REFUSED}: no checkpoint signed entries {self.signed_to + 1} to "
                f"{checkpoint.first - 1}, which {checkpoint} follows: a checkpoint was removed"
            )
        self.valid += 1
        if checkpoint.sequence >= self.signed_to:
            self.signed_to, self.signed_hash = checkpoint.sequence, checkpoint.hash
        if self.last_signed_at is None or checkpoint.signed_at > self.last_signed_at:
            self.last_signed_at = checkpoint.signed_at
        self.current.append(checkpoint)

    def differs(self, sequence: int, hash: str) -> Checkpoint | None:
        """A checkpoint that signed another hash for entry `sequence` than `hash`. Called for each
        entry of the walk in turn: `sequence` goes up by one each time."""
        while self.pending and self.pending[0].first - 1 <= sequence:
            self._read(self.pending.popleft())
        # Each one here was read at the entry it follows or later, so it signed this entry.
        self.current = [c for c in self.current if c.sequence >= sequence]
        return next((c for c in self.current if c.hash_at(sequence) != hash), None)

    def beyond(self, end: int) -> list[Checkpoint]:
        """After the walk, which ended at entry `end`: every checkpoint not read yet is read,
        and those that signed an entry after `end` are returned."""
        self.read_rest()
        return [c for c in self.current if c.sequence > end]

    def read_rest(self) -> None:
        """Every checkpoint not read yet, read: its own problems are found whatever the walk
        found."""
        while self.pending:
            self._read(self.pending.popleft())


@dataclass(frozen=True)
class ChainReport:
    entries: int
    head: str
    problems: tuple[str, ...]
    checkpoints: int
    # The furthest entry a valid checkpoint signed, and its hash: where the next one starts.
    signed_to: int
    signed_hash: str
    last_signed_at: datetime | None

    @property
    def intact(self) -> bool:
        return not self.problems


def _head() -> AuditChainHead | None:
    return AuditChainHead.objects.filter(pk=AuditChainHead.SINGLETON).first()


def verify_chain(
    *,
    expect_head: str | None = None,
    public_keys: Iterable[Ed25519PublicKey] = (),
    max_checkpoint_age: timedelta | None = None,
) -> ChainReport:
    """Recompute every entry's hash in sequence order, compare each with the hash a checkpoint
    signed for it, and check the chain's head.

    Problems: the first entry out of place, out of its chain or changed, or, when the chain
    itself is consistent, the first entry whose hash is not the one a checkpoint signed (history
    rewritten); a checkpoint that does not verify with the service's key (or one of
    `public_keys`, older keys), is missing between two others, or signed an entry past the
    chain's end; a row past the head (not written through the chain); entries removed from the
    end; `expect_head`, a hash recorded earlier, not in the chain; and, with
    `max_checkpoint_age`, no checkpoint signed within it.

    The checkpoints are listed, and the head read, before the walk starts, so an entry added
    meanwhile is neither signed by a listed checkpoint nor behind the head read; the head is read
    again after the walk, which every row the walk saw was behind when it was written."""
    head_before = _head()
    listed, strangers = checkpoint_listing()
    keys = [signing_key().public_key(), *public_keys]
    checkpoints = _Checkpoints(listed, keys)
    problems = [f"{REFUSED}: {name}: it is not a checkpoint's name" for name in strangers]
    previous, count, hash_at_head = chain.GENESIS, 0, chain.GENESIS
    expected_found = expect_head is None or expect_head == chain.GENESIS
    walk_problem = ""
    try:
        for entry in chain_walk():
            previous, count = entry.entry_hash, entry.sequence
            rewritten = checkpoints.differs(count, previous)
            if rewritten is not None:
                raise Broken(
                    entry,
                    f"it was rewritten: its hash is not the one {rewritten} signed for it",
                )
            if head_before is not None and count == head_before.sequence:
                hash_at_head = previous
            expected_found = expected_found or previous == expect_head
    except Broken as exc:
        walk_problem = f"{BROKEN}: {exc}"

    head_after = _head()
    if walk_problem:
        problems.append(walk_problem)
    elif (head_before is None or head_after is None) and count:
        problems.append(f"{BROKEN}: the chain head is missing")
    elif head_before is not None and head_before.sequence > count:
        problems.append(
            f"{BROKEN}: the chain head is entry {head_before.sequence} ({head_before.hash}) but "
            f"the chain ends at entry {count} ({previous}): entries were removed from the end"
        )
    elif head_before is not None and head_before.hash != hash_at_head:
        problems.append(
            f"{BROKEN}: the chain head is entry {head_before.sequence} ({head_before.hash}) but "
            f"that entry's hash is {hash_at_head}: the head or the entry was changed"
        )
    elif head_after is not None and count > head_after.sequence:
        extra = AuditEntry.objects.filter(sequence=head_after.sequence + 1).first()
        problems.append(
            f"{BROKEN}: Entry {head_after.sequence + 1} (id {extra.pk if extra else '?'}): it is "
            f"after the chain head (entry {head_after.sequence}): it was not written through "
            "the chain"
        )
    elif not expected_found:
        problems.append(
            f"{BROKEN}: the expected head {expect_head} is not in the chain, which ends at "
            f"entry {count}: entries were removed from the end, or the chain was rewritten"
        )
    # A walk that broke ended before the chain did: a checkpoint past where it stopped is not
    # evidence of entries removed from the end.
    for checkpoint in [] if walk_problem else checkpoints.beyond(count):
        problems.append(
            f"{BROKEN}: {checkpoint} signed entry {checkpoint.sequence} ({checkpoint.hash}) but "
            f"the chain ends at entry {count}: entries were removed from the end"
        )
    checkpoints.read_rest()
    problems.extend(checkpoints.problems)
    if max_checkpoint_age is not None:
        last = checkpoints.last_signed_at
        if last is None or last < timezone.now() - max_checkpoint_age:
            hours = f"{max_checkpoint_age.total_seconds() / 3600:g}"
            problems.append(
                f"{REFUSED}: "
                + (f"the last checkpoint was signed at {last.isoformat()}, " if last else "")
                + f"no checkpoint was signed in the last {hours} hours: is manage.py "
                "audit_checkpoint running?"
            )
    return ChainReport(
        entries=count,
        head=previous,
        problems=tuple(problems),
        checkpoints=checkpoints.valid,
        signed_to=checkpoints.signed_to,
        signed_hash=checkpoints.signed_hash,
        last_signed_at=checkpoints.last_signed_at,
    )
