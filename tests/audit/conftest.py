import base64

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from audit.models import AuditEntry
from tests.audit.checkpoint_support import write

# The service's signing key in these tests: generated for the run, never the development key.
SERVICE_KEY = Ed25519PrivateKey.generate()


@pytest.fixture(autouse=True)
def checkpoint_storage(settings, tmp_path):
    """Each test its own evidence storage (where checkpoints are kept) and the run's key, so no
    checkpoint of a development database, or of another test, is compared with its chain."""
    settings.ASSURANCE_SIGNING_KEY = base64.b64encode(
        SERVICE_KEY.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )
    ).decode("ascii")
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media", "base_url": None},
        },
    }
    return tmp_path / "media"


@pytest.fixture
def entries(db) -> list[AuditEntry]:
    """Five entries written, for the checkpoint tests (test_chain.py writes its own)."""
    return write(5)
