"""Writes of the DSPT register: importing a snapshot (audited)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import BinaryIO

from django.db import IntegrityError, transaction

from accounts.models import User
from audit.services import Auditor
from core.text import clean_text

from .models import DsptRegisterEntry, DsptSnapshot
from .parsing import RegisterRow, register_rows

BATCH_SIZE = 1000
CHUNK = 1 << 16


@dataclass(frozen=True)
class RegisterImport:
    snapshot: DsptSnapshot
    # False when this file had already been imported: nothing was written.
    created: bool


def file_sha256(open_file: Callable[[], BinaryIO]) -> str:
    digest = hashlib.sha256()
    with open_file() as binary:
        while chunk := binary.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def dspt_register_import(
    *, open_file: Callable[[], BinaryIO], source: str, taken_on: date, actor: User | None
) -> RegisterImport:
    """Import a snapshot of the DSPT register from a CSV (``dspt_register.parsing``).

    Guarantees: the file is read as it streams, twice (its SHA-256, then its rows), never whole
    in memory; the same file imported again (even at once, from two processes) adds nothing and
    returns the snapshot it made the first time; a file with a row it cannot read
    (``RegisterFileError``) adds nothing; an organisation listed twice keeps its latest
    publication. Audited ("dspt_register.import")."""
    source = clean_text(source)  # a file's name, kept as text (ADR 0007)
    sha256 = file_sha256(open_file)
    existing = DsptSnapshot.objects.filter(sha256=sha256).first()
    if existing is not None:
        return RegisterImport(existing, created=False)
    try:
        with transaction.atomic():
            snapshot = DsptSnapshot.objects.create(
                taken_on=taken_on, source=source[:1000], sha256=sha256, imported_by=actor
            )
            with open_file() as binary:
                snapshot.entries_count = _store_entries(snapshot, register_rows(binary))
            snapshot.save(update_fields=["entries_count"])
            Auditor(actor).record(
                action="dspt_register.import",
                obj=snapshot,
                subject=source[:200],
                after={
                    "taken_on": taken_on.isoformat(),
                    "sha256": sha256,
                    "entries": snapshot.entries_count,
                },
            )
    except IntegrityError:
        # Another import of the same file committed first.
        return RegisterImport(DsptSnapshot.objects.get(sha256=sha256), created=False)
    return RegisterImport(snapshot, created=True)


def _newer(row: RegisterRow, than: date | None) -> bool:
    return than is None or (row.published is not None and row.published > than)


def _store_entries(snapshot: DsptSnapshot, rows: object) -> int:
    stored: dict[str, date | None] = {}  # every code written, with its publication date
    batch: dict[str, RegisterRow] = {}
    for row in rows:  # type: ignore[attr-defined]
        if row.ods_code in batch:
            if _newer(row, batch[row.ods_code].published):
                batch[row.ods_code] = row
        elif row.ods_code in stored:
            if _newer(row, stored[row.ods_code]):
                DsptRegisterEntry.objects.filter(snapshot=snapshot, ods_code=row.ods_code).update(
                    name=row.name, status=row.status, published=row.published
                )
                stored[row.ods_code] = row.published
        else:
            batch[row.ods_code] = row
        if len(batch) >= BATCH_SIZE:
            _flush(snapshot, batch, stored)
    _flush(snapshot, batch, stored)
    return len(stored)


def _flush(
    snapshot: DsptSnapshot, batch: dict[str, RegisterRow], stored: dict[str, date | None]
) -> None:
    DsptRegisterEntry.objects.bulk_create(
        DsptRegisterEntry(
            snapshot=snapshot,
            ods_code=row.ods_code,
            name=row.name,
            status=row.status,
            published=row.published,
        )
        for row in batch.values()
    )
    stored.update({code: row.published for code, row in batch.items()})
    batch.clear()
