"""Receiving a hazard log CSV: the evidence pipeline's streaming handler with a 1MB limit, then
sniffed (text, no NUL bytes) and scanned by clamd before a row is read. The file is deleted from
quarantine whatever happens; only the hazards it holds are kept."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest

from core.uploads import DiscardFileUploadHandler, upload_handlers
from evidence.models import ScanStatus
from evidence.refusals import TRY_AGAIN, VIRUS, EvidenceRefused, size_in_words
from evidence.scanning import evidence_scan
from evidence.upload import QuarantineUploadHandler, Received

HAZARD_LOG_MAX_BYTES = 1024 * 1024
FILE_FIELD = "hazard_log"
NOT_A_CSV = "The selected file must be a CSV"

View = TypeVar("View", bound=Callable[..., Any])


class HazardLogUploadHandler(QuarantineUploadHandler):
    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request, max_bytes=HAZARD_LOG_MAX_BYTES)

    def _too_large(self, reason: str) -> EvidenceRefused:
        return EvidenceRefused(
            f"The selected file must be smaller than {size_in_words(HAZARD_LOG_MAX_BYTES)}",
            reason=f"{reason}; the limit is {self.max_bytes} bytes",
        )


def hazard_log_upload_handlers(request: HttpRequest) -> list[FileUploadHandler]:
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        return [HazardLogUploadHandler(request)]
    return [DiscardFileUploadHandler(request)]


def hazard_log_upload_view(view: View) -> View:
    return upload_handlers(hazard_log_upload_handlers)(view)


def received_csv_bytes(received: Received) -> bytes:
    """The CSV's bytes once sniffed and scanned; the quarantined file is deleted either way.
    Raises EvidenceRefused."""
    try:
        data = received.path.read_bytes()
        if b"\x00" in data or data.startswith((b"%PDF", b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
            raise EvidenceRefused(NOT_A_CSV, reason="binary content")
        outcome = evidence_scan(received.path)
        if outcome.status == ScanStatus.INFECTED:
            raise EvidenceRefused(VIRUS, reason=f"clamd found {outcome.signature}")
        if outcome.status == ScanStatus.PENDING:
            raise EvidenceRefused(TRY_AGAIN, reason=outcome.result)
        return data
    finally:
        received.discard()
