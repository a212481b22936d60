"""The "evidence" storage (settings.STORAGES): where accepted files are kept, and the quarantine
folder where files wait until they are accepted.

Files go from quarantine to storage as a stream (the storage reads the open file in chunks;
S3 uploads it in parts), never read whole. Nothing in quarantine is reachable from the web.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage, storages


def evidence_storage() -> Storage:
    return storages["evidence"]


def quarantine_dir() -> Path:
    folder = Path(settings.EVIDENCE_QUARANTINE_DIR)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def quarantine_path(evidence_id: uuid.UUID) -> Path:
    """Where a file recorded as pending waits: named after its row, so the retry finds it."""
    return quarantine_dir() / f"{evidence_id}.pending"


def storage_name_for(application_id: object, evidence_id: uuid.UUID, extension: str) -> str:
    return f"evidence/{application_id}/{evidence_id}{extension}"


def storage_put(name: str, source: Path) -> None:
    """Copy the quarantined file at `source` to the evidence storage under exactly `name`."""
    storage = evidence_storage()
    if storage.exists(name):  # left by an attempt that failed before its row was committed
        storage.delete(name)
    with open(source, "rb") as file:
        saved = storage.save(name, File(file, name=os.path.basename(name)))
    if saved != name:
        raise RuntimeError(f"evidence storage saved {name!r} as {saved!r}")


def quarantine_discard(path: Path) -> None:
    path.unlink(missing_ok=True)
