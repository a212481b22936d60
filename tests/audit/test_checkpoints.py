"""Signed checkpoints of the audit chain, kept outside the database (ADR 0009): a history
rewritten so that the chain itself is consistent is named at its first rewritten entry, and a
checkpoint that does not verify is reported."""

import base64
import io
import json
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from audit import chain, checkpoints
from audit.models import AuditChainHead, AuditEntry
from audit.services import append_entry
from core.signing import public_key_pem
from tests.audit.conftest import SERVICE_KEY
from tests.audit.tamper import run_with_triggers_off


def command(name: str, *args: str) -> str:
    out = io.StringIO()
    call_command(name, *args, stdout=out)
    return out.getvalue().strip()


def verify(*args: str) -> str:
    return command("audit_verify", *args)


def broken(name: str = "audit_verify", *args: str) -> str:
    with pytest.raises(CommandError) as failure:
        command(name, *args)
    assert failure.value.returncode == 1
    return str(failure.value)


def checkpoint(*args: str) -> str:
    return command("audit_checkpoint", *args)


def write(n: int, start: int = 0) -> list[AuditEntry]:
    return [
        append_entry(
            actor=None,
            action="test.write",
            object_type="test",
            object_id=str(i),
            after={"n": i},
        )
        for i in range(start, start + n)
    ]


def files(storage: Path) -> list[Path]:
    folder = storage / "audit-checkpoints"
    return sorted(folder.iterdir()) if folder.exists() else []


def rewrite_from(sequence: int, action: str = "test.rewritten") -> AuditEntry:
    """What someone with the database's credentials can do: change entry `sequence`, recompute
    its hash and the previous and own hash of every entry after it, and move the head, so that
    the chain itself is consistent again. Returns the first rewritten entry."""
    rows = list(AuditEntry.objects.filter(sequence__gte=sequence).order_by("sequence"))
    previous = AuditEntry.objects.get(sequence=sequence - 1).entry_hash if sequence > 1 else None
    previous = previous or chain.GENESIS
    rows[0].action = action
    for row in rows:
        row.previous_hash = previous
        row.entry_hash = chain.entry_hash(row, previous)
        run_with_triggers_off(
            "UPDATE audit_auditentry SET action = %s, previous_hash = %s, entry_hash = %s "
            "WHERE id = %s",
            [row.action, row.previous_hash, row.entry_hash, row.pk],
        )
        previous = row.entry_hash
    AuditChainHead.objects.update(sequence=rows[-1].sequence, hash=previous)
    return rows[0]


@pytest.fixture
def entries(db) -> list[AuditEntry]:
    return write(5)


def test_a_checkpoint_signs_the_head_and_every_hash_with_the_service_key(
    entries, checkpoint_storage
):
    output = checkpoint()
    [stored] = files(checkpoint_storage)
    assert output == (
        f"Audit checkpoint signed: entries 1 to 5, head {entries[-1].entry_hash}, in "
        f"audit-checkpoints/{stored.name}"
    )
    envelope = json.loads(stored.read_bytes())
    # Checked here with the public key alone, as anyone holding the published key can.
    SERVICE_KEY.public_key().verify(
        base64.b64decode(envelope["signature"]), envelope["checkpoint"].encode("ascii")
    )
    signed = json.loads(envelope["checkpoint"])
    assert signed["format"] == "nir-audit-checkpoint/1"
    assert (signed["first"], signed["sequence"], signed["hash"]) == (
        1,
        5,
        entries[-1].entry_hash,
    )
    assert signed["previous_hash"] == chain.GENESIS
    assert signed["hashes"] == [e.entry_hash for e in entries]
    signed_at = timezone.datetime.fromisoformat(signed["signed_at"])
    assert abs(timezone.now() - signed_at) < timedelta(minutes=1)
    assert verify() == (
        f"Checked against 1 checkpoints: entries 1 to 5 as signed, the last at "
        f"{signed_at.isoformat()}\nAudit chain intact: 5 entries, head {entries[-1].entry_hash}"
    )


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


def test_a_removed_checkpoint_is_reported(db, checkpoint_storage):
    write(2)
    checkpoint()
    write(2, start=2)
    checkpoint()
    first, second = files(checkpoint_storage)
    first.unlink()
    message = broken()
    assert message.startswith(
        "Audit checkpoint refused: no checkpoint signed entries 1 to 2, which checkpoint "
        f"audit-checkpoints/{second.name} (entries 3 to 4, signed "
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


def test_no_checkpoint_is_signed_over_a_broken_chain(entries, checkpoint_storage):
    checkpoint()
    rewrite_from(4)
    message = broken("audit_checkpoint")
    assert message.startswith("Audit chain broken: Entry 4")
    assert message.endswith("No checkpoint was signed.")
    assert len(files(checkpoint_storage)) == 1


def test_a_chain_changed_before_any_checkpoint_is_refused_too(entries, checkpoint_storage):
    run_with_triggers_off(
        "UPDATE audit_auditentry SET action = %s WHERE id = %s", ["test.x", entries[1].pk]
    )
    assert broken("audit_checkpoint").startswith(
        f"Audit chain broken: Entry 2 (id {entries[1].pk}): its content was changed"
    )
    assert files(checkpoint_storage) == []


def test_each_checkpoint_starts_where_the_last_ended(db, checkpoint_storage):
    write(2)
    checkpoint()
    later = write(3, start=2)
    assert checkpoint().startswith(
        f"Audit checkpoint signed: entries 3 to 5, head {later[-1].entry_hash}"
    )
    signed = [
        json.loads(json.loads(f.read_bytes())["checkpoint"]) for f in files(checkpoint_storage)
    ]
    assert [(s["first"], s["sequence"]) for s in signed] == [(1, 2), (3, 5)]
    assert signed[1]["previous_hash"] == signed[0]["hash"]
    assert verify().endswith(f"Audit chain intact: 5 entries, head {later[-1].entry_hash}")


def test_with_nothing_new_the_same_head_is_signed_again_later(entries, checkpoint_storage):
    checkpoint()
    assert checkpoint().startswith(
        f"Audit checkpoint signed: entries 6 to 5, head {entries[-1].entry_hash}"
    )
    assert len(files(checkpoint_storage)) == 2
    assert verify().startswith("Checked against 2 checkpoints: entries 1 to 5 as signed")


def test_an_empty_log_can_be_signed_and_then_grows(db, checkpoint_storage):
    output = checkpoint()
    [stored] = files(checkpoint_storage)
    assert output == (
        f"Audit checkpoint signed: entries 1 to 0, head {chain.GENESIS}, in "
        f"audit-checkpoints/{stored.name}"
    )
    later = write(2)
    checkpoint()
    assert verify().endswith(f"Audit chain intact: 2 entries, head {later[-1].entry_hash}")


def test_a_long_log_is_signed_in_several_checkpoints(db, monkeypatch, checkpoint_storage):
    monkeypatch.setattr("audit.services.MAX_ENTRIES", 2)
    write(5)
    assert [line.split(",")[0] for line in checkpoint().splitlines()] == [
        "Audit checkpoint signed: entries 1 to 2",
        "Audit checkpoint signed: entries 3 to 4",
        "Audit checkpoint signed: entries 5 to 5",
    ]
    first = rewrite_from(4)
    assert broken().startswith(f"Audit chain broken: Entry 4 (id {first.pk}): it was rewritten")


def test_checkpoints_of_an_earlier_key_count_with_public_key(entries, settings, tmp_path):
    checkpoint()
    old = tmp_path / "old.pem"
    old.write_bytes(public_key_pem(SERVICE_KEY.public_key()))
    settings.ASSURANCE_SIGNING_KEY = base64.b64encode(bytes(range(32))).decode("ascii")
    assert "its signature does not verify with the service's key" in broken()
    assert verify("--public-key", str(old)).endswith(
        "Audit chain intact: 5 entries, head " + entries[-1].entry_hash
    )
    # The next checkpoint, with the new key, follows the old key's.
    write(1, start=5)
    assert checkpoint("--public-key", str(old)).startswith(
        "Audit checkpoint signed: entries 6 to 6"
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


S3_BUCKET = "nir-audit-checkpoints-test"


@pytest.mark.integration
def test_checkpoints_are_kept_in_s3_in_production(entries, settings, fake_s3):
    """The production storage: real S3 HTTP requests to a fake S3 (moto server) on 127.0.0.1."""
    import boto3

    s3 = boto3.client(
        "s3",
        endpoint_url=fake_s3,
        region_name="eu-west-2",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    s3.create_bucket(
        Bucket=S3_BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"}
    )
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": S3_BUCKET,
                "endpoint_url": fake_s3,
                "region_name": "eu-west-2",
                "default_acl": None,
                "file_overwrite": True,
                "access_key": "testing",
                "secret_key": "testing",
            },
        },
    }
    try:
        checkpoint()
        [key] = [o["Key"] for o in s3.list_objects_v2(Bucket=S3_BUCKET)["Contents"]]
        assert key.startswith("audit-checkpoints/00000000000000000001-00000000000000000005-")
        first = rewrite_from(2)
        assert broken().startswith(
            f"Audit chain broken: Entry 2 (id {first.pk}): it was rewritten: its hash is not the "
            f"one checkpoint {key} (entries 1 to 5"
        )
    finally:
        for item in s3.list_objects_v2(Bucket=S3_BUCKET).get("Contents", []):
            s3.delete_object(Bucket=S3_BUCKET, Key=item["Key"])
        s3.delete_bucket(Bucket=S3_BUCKET)


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


def test_the_last_entry_a_checkpoint_signed_is_named_when_it_alone_is_rewritten(entries):
    checkpoint()
    last = rewrite_from(5)
    assert broken().startswith(f"Audit chain broken: Entry 5 (id {last.pk}): it was rewritten")
