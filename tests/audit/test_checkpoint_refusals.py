"""Checkpoints that cannot be trusted are reported (ADR 0009): one whose signature fails or that
another key signed, one removed or renamed, a file among them that is not a checkpoint, and no
checkpoint signed within the maximum age."""

import dataclasses
import json
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.utils import timezone

from audit import chain, checkpoints
from audit.models import AuditEntry
from audit.verify import verify_chain
from tests.audit.checkpoint_support import broken, checkpoint, files, rewrite_from, verify, write


def test_a_checkpoint_whose_signature_fails_is_reported(entries, checkpoint_storage):
    checkpoint()
    [stored] = files(checkpoint_storage)
    envelope = json.loads(stored.read_bytes())
    envelope["checkpoint"] = envelope["checkpoint"].replace(
        entries[1].entry_hash, "0" * 64
    )  # a hash changed to match a rewrite: the signature no longer covers it
    stored.write_text(json.dumps(envelope))
    assert broken() == (
        f"Audit checkpoint refused: audit-checkpoints/{stored.name}: its signature does not "
        "verify with the service's key"
    )


def test_a_checkpoint_signed_with_another_key_is_reported(entries, checkpoint_storage):
    rewrite_from(2)
    forger = Ed25519PrivateKey.generate()
    name, content = checkpoints.checkpoint_encode(
        first=1,
        previous_hash=chain.GENESIS,
        hashes=[e.entry_hash for e in AuditEntry.objects.order_by("sequence")],
        signed_at=timezone.now(),
        key=forger,
    )
    checkpoints.checkpoint_write(name, content)
    assert broken() == (
        f"Audit checkpoint refused: {name}: its signature does not verify with the service's key"
    )


@pytest.mark.parametrize(
    ("signed", "removed", "gap", "after"),
    [
        ([2, 2], 0, "1 to 2", "3 to 4"),  # the first
        # Between two others: where the one before ended is 3, odd, so signed_to + 1 differs
        # from signed_to | 1 and signed_to ^ 1.
        ([3, 2, 2], 1, "4 to 5", "6 to 7"),
        ([2, 1, 2], 1, "3 to 3", "4 to 5"),  # of one entry: a gap of one is a gap
    ],
    ids=["first", "between-two-others", "of-one-entry"],
)
def test_a_removed_checkpoint_is_reported_with_the_entries_it_signed(
    db, checkpoint_storage, signed, removed, gap, after
):
    written = 0
    for count in signed:
        write(count, start=written)
        written += count
        checkpoint()
    kept = files(checkpoint_storage)
    kept.pop(removed).unlink()
    message = broken()
    assert message.startswith(
        f"Audit checkpoint refused: no checkpoint signed entries {gap}, which checkpoint "
        f"audit-checkpoints/{kept[removed].name} (entries {after}, signed "
    )
    assert message.endswith("follows: a checkpoint was removed")


def test_a_checkpoint_renamed_is_reported(entries, checkpoint_storage):
    checkpoint()
    [stored] = files(checkpoint_storage)
    renamed = stored.with_name(
        stored.name.replace("-00000000000000000005-", "-00000000000000000004-")
    )
    stored.rename(renamed)
    assert broken().startswith(
        f"Audit checkpoint refused: audit-checkpoints/{renamed.name}: its name is not that of "
        "what it signed, checkpoint audit-checkpoints/"
    )


def test_another_file_among_the_checkpoints_is_reported(entries, checkpoint_storage):
    checkpoint()
    (checkpoint_storage / "audit-checkpoints" / "notes.txt").write_text("hello")
    assert broken() == (
        "Audit checkpoint refused: audit-checkpoints/notes.txt: it is not a checkpoint's name"
    )


def test_no_checkpoint_within_the_maximum_age_fails_the_check(entries, checkpoint_storage):
    assert broken("audit_verify", "--max-checkpoint-age", "26") == (
        "Audit checkpoint refused: no checkpoint was signed in the last 26 hours: is manage.py "
        "audit_checkpoint running?"
    )
    checkpoint()
    assert verify("--max-checkpoint-age", "26").endswith(
        f"Audit chain intact: 5 entries, head {entries[-1].entry_hash}"
    )
    [stored] = files(checkpoint_storage)
    signed_at = json.loads(json.loads(stored.read_bytes())["checkpoint"])["signed_at"]
    later = timezone.now() + timedelta(hours=27)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("audit.verify.timezone.now", lambda: later)
        assert broken("audit_verify", "--max-checkpoint-age", "26") == (
            f"Audit checkpoint refused: the last checkpoint was signed at {signed_at}, no "
            "checkpoint was signed in the last 26 hours: is manage.py audit_checkpoint running?"
        )


def test_the_newest_checkpoint_is_the_one_whose_age_counts(db):
    """The newest checkpoint, not the first, says how old the signing is, and a checkpoint
    signed exactly the maximum age ago is still within it. (An older one read after a newer one:
    test_two_checkpoints_signed_at_once_over_the_same_entries_leave_no_gap.)"""
    from audit import verify as verifying
    from audit.services import checkpoint_create

    now = timezone.now()
    write(2)
    checkpoint_create(now=now - timedelta(days=3))
    write(2, start=2)
    [newest] = checkpoint_create(now=now - timedelta(hours=1))
    assert verifying.verify_chain().last_signed_at == newest.signed_at
    assert "Audit chain intact: 4 entries" in verify("--max-checkpoint-age", "26")
    at_the_limit = newest.signed_at + timedelta(hours=26)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("audit.verify.timezone.now", lambda: at_the_limit)
        assert "Audit chain intact: 4 entries" in verify("--max-checkpoint-age", "26")
        patch.setattr("audit.verify.timezone.now", lambda: at_the_limit + timedelta(seconds=1))
        assert broken("audit_verify", "--max-checkpoint-age", "26").endswith(
            "no checkpoint was signed in the last 26 hours: is manage.py audit_checkpoint running?"
        )
        # In part of an hour too, as given.
        assert broken("audit_verify", "--max-checkpoint-age", "25.5").endswith(
            "no checkpoint was signed in the last 25.5 hours: is manage.py audit_checkpoint "
            "running?"
        )


def test_two_checkpoints_signed_at_once_over_the_same_entries_leave_no_gap(entries):
    """Two runs of audit_checkpoint at the same moment each sign from where the last ended: the
    second overlaps the first, which is no checkpoint removed."""
    from tests.audit.conftest import SERVICE_KEY

    now = timezone.now()
    hashes = [entry.entry_hash for entry in entries]
    for signed_at in (now, now + timedelta(seconds=1)):
        name, content = checkpoints.checkpoint_encode(
            first=1,
            previous_hash=chain.GENESIS,
            hashes=hashes,
            signed_at=signed_at,
            key=SERVICE_KEY,
        )
        checkpoints.checkpoint_write(name, content)
    # And one over part of them, listed after (it starts later) though it ends sooner and was
    # signed before.
    part = checkpoints.checkpoint_encode(
        first=3,
        previous_hash=hashes[1],
        hashes=hashes[2:4],
        signed_at=now - timedelta(days=3),
        key=SERVICE_KEY,
    )
    checkpoints.checkpoint_write(*part)
    assert verify().endswith(f"Audit chain intact: 5 entries, head {hashes[-1]}")
    # The furthest any signed is where the next starts; the newest, how old the signing is.
    report = verify_chain()
    assert (report.signed_to, report.signed_hash, report.checkpoints) == (5, hashes[-1], 3)
    assert report.last_signed_at == now + timedelta(seconds=1)
    with pytest.raises(dataclasses.FrozenInstanceError):  # a report stays as it was made
        report.signed_to = 0
    write(1, start=5)
    assert checkpoint().startswith("Audit checkpoint signed: entries 6 to 6,")


def test_a_broken_walk_reports_itself_and_each_checkpoint_refused_but_none_past_it(
    db, checkpoint_storage
):
    """Where the walk broke, the chain's end is unknown: a checkpoint past it is not reported as
    entries removed, but one that cannot be trusted is, though the walk never reached it."""
    from tests.audit.tamper import run_with_triggers_off

    write(2)
    checkpoint()
    later = write(3, start=2)
    checkpoint()
    _, unreached = files(checkpoint_storage)
    envelope = json.loads(unreached.read_bytes())
    envelope["checkpoint"] = envelope["checkpoint"].replace(later[1].entry_hash, "0" * 64)
    unreached.write_text(json.dumps(envelope))
    run_with_triggers_off("DELETE FROM audit_auditentry WHERE sequence = 2")
    assert broken() == (
        f"Audit chain broken: Entry 3 (id {later[0].pk}): entry 2 is missing\n"
        f"Audit checkpoint refused: audit-checkpoints/{unreached.name}: its signature does not "
        "verify with the service's key"
    )
