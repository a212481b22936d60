"""Receiving a questionnaire version's YAML (ADR 0044): the evidence pipeline's streaming handler
with a 1MB limit (nothing of a larger file is kept), then sniffed as text (no NUL bytes, none of
the binary formats' signatures) before it is decoded. The quarantined file is deleted whatever
happens; only the text that passes the checks is kept, as a candidate."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest

from accounts.rules import can_administer
from core.uploads import DiscardFileUploadHandler, upload_handlers
from evidence.refusals import EvidenceRefused, size_in_words
from evidence.upload import QuarantinedUpload, QuarantineUploadHandler, Received

DEFINITION_MAX_BYTES = 1024 * 1024
FILE_FIELD = "definition"
NOT_YAML = "The selected file must be a YAML file"
BINARY_SIGNATURES = (b"%PDF", b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"\x89PNG", b"\xff\xd8\xff")

View = TypeVar("View", bound=Callable[..., Any])


class DefinitionUploadHandler(QuarantineUploadHandler):
    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request, max_bytes=DEFINITION_MAX_BYTES)

    def _too_large(self, reason: str) -> EvidenceRefused:
        return EvidenceRefused(
            f"The selected file must be smaller than {size_in_words(DEFINITION_MAX_BYTES)}",
            reason=f"{reason}; the limit is {self.max_bytes} bytes",
        )


def definition_upload_handlers(request: HttpRequest) -> list[FileUploadHandler]:
    """Quarantine for an administrator only: anyone else is refused (403) by the view, so not a
    byte of what they send is written, in memory or on disk."""
    if getattr(request, "user", None) is not None and can_administer(request.user):
        return [DefinitionUploadHandler(request)]
    return [DiscardFileUploadHandler(request)]


def quarantined_discard(request: HttpRequest) -> None:
    """Delete every file of the request received into quarantine and not used: the page keeps
    only text that passed the checks, as a candidate."""
    for upload in request.FILES.values():
        if isinstance(upload, QuarantinedUpload):
            upload.received.discard()


def definition_upload_view(view: View) -> View:
    return upload_handlers(definition_upload_handlers)(view)


def received_yaml_bytes(received: Received) -> bytes:
    """The file's bytes once sniffed as text; the quarantined file is deleted either way.
    Raises EvidenceRefused."""
    try:
        data = received.path.read_bytes()
        if b"\x00" in data or data.startswith(BINARY_SIGNATURES):
            raise EvidenceRefused(NOT_YAML, reason="binary content")
        return data
    finally:
        received.discard()
