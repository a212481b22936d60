"""A history rewritten so that the chain itself is consistent, found from the signed checkpoints
(ADR 0009, issue 22): `manage.py audit_verify` names the first rewritten entry, wherever it
stands among the checkpoints, and checks the entries after the last checkpoint against its
head."""

import json

from audit import checkpoints
from audit.models import AuditChainHead, AuditEntry
from tests.audit.checkpoint_support import broken, checkpoint, files, rewrite_from, verify, write
from tests.audit.tamper import run_with_triggers_off


def test_a_rewritten_history_is_named_at_its_first_rewritten_entry(
    entries, settings, tmp_path, checkpoint_storage
):
    """The acceptance test of issue 22: entry 3 and every entry after it rewritten, so that the
    chain itself is consistent; only the checkpoint, kept outside the database, shows it."""
    checkpoint()
    [stored] = files(checkpoint_storage)
    signed_at = json.loads(json.loads(stored.read_bytes())["checkpoint"])["signed_at"]
    first = rewrite_from(3)
    assert AuditEntry.objects.get(sequence=5).entry_hash != entries[4].entry_hash
    assert broken() == (
        f"Audit chain broken: Entry 3 (id {first.pk}): it was rewritten: its hash is not the one "
        f"checkpoint audit-checkpoints/{stored.name} (entries 1 to 5, signed {signed_at}) "
        "signed for it"
    )
    # Without the checkpoint the rewritten chain verifies: the chain alone cannot tell.
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "empty", "base_url": None},
        },
    }
    assert verify().startswith("Audit chain intact: 5 entries")


def test_the_first_entry_rewritten_is_named_from_the_checkpoint_that_signed_it(db):
    write(3)
    checkpoint()
    write(3, start=3)
    checkpoint()
    first = rewrite_from(2)
    assert broken().startswith(
        f"Audit chain broken: Entry 2 (id {first.pk}): it was rewritten: its hash is not the one "
        "checkpoint audit-checkpoints/00000000000000000001-00000000000000000003-"
    )


def test_a_rewrite_from_the_entry_a_checkpoint_follows_is_named(db):
    write(3)
    checkpoint()
    write(3, start=3)
    checkpoint()
    first = rewrite_from(3)  # the last entry of the first checkpoint, the one the second follows
    assert broken().startswith(f"Audit chain broken: Entry 3 (id {first.pk}): it was rewritten")


def test_the_last_entry_a_checkpoint_signed_is_named_when_it_alone_is_rewritten(entries):
    checkpoint()
    last = rewrite_from(5)
    assert broken().startswith(f"Audit chain broken: Entry 5 (id {last.pk}): it was rewritten")


def test_an_entry_signed_only_as_where_a_checkpoint_starts_is_named_when_rewritten(
    db, checkpoint_storage
):
    """Entry 3 signed by the first checkpoint, which was removed, and by the second only as the
    hash it follows: rewritten, entry 3 is named, not entry 4 (mutation testing found the read of
    the second checkpoint at entry 3 untested: docs/testing.md)."""
    write(3)
    checkpoint()
    write(3, start=3)
    checkpoint()
    files(checkpoint_storage)[0].unlink()
    first = rewrite_from(3)
    message = broken()
    assert f"Audit chain broken: Entry 3 (id {first.pk}): it was rewritten" in message
    assert "no checkpoint signed entries 1 to 3" in message


def test_each_checkpoint_is_read_when_the_walk_reaches_the_entry_it_follows(db, checkpoint_storage):
    """Checkpoints are read one at a time as the walk reaches them, not all at the start: the
    second, which follows entry 3, is read at entry 3 and not before."""
    from audit.verify import _Checkpoints
    from core.signing import signing_key

    hashes = [entry.entry_hash for entry in write(3)]
    checkpoint()
    hashes += [entry.entry_hash for entry in write(3, start=3)]
    checkpoint()
    listed, _ = checkpoints.checkpoint_listing()
    read = _Checkpoints(listed, [signing_key().public_key()])
    for sequence, waiting in [(1, 1), (2, 1), (3, 0), (4, 0)]:
        assert read.differs(sequence, hashes[sequence - 1]) is None
        assert len(read.pending) == waiting, sequence


def test_a_tail_removed_with_the_head_moved_back_is_found_from_the_checkpoint(entries):
    checkpoint()
    run_with_triggers_off("DELETE FROM audit_auditentry WHERE sequence >= 4")
    AuditChainHead.objects.update(sequence=3, hash=entries[2].entry_hash)
    message = broken()
    assert message.startswith("Audit chain broken: checkpoint audit-checkpoints/")
    assert message.endswith(
        f"signed entry 5 ({entries[4].entry_hash}) but the chain ends at entry 3: entries were "
        "removed from the end"
    )


def test_entries_after_the_last_checkpoint_are_chained_to_its_head(entries):
    checkpoint()
    later = write(2, start=5)
    run_with_triggers_off(
        "UPDATE audit_auditentry SET previous_hash = %s WHERE id = %s", ["a" * 64, later[0].pk]
    )
    assert broken() == (
        f"Audit chain broken: Entry 6 (id {later[0].pk}): its previous hash is not the hash of "
        "the entry before it: that entry was changed or removed, or the order of entries was "
        "changed"
    )


def test_entries_after_the_last_checkpoint_are_checked(entries):
    checkpoint()
    later = write(2, start=5)
    run_with_triggers_off(
        "UPDATE audit_auditentry SET action = %s WHERE id = %s", ["test.changed", later[1].pk]
    )
    assert broken() == (
        f"Audit chain broken: Entry 7 (id {later[1].pk}): its content was changed: its hash does "
        "not match its content"
    )
