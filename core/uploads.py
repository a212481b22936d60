"""Which upload handlers read a request's files: none, unless the view asks for its own.

Django reads a multipart body with the handlers in `request.upload_handlers`, and they can only
be changed before anything reads `request.POST` or `request.FILES`. `CleanInputMiddleware` reads
the form of every POST before the view (ADR 0007), so a view that takes files names its handlers
with `@upload_handlers(factory)`, and the middleware installs them before it reads the body.

Every other page takes no file: `DiscardFileUploadHandler` (the FILE_UPLOAD_HANDLERS setting)
reads past any file sent to it without keeping a byte, in memory or on disk.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest

UPLOAD_HANDLERS_ATTRIBUTE = "upload_handlers_for"

HandlersFactory = Callable[[HttpRequest], list[FileUploadHandler]]
View = TypeVar("View", bound=Callable[..., Any])


class DiscardFileUploadHandler(FileUploadHandler):
    """Skip every file: the form's other fields are read, the file's bytes are thrown away."""

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        raise SkipFile

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        return None  # pragma: no cover - new_file always skips

    def file_complete(self, file_size: int) -> None:
        return None  # pragma: no cover - new_file always skips


def upload_handlers(factory: HandlersFactory) -> Callable[[View], View]:
    """Decorate a view that takes files: `factory(request)` gives the handlers for its body."""

    def decorate(view: View) -> View:
        setattr(view, UPLOAD_HANDLERS_ATTRIBUTE, factory)
        return view

    return decorate


def install_upload_handlers(request: HttpRequest, view: Callable[..., Any]) -> None:
    """Give the request the handlers its view asks for, if any, before its body is read."""
    factory: HandlersFactory | None = getattr(view, UPLOAD_HANDLERS_ATTRIBUTE, None)
    if factory is not None:
        request.upload_handlers = factory(request)
