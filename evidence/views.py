"""The download of an accepted evidence file, for those the selector lets see it."""

from __future__ import annotations

import uuid
from urllib.parse import quote

from django.http import FileResponse, HttpRequest
from django.views.decorators.http import require_GET

from .selectors import evidence_get_for_user
from .services import evidence_download_record
from .storage import evidence_storage

BLOCK_SIZE = 64 * 1024


def content_disposition(name: str) -> str:
    """`attachment` with the name twice (RFC 6266): an ASCII fallback in `filename` for old
    clients, and the exact name, percent-encoded UTF-8, in `filename*`."""
    fallback = name.encode("ascii", "replace").decode("ascii").replace("?", "_")
    fallback = fallback.replace("\\", "_").replace('"', "_")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


@require_GET
def download(request: HttpRequest, evidence_id: uuid.UUID) -> FileResponse:
    """Stream the file from storage in chunks, as an attachment of its detected type; audited."""
    evidence = evidence_get_for_user(request.user, evidence_id)
    stream = evidence_storage().open(evidence.storage_name, "rb")
    evidence_download_record(evidence=evidence, actor=request.user)
    response = FileResponse(stream, content_type=evidence.mime_type)
    response.block_size = BLOCK_SIZE
    response["Content-Length"] = str(evidence.size)
    response["Content-Disposition"] = content_disposition(evidence.download_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private"
    return response
