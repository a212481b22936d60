"""The one writer of ODS data (ADR 0017): importing a file, audited."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from itertools import islice
from typing import IO, TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from audit.services import Auditor
from core.text import clean_text

from .models import OdsImport, OdsOrganisation
from .parsing import OdsFileInvalid, OdsRecord, ods_records

if TYPE_CHECKING:
    from accounts.models import User

BATCH = 1000


class _HashingReader(io.RawIOBase):
    """Passes a binary stream through, hashing what is read (the import keeps the SHA-256)."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream
        self.sha256 = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        chunk = self._stream.read(len(buffer))
        buffer[: len(chunk)] = chunk
        self.sha256.update(chunk)
        return len(chunk)

    def hexdigest_of_all(self) -> str:
        """The SHA-256 of the whole stream, reading what the parser left unread."""
        while chunk := self._stream.read(1 << 16):
            self.sha256.update(chunk)
        return self.sha256.hexdigest()


@dataclass(frozen=True)
class OdsImportResult:
    ods_import: OdsImport

    def __str__(self) -> str:
        done = self.ods_import
        return (
            f"Imported {done.record_count} organisations from {done.source} "
            f"({done.file_format.upper()}): {done.created_count} new, {done.updated_count} "
            f"changed, {done.record_count - done.created_count - done.updated_count} unchanged, "
            f"{done.skipped_count} rows skipped"
        )


def _batches(records: Iterator[OdsRecord]) -> Iterator[dict[str, OdsRecord]]:
    while batch := list(islice(records, BATCH)):
        # A code twice in one file: the later row wins, as it would across batches.
        yield {record.code: record for record in batch}


@transaction.atomic
def ods_import(
    *, stream: IO[bytes], source: str, actor: User | None = None, today: date | None = None
) -> OdsImportResult:
    """Import an ODS file (XML full file or DSE CSV; ods.parsing), streamed in batches.

    Guarantees: one OdsOrganisation per code, however often a file is imported (a code already
    known is updated in place, and only when something changed); the import is recorded with
    its file's name, format, publication date and SHA-256, and audited (ods.import); all or
    nothing (one transaction): a file that cannot be read, or names no organisation, raises
    OdsFileInvalid and changes nothing. Codes a later file leaves out are kept as they were."""
    today = today or timezone.localdate()
    source = clean_text(source)  # a file's name, kept as text (ADR 0007)
    hashing = _HashingReader(stream)
    info, records = ods_records(io.BufferedReader(hashing), today=today)
    done = OdsImport.objects.create(
        imported_at=timezone.now(), source=source[:255], file_format=info.file_format, sha256=""
    )
    for batch in _batches(records):
        existing = {o.code: o for o in OdsOrganisation.objects.filter(code__in=list(batch))}
        new, changed = [], []
        for code, record in batch.items():
            values = {field: getattr(record, field) for field in info.fields}
            known = existing.get(code)
            if known is None:
                new.append(OdsOrganisation(code=code, changed_in=done, **values))
            elif any(getattr(known, field) != value for field, value in values.items()):
                for field, value in values.items():
                    setattr(known, field, value)
                known.changed_in = done
                changed.append(known)
        OdsOrganisation.objects.bulk_create(new)
        OdsOrganisation.objects.bulk_update(changed, [*info.fields, "changed_in"])
        done.record_count += len(batch)
        done.created_count += len(new)
        done.updated_count += len(changed)
    if done.record_count == 0:
        raise OdsFileInvalid(
            f"The file names no organisations: it is not an ODS {info.file_format.upper()} file "
            "this service reads"
        )
    done.sha256 = hashing.hexdigest_of_all()
    done.published_on = info.published_on
    done.skipped_count = info.skipped
    done.save()
    Auditor(actor).record(
        action="ods.import",
        obj=done,
        after={
            "source": done.source,
            "format": done.file_format,
            "published_on": done.published_on.isoformat() if done.published_on else None,
            "sha256": done.sha256,
            "records": done.record_count,
            "created": done.created_count,
            "updated": done.updated_count,
            "skipped": done.skipped_count,
        },
    )
    return OdsImportResult(done)
