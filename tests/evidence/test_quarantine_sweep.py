"""What a killed request leaves in quarantine is deleted by the cron command an hour later
(issue 27, ADR 0047); a file still being received, and a pending row's file, are kept."""

import os
import time
from pathlib import Path

import pytest
from django.core.management import call_command

from evidence.models import EvidenceFile, ScanStatus
from evidence.refusals import EvidenceRefused
from evidence.rescan import quarantine_sweep
from evidence.storage import quarantine_dir
from tests.evidence import files
from tests.evidence.conftest import quarantined


def left(name: str, *, minutes_ago: float) -> Path:
    path = quarantine_dir() / name
    path.write_bytes(b"part of an upload")
    then = time.time() - minutes_ago * 60
    os.utime(path, (then, then))
    return path


@pytest.mark.django_db
def test_an_hour_on_abandoned_uploads_and_rowless_files_go_and_the_rest_stay(
    settings, store, dead_scanner, capsys
):
    with pytest.raises(EvidenceRefused):
        store(files.PDF, "waiting.pdf")  # no scanner: the row is pending, its file kept
    pending = EvidenceFile.objects.get()
    assert pending.scan_status == ScanStatus.PENDING
    waiting = quarantine_dir() / f"{pending.pk}.pending"
    os.utime(waiting, (time.time() - 7200, time.time() - 7200))
    abandoned = left("upload-0b9e8c1e-2c43-4f4e-9d59-3d3b2c9f5d10.part", minutes_ago=61)
    receiving = left("upload-6a1d2f4e-0e1c-4b7a-8d2e-5f6a7b8c9d0e.part", minutes_ago=5)
    rowless = left("7d8e9f00-1a2b-4c3d-8e4f-5a6b7c8d9e0f.pending", minutes_ago=120)

    call_command("evidence_rescan_pending")

    assert "2 abandoned file(s) deleted from quarantine" in capsys.readouterr().out
    assert quarantined(settings) == sorted([waiting, receiving])
    assert not abandoned.exists() and not rowless.exists()
    assert quarantine_sweep() == 0
