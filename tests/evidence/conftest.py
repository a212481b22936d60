import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import missing_prerequisite
from tests.web.conftest import *  # noqa: F403 - the web fixtures (organisations, members, clients)

REPOSITORY = Path(__file__).resolve().parents[2]
CLAMD = "/usr/sbin/clamd"
LIMIT = 1024 * 1024  # 1MB: small, so the size tests stay fast


@pytest.fixture(scope="session")
def clamd_address(tmp_path_factory):
    """A real clamd: CLAMD_ADDRESS from the environment (CI starts one with scripts/clamd-test),
    else one started here with the same script for this session."""
    if os.environ.get("CLAMD_ADDRESS"):
        yield os.environ["CLAMD_ADDRESS"]
        return
    if not os.access(CLAMD, os.X_OK):
        missing_prerequisite(f"clamd is not installed ({CLAMD}): apt-get install clamav-daemon")
    folder = tmp_path_factory.mktemp("clamd")
    script = REPOSITORY / "scripts" / "clamd-test"
    started = subprocess.run(
        [script, "start", folder], capture_output=True, text=True, timeout=120, check=False
    )
    if started.returncode != 0:
        pytest.fail(f"scripts/clamd-test start failed: {started.stderr}")
    try:
        yield started.stdout.strip()
    finally:
        subprocess.run([script, "stop", folder], timeout=60, check=False)


@pytest.fixture(autouse=True)
def evidence_settings(settings, tmp_path):
    """Each test its own storage and quarantine folders, a 1MB limit and no scanner unless it
    asks for one (`scanner`)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EVIDENCE_QUARANTINE_DIR = tmp_path / "quarantine"
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media", "base_url": None},
        },
    }
    settings.EVIDENCE_MAX_BYTES = LIMIT
    settings.CLAMD_ADDRESS = ""
    return settings


@pytest.fixture
def scanner(evidence_settings, clamd_address):
    evidence_settings.CLAMD_ADDRESS = clamd_address
    return clamd_address


@pytest.fixture
def dead_scanner(evidence_settings, tmp_path):
    evidence_settings.CLAMD_ADDRESS = f"unix://{tmp_path}/no-clamd-here.sock"
    evidence_settings.CLAMD_TIMEOUT = 2


@pytest.fixture
def application(organisation, member):
    from applications.models import Application

    return Application.objects.create(organisation=organisation, scope="both", created_by=member)


@pytest.fixture
def store(application, member, tmp_path):
    """Store `data` sent as `name` for the application, as `member`."""
    import io

    from evidence.services import evidence_store
    from evidence.upload import quarantine_file

    def store(data: bytes, name: str = "evidence.pdf", purpose: str = "question:c_aup"):
        received = quarantine_file(io.BytesIO(data), original_name=name)
        return evidence_store(
            application=application, purpose=purpose, received=received, actor=member
        )

    return store


def quarantined(settings) -> list[Path]:
    folder = Path(settings.EVIDENCE_QUARANTINE_DIR)
    return sorted(folder.iterdir()) if folder.exists() else []


def stored(settings) -> list[Path]:
    folder = Path(settings.MEDIA_ROOT)
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []
