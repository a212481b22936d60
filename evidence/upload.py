"""Receiving an upload: the request body streams into the quarantine folder, never into memory.

For the page that takes a file (the integrator's):

    from evidence.upload import evidence_upload_view, receive_file
    from evidence.refusals import EvidenceRefused
    from evidence.services import evidence_store

    @evidence_upload_view
    def question_upload(request, application_id): ...
        try:
            received = receive_file(request, "evidence")   # raises "Select a file", too large, …
            evidence = evidence_store(application=..., purpose="question:c_aup",
                                      received=received, actor=request.user)
        except EvidenceRefused as refused:
            ... show refused.message on the field ...

- `@evidence_upload_view` names `QuarantineUploadHandler` as the view's only upload handler.
  `CleanInputMiddleware` installs it before anything reads the body (core/uploads.py), so the
  CSRF check and the login check run as on any page (no csrf_exempt needed), and a signed-out
  request gets handlers that discard the file. The form must be `enctype="multipart/form-data"`.
- The handler writes each chunk (64 KiB) to a new file in EVIDENCE_QUARANTINE_DIR (mode 0600)
  while hashing it (SHA-256) and counting it. As soon as the count reaches EVIDENCE_MAX_BYTES the
  partial file is deleted and the rest of that file is read past and thrown away (SkipFile):
  nothing of a file too large is kept, and the form's other fields are still read. A request
  whose Content-Length is already more than the limit plus ENVELOPE_ALLOWANCE skips its file
  without writing a byte. "Smaller than" the limit: a file of exactly EVIDENCE_MAX_BYTES bytes
  is refused, one byte less is accepted.
- Each file field takes one file; more files in the same field are skipped.
- The received file is deleted when the request ends, unless `evidence_store` has taken it.

A proxy in front of the service should cap request bodies a little above EVIDENCE_MAX_BYTES
(nginx `client_max_body_size`), so a client cannot make the service read gigabytes to discard.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, BinaryIO, TypeVar

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest

from core.uploads import DiscardFileUploadHandler, upload_handlers

from .names import original_name_clean
from .refusals import EMPTY, SELECT_A_FILE, EvidenceRefused, too_large_message
from .storage import quarantine_dir

CHUNK_SIZE = 64 * 1024
# What a multipart body may carry besides the file: boundaries, headers and the form's fields.
ENVELOPE_ALLOWANCE = 1024 * 1024

View = TypeVar("View", bound=Callable[..., Any])


@dataclass(frozen=True)
class Received:
    """A file received whole into quarantine: where it is, its size, its SHA-256 (hex) and the
    name it was sent with (control characters removed, otherwise as given)."""

    path: Path
    size: int
    sha256: str
    original_name: str

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)


class QuarantinedUpload(UploadedFile):
    """What `request.FILES` holds for a file the quarantine handler received. Closing it, as
    Django does when the request ends, deletes the quarantine file unless it has been moved."""

    def __init__(self, received: Received) -> None:
        super().__init__(
            file=None, name=received.original_name, size=received.size, content_type=None
        )
        self.received = received

    def open(self, mode: str = "rb") -> QuarantinedUpload:
        self.file = open(self.received.path, mode)  # noqa: SIM115 - closed by close()
        return self

    def close(self) -> None:
        if self.file is not None:
            self.file.close()
        self.received.discard()


def new_quarantine_file() -> tuple[Path, IO[bytes]]:
    """A new, empty file in the quarantine folder, readable by this user only."""
    path = quarantine_dir() / f"upload-{uuid.uuid4()}.part"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    return path, os.fdopen(descriptor, "wb")


class QuarantineUploadHandler(FileUploadHandler):
    """Stream each file of the request into quarantine, hashing and counting, and stop a file at
    EVIDENCE_MAX_BYTES (see the module docstring). `refusals` holds, per field, the refusal of
    a file that was skipped, for `receive_file` to raise."""

    chunk_size = CHUNK_SIZE

    def __init__(self, request: HttpRequest | None = None, *, max_bytes: int | None = None):
        super().__init__(request)
        self.max_bytes = settings.EVIDENCE_MAX_BYTES if max_bytes is None else max_bytes
        self.refusals: dict[str, EvidenceRefused] = {}
        self.received_fields: set[str] = set()
        self.request_too_large = False
        self.path: Path | None = None
        # Not `file`: Django's parser calls `handler.file.close()` on any handler that has one.
        self.out: IO[bytes] | None = None
        self.size = 0
        self.largest_written = 0
        self.digest = hashlib.sha256()

    def handle_raw_input(
        self,
        input_data: BinaryIO,
        META: dict[str, Any],  # noqa: N803 - Django's name
        content_length: int,
        boundary: bytes,
        encoding: str | None = None,
    ) -> None:
        self.request_too_large = content_length > self.max_bytes + ENVELOPE_ALLOWANCE
        return None

    def new_file(self, field_name: str, *args: Any, **kwargs: Any) -> None:
        super().new_file(field_name, *args, **kwargs)
        if field_name in self.received_fields or field_name in self.refusals:
            raise SkipFile  # one file per field
        self.received_fields.add(field_name)
        if self.request_too_large:
            self.refusals[field_name] = self._too_large("the request's Content-Length")
            raise SkipFile
        self.path, self.out = new_quarantine_file()
        self.size = 0
        self.digest = hashlib.sha256()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        assert self.out is not None
        self.size += len(raw_data)
        if self.size >= self.max_bytes:
            self._discard_partial()
            self.refusals[self.field_name] = self._too_large(f"more than {self.size - 1} bytes")
            raise SkipFile
        self.out.write(raw_data)
        self.digest.update(raw_data)
        self.largest_written = max(self.largest_written, self.size)
        return None

    def file_complete(self, file_size: int) -> QuarantinedUpload | None:
        if self.out is None or self.path is None:
            return None
        self.out.close()
        self.out = None
        received = Received(
            path=self.path,
            size=file_size,
            sha256=self.digest.hexdigest(),
            original_name=original_name_clean(self.file_name or ""),
        )
        self.path = None
        return QuarantinedUpload(received)

    def upload_interrupted(self) -> None:
        self._discard_partial()

    def _discard_partial(self) -> None:
        if self.out is not None:
            self.out.close()
        if self.path is not None:
            self.path.unlink(missing_ok=True)
        self.out = None
        self.path = None

    def _too_large(self, reason: str) -> EvidenceRefused:
        return EvidenceRefused(
            too_large_message(), reason=f"{reason}; the limit is {self.max_bytes} bytes"
        )


def evidence_upload_handlers(request: HttpRequest) -> list[FileUploadHandler]:
    """The handlers for a page that takes evidence: quarantine for a signed-in user, and
    discarding for anyone else (who is sent to sign in without a byte kept)."""
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        return [QuarantineUploadHandler(request)]
    return [DiscardFileUploadHandler(request)]


def evidence_upload_view(view: View) -> View:
    """Decorate a view that takes evidence files (see the module docstring)."""
    return upload_handlers(evidence_upload_handlers)(view)


def receive_file(
    request: HttpRequest, field_name: str, *, required: bool = True
) -> Received | None:
    """The file sent in `field_name`, received whole into quarantine.

    Raises EvidenceRefused with "Select a file" when none was sent (unless `required` is False:
    then None), "The selected file must be smaller than …" when it was too large (nothing of it
    kept) and "The selected file is empty" when it has no bytes. Only checks size: what the file
    is and whether it is safe is `evidence_store`'s to judge."""
    handlers = [h for h in request.upload_handlers if isinstance(h, QuarantineUploadHandler)]
    if not handlers:
        raise ImproperlyConfigured(
            "receive_file needs the view to be decorated with @evidence_upload_view"
        )
    files = request.FILES.getlist(field_name)  # reads the body, through the handler
    refusal = handlers[0].refusals.get(field_name)
    if refusal is not None:
        raise refusal
    upload = files[0] if files else None
    if not isinstance(upload, QuarantinedUpload):
        if required:
            raise EvidenceRefused(SELECT_A_FILE, reason="no file was sent")
        return None
    if upload.received.size == 0:
        upload.received.discard()
        raise EvidenceRefused(EMPTY, reason="the file has no bytes")
    return upload.received


def quarantine_file(source: BinaryIO, *, original_name: str) -> Received:
    """Stream `source` into quarantine as an upload would be, for files that come in another way
    (a command, a test). Raises EvidenceRefused when it is too large, as the upload does."""
    handler = QuarantineUploadHandler()
    handler.new_file("file", original_name, None, None)
    try:
        while chunk := source.read(CHUNK_SIZE):
            handler.receive_data_chunk(chunk, handler.size)
    except SkipFile:
        raise handler.refusals["file"] from None
    upload = handler.file_complete(handler.size)
    assert upload is not None
    return upload.received
