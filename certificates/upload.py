"""Receiving a certificate file: the evidence pipeline's streaming handler with a smaller limit.

A certificate is a few KB. `CERTIFICATE_MAX_BYTES` (1MB) caps the file while it streams into
quarantine, exactly as EVIDENCE_MAX_BYTES caps evidence (evidence/upload.py): at the limit the
partial file is deleted and the rest read past, and the page says "must be smaller than 1MB"."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest

from core.uploads import DiscardFileUploadHandler, upload_handlers
from evidence.refusals import EvidenceRefused, size_in_words
from evidence.upload import QuarantineUploadHandler

CERTIFICATE_MAX_BYTES = 1024 * 1024
FILE_FIELD = "certificate"

View = TypeVar("View", bound=Callable[..., Any])


def too_large_message() -> str:
    return f"The selected file must be smaller than {size_in_words(CERTIFICATE_MAX_BYTES)}"


class CertificateUploadHandler(QuarantineUploadHandler):
    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request, max_bytes=CERTIFICATE_MAX_BYTES)

    def _too_large(self, reason: str) -> EvidenceRefused:
        return EvidenceRefused(
            too_large_message(), reason=f"{reason}; the limit is {self.max_bytes} bytes"
        )


def certificate_upload_handlers(request: HttpRequest) -> list[FileUploadHandler]:
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        return [CertificateUploadHandler(request)]
    return [DiscardFileUploadHandler(request)]


def certificate_upload_view(view: View) -> View:
    """Decorate the view that takes a certificate file; read it with evidence's `receive_file`."""
    return upload_handlers(certificate_upload_handlers)(view)
