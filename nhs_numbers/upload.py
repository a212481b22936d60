"""Receiving a file of NHS numbers: checked and scanned as it streams, never kept.

`@nhs_number_check_view` names `NhsNumberCheckHandler` as the view's only upload handler
(core/uploads.py). Each 64 KiB chunk of the file goes to the checker (nhs_numbers/checking.py)
and, when a scanner is configured, to clamd over one INSTREAM connection, and is then dropped:
nothing of the file is written to disk or kept in memory beyond the chunk and one unfinished line
(ADR 0021). The file is refused, and its report thrown away, when it:
- reaches NHS_NUMBER_FILE_MAX_BYTES (counted as it streams; the rest is read past),
- is not a CSV (NUL bytes, or the first bytes of a PDF, ZIP, image or old Office file),
- is empty,
- holds malware (clamd's verdict), or clamd gives no verdict: with nothing kept there is no
  rescan later, so the person is asked to try again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, BinaryIO, TypeVar

from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest

from core.uploads import DiscardFileUploadHandler, upload_handlers
from evidence.clamd import ClamdUnavailable, InstreamSession
from evidence.refusals import (
    EMPTY,
    SELECT_A_FILE,
    TRY_AGAIN,
    VIRUS,
    EvidenceRefused,
    size_in_words,
)
from evidence.scanning import scan_stream_open
from evidence.upload import CHUNK_SIZE, ENVELOPE_ALLOWANCE

from .checking import CheckReport, NhsNumberFileCheck, NotACsv

# 20MB: a million numbers written "943 476 5919" with CRLF are 14MB.
NHS_NUMBER_FILE_MAX_BYTES = 20 * 1024 * 1024
FILE_FIELD = "numbers"
NOT_A_CSV = "The selected file must be a CSV"

View = TypeVar("View", bound=Callable[..., Any])


def too_large_message() -> str:
    return f"The selected file must be smaller than {size_in_words(NHS_NUMBER_FILE_MAX_BYTES)}"


@dataclass(frozen=True)
class CheckedFile:
    report: CheckReport
    size: int
    # False when no scanner is configured (development only).
    scanned: bool


class NhsNumberCheckHandler(FileUploadHandler):
    """Check and scan the file in FILE_FIELD chunk by chunk (see the module docstring); skip any
    other file. `checked` or `refusal` holds the outcome once the body has been read."""

    chunk_size = CHUNK_SIZE

    def __init__(self, request: HttpRequest | None = None, *, max_bytes: int | None = None):
        super().__init__(request)
        self.max_bytes = NHS_NUMBER_FILE_MAX_BYTES if max_bytes is None else max_bytes
        self.request_too_large = False
        self.started = False
        self.size = 0
        self.check: NhsNumberFileCheck | None = None
        self.scan: InstreamSession | None = None
        self.scanning = False
        self.checked: CheckedFile | None = None
        self.refusal: EvidenceRefused | None = None

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
        if field_name != FILE_FIELD or self.started:
            raise SkipFile  # one file, in its field
        self.started = True
        if self.request_too_large:
            self._refuse(too_large_message(), "the request's Content-Length")
        self.check = NhsNumberFileCheck()
        try:
            self.scan = scan_stream_open()
            self.scanning = self.scan is not None
        except (ClamdUnavailable, ValueError) as error:
            self._refuse(TRY_AGAIN, f"clamd: {error}")

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        assert self.check is not None
        self.size += len(raw_data)
        if self.size >= self.max_bytes:
            self._refuse(too_large_message(), f"more than {self.size - 1} bytes")
        try:
            self.check.feed(raw_data)
        except NotACsv as error:
            self._refuse(NOT_A_CSV, str(error))
        if self.scan is not None:
            try:
                self.scan.send(raw_data)
            except ClamdUnavailable as error:
                self.scan = None
                self._refuse(TRY_AGAIN, f"clamd: {error}")
        return None

    def file_complete(self, file_size: int) -> None:
        if self.check is None or self.refusal is not None:
            return None
        check, self.check = self.check, None
        scan, self.scan = self.scan, None
        try:
            if file_size == 0:
                raise EvidenceRefused(EMPTY, reason="the file has no bytes")
            try:
                report = check.finish()
            except NotACsv as error:
                raise EvidenceRefused(NOT_A_CSV, reason=str(error)) from error
            if scan is not None:
                try:
                    verdict = scan.finish()
                except ClamdUnavailable as error:
                    raise EvidenceRefused(TRY_AGAIN, reason=f"clamd: {error}") from error
                scan = None
                if verdict.infected:
                    raise EvidenceRefused(VIRUS, reason=f"clamd found {verdict.signature}")
        except EvidenceRefused as refused:
            self.refusal = refused
        else:
            self.checked = CheckedFile(report=report, size=file_size, scanned=self.scanning)
        finally:
            if scan is not None:
                scan.close()
        return None

    def upload_interrupted(self) -> None:
        self._stop()

    def _refuse(self, message: str, reason: str) -> None:
        self.refusal = EvidenceRefused(message, reason=reason)
        self._stop()
        raise SkipFile

    def _stop(self) -> None:
        if self.scan is not None:
            self.scan.close()
        self.scan = None
        self.check = None


def nhs_number_check_handlers(request: HttpRequest) -> list[FileUploadHandler]:
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        return [NhsNumberCheckHandler(request)]
    return [DiscardFileUploadHandler(request)]


def nhs_number_check_view(view: View) -> View:
    """Decorate the view that takes the file; read the outcome with `checked_file`."""
    return upload_handlers(nhs_number_check_handlers)(view)


def checked_file(request: HttpRequest) -> CheckedFile:
    """The report on the file sent, once checked and scanned. Raises EvidenceRefused: "Select a
    file" when none was sent, or why it was refused."""
    request.FILES  # noqa: B018 - reads the body through the handler, if nothing has yet
    handlers = [h for h in request.upload_handlers if isinstance(h, NhsNumberCheckHandler)]
    if not handlers:
        raise EvidenceRefused(SELECT_A_FILE, reason="the view takes no file")
    handler = handlers[0]
    if handler.refusal is not None:
        raise handler.refusal
    if handler.checked is None:
        raise EvidenceRefused(SELECT_A_FILE, reason="no file was sent")
    return handler.checked
