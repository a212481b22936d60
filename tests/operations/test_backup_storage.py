"""The storage half of a backup (ADR 0041) through S3 as production keeps it, against a fake S3
(moto's server, real S3 HTTP requests on 127.0.0.1): every object copied out under its key with
its size and SHA-256, and written back into an empty bucket exactly, or each difference named."""

from __future__ import annotations

import hashlib
import uuid

import boto3
import pytest
from storages.backends.s3 import S3Storage

from operations.backup import (
    BackupError,
    ManifestEntry,
    backup_file_path,
    storage_copy_in,
    storage_copy_out,
    storage_keys,
)

pytestmark = pytest.mark.integration

OBJECTS = {
    "evidence/4d1c/0f3a.pdf": b"%PDF-1.4 the policy\n",
    "evidence/4d1c/77b2.docx": b"PK\x03\x04 a document" * 1000,
    "evidence/9e0a/1111.png": b"\x89PNG\r\n\x1a\n",
    "audit-checkpoints/00000000000000000001-00000000000000000042-20261206T000000Z.json": b"{}",
}


def new_bucket(fake_s3):
    """A new bucket on the fake S3, and a storage configured as production's evidence storage."""
    name = f"nir-backup-{uuid.uuid4().hex[:8]}"
    s3 = boto3.client(
        "s3",
        endpoint_url=fake_s3,
        region_name="eu-west-2",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
    return (
        s3,
        name,
        S3Storage(
            bucket_name=name,
            endpoint_url=fake_s3,
            region_name="eu-west-2",
            access_key="testing",
            secret_key="testing",
            default_acl=None,
            file_overwrite=True,
        ),
    )


@pytest.fixture
def bucket(fake_s3):
    return new_bucket(fake_s3)


def test_every_object_goes_out_and_back_into_an_empty_bucket_as_it_was(bucket, fake_s3, tmp_path):
    s3, name, storage = bucket
    for key, data in OBJECTS.items():
        s3.put_object(Bucket=name, Key=key, Body=data)

    entries = storage_copy_out(storage, tmp_path)

    assert sorted(entries, key=lambda e: e.key) == sorted(
        (
            ManifestEntry(key, len(data), hashlib.sha256(data).hexdigest())
            for key, data in OBJECTS.items()
        ),
        key=lambda e: e.key,
    )
    for key, data in OBJECTS.items():
        assert (tmp_path / "files" / key).read_bytes() == data

    target_s3, target_name, target = new_bucket(fake_s3)
    assert list(storage_keys(target)) == []
    restored, problems = storage_copy_in(target, tmp_path, entries)
    assert problems == []
    assert restored == {entry.key: entry for entry in entries}
    for key, data in OBJECTS.items():
        assert target_s3.get_object(Bucket=target_name, Key=key)["Body"].read() == data


def test_a_file_that_differs_from_the_manifest_is_named(bucket, fake_s3, tmp_path):
    s3, name, storage = bucket
    for key, data in OBJECTS.items():
        s3.put_object(Bucket=name, Key=key, Body=data)
    entries = storage_copy_out(storage, tmp_path)
    changed = tmp_path / "files" / "evidence/9e0a/1111.png"
    changed.write_bytes(changed.read_bytes() + b"!")

    _, problems = storage_copy_in(new_bucket(fake_s3)[2], tmp_path, entries)

    assert problems == ["evidence/9e0a/1111.png: the restored file differs from the manifest"]


@pytest.mark.parametrize("key", ["../outside", "evidence/../../etc/passwd", "/etc/passwd", ""])
def test_a_key_outside_the_backup_is_refused(key, tmp_path):
    with pytest.raises(BackupError, match="outside the backup"):
        backup_file_path(tmp_path, key)
