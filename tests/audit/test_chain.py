"""The audit log's hash chain (ADR 0009): `manage.py audit_verify` names the first entry whose
content, order or presence was changed, and concurrent writers keep the chain whole."""

import hashlib
import io
import threading
from datetime import UTC, datetime, timedelta, timezone

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections, transaction

from accounts.models import Organisation, User
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


# ADR 0009's rule, written out here by hand (not with audit.chain, which it checks): the SHA-256
# of the previous hash, a line feed and the entry as JSON with sorted keys, no spaces, ASCII only.
GOLDEN_ENTRY = {
    "sequence": 1,
    # 10:30 at UTC+1: hashed as 09:30 UTC.
    "at": datetime(2026, 11, 29, 10, 30, 0, 123456, tzinfo=timezone(timedelta(hours=1))),
    "actor_id": 7,
    "action": "answer.save",
    "object_type": "questionnaire.Answer",
    "object_id": "42",
    "subject": "c_dspt_status",
    "organisation_id": 3,
    "before": {"value": "no"},
    "after": {"value": "Café", "list": [1, 2]},
}
GOLDEN_CANONICAL = (
    '{"action":"answer.save","actor_id":7,"after":{"list":[1,2],"value":"Caf\\u00e9"},'
    '"at":"2026-11-29T09:30:00.123456+00:00","before":{"value":"no"},"object_id":"42",'
    '"object_type":"questionnaire.Answer","organisation_id":3,"sequence":1,'
    '"subject":"c_dspt_status"}'
)
# printf '%s\n%s' "$GENESIS" "$GOLDEN_CANONICAL" | sha256sum
GOLDEN_HASH = "16d38958150b9bea1cfa078b266fe630c433cfdaf29dfd5d6f2f0eef72bbf625"


def test_an_entry_hashes_to_its_golden_value():
    """A fixed entry and its hash, computed once outside the code: leaving a field out of the
    hash, or serialising it differently, changes it."""
    entry = AuditEntry(**GOLDEN_ENTRY)
    assert chain.canonical(entry) == GOLDEN_CANONICAL
    assert chain.entry_hash(entry, chain.GENESIS) == GOLDEN_HASH


def test_what_is_stored_hashes_by_the_rule_written_out_in_the_test(db):
    """The hash kept with a stored entry is the rule applied to the row as the database gives it
    back (JSON read back: a tuple is a list, keys sorted, non-ASCII escaped), computed here
    without audit.chain."""
    user = User.objects.create_user(email="golden@example.test")
    organisation = Organisation.objects.create(name="Golden", ods_code="GLD")
    written = append_entry(
        actor=user,
        action="test.golden",
        object_type="test",
        object_id="9",
        subject="s_x",
        organisation=organisation,
        before=None,
        after={"text": "Café", "list": (1, 2)},
    )
    stored = AuditEntry.objects.get(pk=written.pk)
    at = stored.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")
    expected = (
        f'{{"action":"test.golden","actor_id":{user.pk},"after":{{"list":[1,2],'
        f'"text":"Caf\\u00e9"}},"at":"{at}","before":null,"object_id":"9","object_type":"test",'
        f'"organisation_id":{organisation.pk},"sequence":1,"subject":"s_x"}}'
    )
    data = f"{chain.GENESIS}\n{expected}".encode("ascii")
    assert stored.entry_hash == hashlib.sha256(data).hexdigest()


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


# Every column an entry stores, but the chain's own: each must be in the hash.
CHAIN_COLUMNS = {"id", "previous_hash", "entry_hash"}
ENTRY_COLUMNS = tuple(
    field.column for field in AuditEntry._meta.concrete_fields if field.column not in CHAIN_COLUMNS
)


def test_every_column_of_an_entry_is_chained():
    assert sorted(ENTRY_COLUMNS) == sorted(chain.CHAINED_FIELDS)


@pytest.fixture
def people(db) -> dict[str, object]:
    """Two users and two organisations, made without the Auditor (so without entries)."""
    return {
        "actor": User.objects.create_user(email="actor@example.test"),
        "other_actor": User.objects.create_user(email="other@example.test"),
        "organisation": Organisation.objects.create(name="First", ods_code="AAA"),
        "other_organisation": Organisation.objects.create(name="Second", ods_code="BBB"),
    }


@pytest.fixture
def full_entries(people) -> list[AuditEntry]:
    """Five entries with every field set, so each can be changed."""
    return [
        append_entry(
            actor=people["actor"],
            action="test.write",
            object_type="test",
            object_id=str(i),
            subject="c_question",
            organisation=people["organisation"],
            before={"n": i},
            after={"n": i + 1},
        )
        for i in range(5)
    ]


def changed_value(column: str, people: dict[str, object]) -> object:
    """Another value for `column`, as someone with the database's credentials would write it."""
    return {
        "sequence": 0,
        "at": "2020-01-01 00:00:00+00:00",
        "actor_id": people["other_actor"].pk,  # type: ignore[attr-defined]
        "action": "test.other",
        "object_type": "other",
        "object_id": "999",
        "subject": "c_other",
        "organisation_id": people["other_organisation"].pk,  # type: ignore[attr-defined]
        "before": '{"n": 999}',
        "after": '{"n": 999}',
    }[column]


@pytest.mark.parametrize("column", ENTRY_COLUMNS)
def test_a_change_to_any_chained_column_is_named(full_entries, people, column):
    target = full_entries[2]
    run_with_triggers_off(
        f"UPDATE audit_auditentry SET {column} = %s WHERE id = %s",
        [changed_value(column, people), target.pk],
    )
    message = broken()
    if column == "sequence":  # moved to the front: out of place before its hash is read
        assert message == (
            f"Audit chain broken: Entry 0 (id {target.pk}): its sequence is not a place in the "
            "chain, which starts at 1"
        )
    else:
        assert message == (
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


def test_deleted_entries_are_named_from_the_first_to_the_last(entries):
    run_with_triggers_off(
        "DELETE FROM audit_auditentry WHERE id IN (%s, %s, %s)",
        [entries[1].pk, entries[2].pk, entries[3].pk],
    )
    assert broken() == (
        f"Audit chain broken: Entry 5 (id {entries[4].pk}): entries 2 to 4 are missing"
    )


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


def test_a_row_inserted_after_the_head_is_named(entries):
    """Chained correctly to the last entry, but written around append_entry: the head row was
    not moved, so the row was not written through the chain."""
    forged = AuditEntry(
        sequence=6,
        at=entries[-1].at,
        action="test.inserted",
        object_type="test",
        object_id="6",
        subject="",
        before=None,
        after=None,
    )
    forged.previous_hash = entries[-1].entry_hash
    forged.entry_hash = chain.entry_hash(forged, forged.previous_hash)
    forged.save(force_insert=True)
    assert broken() == (
        f"Audit chain broken: Entry 6 (id {forged.pk}): it is after the chain head (entry 5): "
        "it was not written through the chain"
    )


def test_a_row_inserted_after_the_head_with_a_wrong_hash_is_named(entries):
    forged = AuditEntry(
        sequence=6, at=entries[-1].at, action="test.inserted", object_type="t", object_id="6"
    )
    forged.previous_hash = entries[-1].entry_hash
    forged.entry_hash = "f" * 64
    forged.save(force_insert=True)
    assert broken() == (
        f"Audit chain broken: Entry 6 (id {forged.pk}): its content was changed: "
        "its hash does not match its content"
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


@pytest.mark.parametrize(
    "recorded",
    [
        "f" * 64,  # a hash after every one in the chain, in sort order
        chain.GENESIS[:12],  # part of a hash, copied short: before every one
        "",
    ],
    ids=["after-every-hash", "part-of-a-hash", "empty"],
)
def test_an_expected_head_that_is_no_entrys_hash_is_not_in_the_chain(db, recorded):
    """Found means equal: not a hash that sorts before or after one in the chain. An empty log's
    head is the first hash, and nothing else."""
    assert broken("--expect-head", recorded) == (
        f"Audit chain broken: the expected head {recorded} is not in the chain, which ends at "
        "entry 0: entries were removed from the end, or the chain was rewritten"
    )
    # As an operator gives it: a string of its own, not the module's object.
    genesis = "".join(["0"] * 64)
    assert genesis == chain.GENESIS and genesis is not chain.GENESIS
    assert verify("--expect-head", genesis) == f"Audit chain intact: 0 entries, head {genesis}"
    write(3)
    assert broken("--expect-head", recorded).startswith(
        f"Audit chain broken: the expected head {recorded} is not in the chain, which ends at "
        "entry 3:"
    )


def test_a_chain_of_more_than_256_entries_verifies(db):
    """The head is compared with the entry of its sequence by value: past 256, two equal
    numbers read from the database are two objects."""
    from audit.services import checkpoint_create

    written = write(300)
    assert verify() == f"Audit chain intact: 300 entries, head {written[-1].entry_hash}"
    # And against a checkpoint that signed the last of them: its sequence, read from its file,
    # is compared with the chain's end by value too.
    checkpoint_create()
    assert verify().endswith(f"Audit chain intact: 300 entries, head {written[-1].entry_hash}")


def test_an_entry_written_while_the_chain_is_verified_is_not_a_problem(entries, monkeypatch):
    """The head is read again after the walk: an entry written after the walk ended is ahead
    of the entries walked, not a row written around the chain."""
    from audit import verify as verifying

    reads = []
    head = verifying._head

    def head_read_after_a_write():
        reads.append(1)
        if len(reads) == 2:  # after the walk: someone is audited meanwhile
            write(1)
        return head()

    monkeypatch.setattr(verifying, "_head", head_read_after_a_write)
    report = verifying.verify_chain()
    assert len(reads) == 2
    assert report.problems == ()
    assert (report.entries, report.head) == (5, entries[-1].entry_hash)
    assert AuditEntry.objects.count() == 6


@pytest.mark.parametrize("changed", ["f" * 64, "0" * 64], ids=["after", "before"])
def test_an_entrys_previous_hash_changed_alone_is_named(entries, changed):
    """The previous hash is not part of what an entry's own hash covers (the chain passes it in),
    so it is compared by itself: a value that sorts after the right one, or before."""
    run_with_triggers_off(
        "UPDATE audit_auditentry SET previous_hash = %s WHERE sequence = 3", [changed]
    )
    assert broken() == (
        f"Audit chain broken: Entry 3 (id {entries[2].pk}): its previous hash is not the hash of "
        "the entry before it: that entry was changed or removed, or the order of entries was "
        "changed"
    )


@pytest.mark.parametrize("changed", ["f" * 64, "0" * 64], ids=["after", "before"])
def test_a_chain_head_whose_hash_was_changed_is_named(entries, changed):
    AuditChainHead.objects.update(hash=changed)
    assert broken() == (
        f"Audit chain broken: the chain head is entry 5 ({changed}) but that entry's hash is "
        f"{entries[-1].entry_hash}: the head or the entry was changed"
    )


def test_a_chain_head_removed_while_the_chain_is_verified_is_named(entries, monkeypatch):
    from audit import verify as verifying

    reads = []
    head = verifying._head

    def head_removed_during_the_walk():
        reads.append(1)
        if len(reads) == 2:
            run_with_triggers_off("DELETE FROM audit_auditchainhead")
        return head()

    monkeypatch.setattr(verifying, "_head", head_removed_during_the_walk)
    assert verifying.verify_chain().problems == ("Audit chain broken: the chain head is missing",)


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
