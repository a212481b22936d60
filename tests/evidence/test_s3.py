"""The S3 storage, against a fake S3 (moto server): real S3 HTTP requests on 127.0.0.1."""

import hashlib

import boto3
import pytest
from django.test import Client

from evidence.models import ScanStatus
from tests.evidence import files

pytestmark = [pytest.mark.django_db, pytest.mark.integration]

BUCKET = "nir-evidence-test"
CREDENTIALS = {"access_key": "testing", "secret_key": "testing"}


@pytest.fixture
def s3_storage(fake_s3, evidence_settings):
    s3 = boto3.client(
        "s3",
        endpoint_url=fake_s3,
        region_name="eu-west-2",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
    evidence_settings.STORAGES = {
        **evidence_settings.STORAGES,
        "evidence": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": fake_s3,
                "region_name": "eu-west-2",
                "default_acl": None,
                "file_overwrite": True,
                **CREDENTIALS,
            },
        },
    }
    yield s3
    for item in s3.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        s3.delete_object(Bucket=BUCKET, Key=item["Key"])
    s3.delete_bucket(Bucket=BUCKET)


def test_fake_s3_moto_server_stores_and_serves_an_accepted_file(s3_storage, store, member):
    data = files.docx()
    evidence = store(data, "DPIA.docx")
    assert evidence.scan_status == ScanStatus.NOT_SCANNED
    stored = s3_storage.get_object(Bucket=BUCKET, Key=evidence.storage_name)["Body"].read()
    assert hashlib.sha256(stored).hexdigest() == evidence.sha256
    client = Client()
    client.force_login(member)
    response = client.get(f"/evidence/{evidence.pk}/download")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data


def test_fake_s3_moto_server_keeps_nothing_of_a_refused_file(s3_storage, store):
    from evidence.refusals import EvidenceRefused

    with pytest.raises(EvidenceRefused):
        store(files.elf(), "report.pdf")
    assert s3_storage.list_objects_v2(Bucket=BUCKET).get("KeyCount") == 0
