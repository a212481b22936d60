"""Signing checkpoints of the audit chain (ADR 0009, `manage.py audit_checkpoint`): a checkpoint
signs the head and every hash since the last one with the service's key, a long log in several;
none is signed over a broken chain; checkpoints of an earlier key still count with its public
key; and in production they are kept in S3, outside the database."""

import base64
import json
from datetime import timedelta

import pytest
from django.utils import timezone

from audit import chain
from core.signing import public_key_pem
from tests.audit.checkpoint_support import broken, checkpoint, files, rewrite_from, verify, write
from tests.audit.conftest import SERVICE_KEY
from tests.audit.tamper import run_with_triggers_off


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
