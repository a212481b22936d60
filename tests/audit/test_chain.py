"""The audit log's hash chain (ADR 0009): `manage.py audit_verify` names the first entry whose
content, order or presence was changed, and concurrent writers keep the chain whole."""

import io
import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections, transaction

from audit import chain
from audit.models import AuditChainHead, AuditEntry
from audit.services import Auditor, append_entry
from tests.audit.tamper import run_with_triggers_off


def verify(*args: str) -> str:
    out = io.StringIO()
    call_command("audit_verify", *args, stdout=out)
    return out.getvalue().strip()


def broken(*args: str) -> str:
    with pytest.raises(CommandError) as failure:
        verify(*args)
    assert failure.value.returncode == 1  # manage.py exits 1
    return str(failure.value)


def write(n: int) -> list[AuditEntry]:
    return [
        append_entry(
            actor=None,
            action="test.write",
            object_type="test",
            object_id=str(i),
            before={"n": i},
            after={"n": i + 1, "list": (1, 2), "text": "Café"},
        )
        for i in range(n)
    ]


@pytest.fixture
def entries(db) -> list[AuditEntry]:
    return write(5)


def test_entries_are_numbered_from_one_and_chained(entries):
    assert [e.sequence for e in entries] == [1, 2, 3, 4, 5]
    assert entries[0].previous_hash == chain.GENESIS
    for before, after in zip(entries, entries[1:], strict=False):
        assert after.previous_hash == before.entry_hash
    head = AuditChainHead.objects.get()
    assert (head.sequence, head.hash) == (5, entries[-1].entry_hash)
    # What is stored hashes to what was written (JSON read back from the database).
    for stored in AuditEntry.objects.all():
        assert chain.entry_hash(stored, stored.previous_hash) == stored.entry_hash


def test_an_intact_chain_verifies(entries):
    assert verify() == f"Audit chain intact: 5 entries, head {entries[-1].entry_hash}"


def test_an_empty_log_verifies(db):
    assert verify() == f"Audit chain intact: 0 entries, head {chain.GENESIS}"


def test_the_auditor_writes_through_the_chain(db):
    entry = Auditor(actor=None).record(action="test.audit", obj=None, after={"b": 2, "a": 1})
    assert entry.sequence == 1
    assert verify().startswith("Audit chain intact: 1 entries")


def test_an_entry_cannot_be_written_around_the_chain(db):
    with pytest.raises(ValueError, match="audit.services"):
        AuditEntry.objects.create(action="test.around", object_type="test", object_id="1")
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize(
    ("column", "value"),
    [("after", '{"n": 999}'), ("action", "test.other"), ("at", "2020-01-01 00:00:00+00:00")],
)
def test_a_changed_entry_is_named(entries, column, value):
    target = entries[2]
    run_with_triggers_off(
        f"UPDATE audit_auditentry SET {column} = %s WHERE id = %s", [value, target.pk]
    )
    assert broken() == (
        f"Audit chain broken: Entry 3 (id {target.pk}): its content was changed: "
        "its hash does not match its content"
    )


def test_a_changed_entry_whose_hash_was_recomputed_is_found_at_the_next(entries):
    target = entries[1]
    target.action = "test.forged"
    forged = chain.entry_hash(target, target.previous_hash)
    run_with_triggers_off(
        "UPDATE audit_auditentry SET action = %s, entry_hash = %s WHERE id = %s",
        ["test.forged", forged, target.pk],
    )
    assert f"Entry 3 (id {entries[2].pk}): its previous hash is not the hash" in broken()


def test_a_deleted_entry_is_named(entries):
    run_with_triggers_off("DELETE FROM audit_auditentry WHERE id = %s", [entries[1].pk])
    assert broken() == (f"Audit chain broken: Entry 3 (id {entries[2].pk}): entry 2 is missing")


def test_reordered_entries_are_named(entries):
    second, third = entries[1], entries[2]
    for pk, sequence in ((second.pk, 1000), (third.pk, 2), (second.pk, 3)):
        run_with_triggers_off(
            "UPDATE audit_auditentry SET sequence = %s WHERE id = %s", [sequence, pk]
        )
    assert broken() == (
        f"Audit chain broken: Entry 2 (id {third.pk}): its previous hash is not the hash of the "
        "entry before it: that entry was changed or removed, or the order of entries was changed"
    )


def test_a_truncated_tail_is_found_from_the_chain_head(entries):
    run_with_triggers_off("DELETE FROM audit_auditentry WHERE sequence >= 4")
    assert broken() == (
        f"Audit chain broken: the chain head is entry 5 ({entries[4].entry_hash}) but the chain "
        f"ends at entry 3 ({entries[2].entry_hash}): entries were removed from the end"
    )


def test_a_truncated_tail_with_a_rewritten_head_is_found_by_expect_head(entries):
    recorded = verify().rsplit(" ", 1)[1]
    run_with_triggers_off("DELETE FROM audit_auditentry WHERE sequence >= 4")
    AuditChainHead.objects.update(sequence=3, hash=entries[2].entry_hash)
    assert verify().startswith("Audit chain intact: 3 entries")  # the head alone cannot tell
    assert broken("--expect-head", recorded) == (
        f"Audit chain broken: the expected head {recorded} is not in the chain, which ends at "
        "entry 3: entries were removed from the end, or the chain was rewritten"
    )


def test_expect_head_accepts_a_chain_that_grew_since(entries):
    recorded = verify().rsplit(" ", 1)[1]
    later = write(2)
    assert verify("--expect-head", recorded) == (
        f"Audit chain intact: 7 entries, head {later[-1].entry_hash}"
    )


def test_the_first_entry_after_an_emptied_head_table_starts_the_chain(db):
    AuditChainHead.objects.all().delete()  # as the test suite's flush leaves it
    assert write(1)[0].sequence == 1
    assert verify().startswith("Audit chain intact: 1 entries")


WRITERS = 8
EACH = 10


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_the_chain_whole():
    """Writers on their own connections append at once; each writes several entries inside one
    transaction, as a service does. Runs on SQLite (a file) and PostgreSQL."""
    start = threading.Barrier(WRITERS)
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            start.wait()
            for i in range(EACH):
                with transaction.atomic():
                    append_entry(
                        actor=None, action="test.concurrent", object_type="w", object_id=str(n)
                    )
                    append_entry(
                        actor=None, action="test.concurrent", object_type="w", object_id=str(i)
                    )
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    total = WRITERS * EACH * 2
    sequences = list(AuditEntry.objects.order_by("sequence").values_list("sequence", flat=True))
    assert sequences == list(range(1, total + 1))
    assert verify().startswith(f"Audit chain intact: {total} entries")
    assert connection.vendor in {"sqlite", "postgresql"}
