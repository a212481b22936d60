"""What a file is, judged by its content alone: never by its name or the browser's content type.

`evidence_inspect(path)` returns the kind and MIME type of an allowed file or raises
`EvidenceRefused`. PDF, PNG and JPEG are known by their first bytes. A zip (and DOCX and ODT,
which are zips) is inspected WITHOUT being extracted: its central directory gives the entries,
their names, flags and declared sizes, and only the first bytes of each entry of a plain zip are
read (decompressed as a stream) to tell what it is. A zip is refused when it has:

- more entries than EVIDENCE_ZIP_MAX_ENTRIES, more than EVIDENCE_ZIP_MAX_UNCOMPRESSED bytes in
  all, an entry (or the whole) of 1 MiB or more that expands more than EVIDENCE_ZIP_MAX_RATIO
  times, or entries whose compressed sizes add up to the whole archive or more (overlapping entries,
  the trick of the smallest zip bombs): "must be a PDF, DOCX, …";
- an entry name that is absolute or climbs out with ".." (path traversal): the same message;
- an encrypted entry: "The selected file is password protected";
- an entry that is itself a zip, by its name (.zip) or by its first bytes, unless it is a DOCX or
  ODT by content (then its own entries are checked as for a DOCX or ODT, but not opened: one
  level of nesting, no more). Such a document is decompressed once, as a stream, keeping only
  its first 64 KiB and last 1.1 MiB, which is all that reading its central directory needs; one
  whose central directory does not fit in that is refused;
- an entry whose content is not PDF, PNG, JPEG, DOCX or ODT. macOS's own metadata entries
  (`__MACOSX/._*`, `.DS_Store`, each checked by its content too) are allowed, because Finder's
  "Compress" adds them to every zip it makes.

The inner parts of a DOCX or ODT (XML, media) are the document's own and are not judged by type.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections import deque
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from django.conf import settings

from .models import EvidenceKind
from .refusals import EMPTY, PASSWORD_PROTECTED, WRONG_TYPE, EvidenceRefused

MIME_TYPES = {
    EvidenceKind.PDF: "application/pdf",
    EvidenceKind.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    EvidenceKind.ODT: "application/vnd.oasis.opendocument.text",
    EvidenceKind.PNG: "image/png",
    EvidenceKind.JPEG: "image/jpeg",
    EvidenceKind.ZIP: "application/zip",
}
EXTENSIONS = {
    EvidenceKind.PDF: (".pdf",),
    EvidenceKind.DOCX: (".docx",),
    EvidenceKind.ODT: (".odt",),
    EvidenceKind.PNG: (".png",),
    EvidenceKind.JPEG: (".jpg", ".jpeg"),
    EvidenceKind.ZIP: (".zip",),
}

ZIP_LOCAL_HEADER = b"PK\x03\x04"
ZIP_EMPTY = b"PK\x05\x06"
ZIP_SPANNED = b"PK\x07\x08"
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
# Entries smaller than this are not judged by their compression ratio: a page of XML or a run of
# blank lines can shrink a thousandfold and still be harmless.
RATIO_FLOOR = 1024 * 1024
HEAD_BYTES = 8
# A document inside a zip is read once, as a stream, and only its two ends are kept: the first
# 64 KiB (an ODT's `mimetype` entry, first by its standard) and the last 1 MiB plus what follows
# a central directory (a comment of up to 64 KiB, the ZIP64 locator and record, the end record).
# A DOCX's central directory is a few KB; 1,000 parts with long names is about 100 KB.
INNER_HEAD_BYTES = 64 * 1024
INNER_TAIL_BYTES = 1024 * 1024 + 65535 + 20 + 56 + 22
INNER_READ_BYTES = 1024 * 1024
_DRIVE = re.compile(r"^[A-Za-z]:")


@dataclass(frozen=True)
class Inspection:
    kind: EvidenceKind
    mime_type: str


@dataclass(frozen=True)
class ZipLimits:
    max_entries: int
    max_uncompressed: int
    max_ratio: int

    @classmethod
    def from_settings(cls) -> ZipLimits:
        return cls(
            max_entries=settings.EVIDENCE_ZIP_MAX_ENTRIES,
            max_uncompressed=settings.EVIDENCE_ZIP_MAX_UNCOMPRESSED,
            max_ratio=settings.EVIDENCE_ZIP_MAX_RATIO,
        )


def sniff(head: bytes) -> EvidenceKind | None:
    """The kind that these first bytes begin, for the kinds known by their first bytes alone;
    ZIP for any zip (DOCX and ODT included: only their entries tell them apart)."""
    if head.startswith(b"%PDF-"):
        return EvidenceKind.PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return EvidenceKind.PNG
    if head.startswith(b"\xff\xd8\xff"):
        return EvidenceKind.JPEG
    if head.startswith(ZIP_LOCAL_HEADER):
        return EvidenceKind.ZIP
    return None


def evidence_inspect(path: Path, *, limits: ZipLimits | None = None) -> Inspection:
    """The kind of the file at `path`, or EvidenceRefused. Reads no more than it needs."""
    limits = limits or ZipLimits.from_settings()
    with open(path, "rb") as file:
        head = file.read(HEAD_BYTES)
    if not head:
        raise EvidenceRefused(EMPTY, reason="the file has no bytes")
    if head.startswith(ZIP_EMPTY):
        raise EvidenceRefused(EMPTY, reason="a zip with no entries")
    kind = sniff(head)
    if kind is None:
        raise EvidenceRefused(WRONG_TYPE, reason=f"content begins {head.hex(' ')}")
    if kind == EvidenceKind.ZIP:
        kind = _inspect_zip(path, path.stat().st_size, limits)
    return Inspection(kind=kind, mime_type=MIME_TYPES[kind])


def _inspect_zip(path: Path, size: int, limits: ZipLimits) -> EvidenceKind:
    try:
        with zipfile.ZipFile(path) as archive:
            kind = container_kind(archive)
            check_zip(archive, archive_size=size, limits=limits, open_entries=kind == "zip")
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError) as error:
        raise EvidenceRefused(WRONG_TYPE, reason=f"not a zip that can be read: {error}") from error
    return kind


def container_kind(archive: zipfile.ZipFile) -> EvidenceKind:
    """DOCX (an Office Open XML word-processing package), ODT (an OpenDocument text, whose first
    entry is `mimetype` holding its type) or a plain ZIP."""
    infos = archive.infolist()
    names = {info.filename for info in infos}
    if "[Content_Types].xml" in names and "word/document.xml" in names:
        return EvidenceKind.DOCX
    if infos and infos[0].filename == "mimetype" and not infos[0].flag_bits & 1:
        with archive.open(infos[0]) as mimetype:
            if mimetype.read(len(ODT_MIMETYPE) + 1) == ODT_MIMETYPE:
                return EvidenceKind.ODT
    return EvidenceKind.ZIP


def check_zip(
    archive: zipfile.ZipFile, *, archive_size: int, limits: ZipLimits, open_entries: bool
) -> None:
    """Refuse a zip by its central directory, and, with `open_entries`, by each entry's first
    bytes (see the module docstring). Never extracts anything."""
    infos = archive.infolist()
    if len(infos) > limits.max_entries:
        raise _bomb(f"{len(infos)} entries, more than {limits.max_entries}")
    files = [info for info in infos if not info.is_dir()]
    if not files:
        raise EvidenceRefused(EMPTY, reason="a zip with no files in it")
    for info in infos:
        _check_name(info.filename)
        if info.flag_bits & 0x1:
            raise EvidenceRefused(PASSWORD_PROTECTED, reason=f"entry {info.filename!r} encrypted")
    total = sum(info.file_size for info in files)
    if total > limits.max_uncompressed:
        raise _bomb(f"{total} bytes uncompressed, more than {limits.max_uncompressed}")
    # Every entry has a local header too, and the archive an end record: compressed sizes that
    # add up to the whole archive are already a lie.
    if sum(info.compress_size for info in files) >= archive_size:
        raise _bomb("entries overlap: their compressed sizes add up to the whole archive or more")
    if total >= RATIO_FLOOR and total > limits.max_ratio * max(archive_size, 1):
        raise _bomb(f"expands {total // max(archive_size, 1)} times")
    for info in files:
        if info.file_size >= RATIO_FLOOR and info.file_size > limits.max_ratio * max(
            info.compress_size, 1
        ):
            raise _bomb(f"entry {info.filename!r} expands more than {limits.max_ratio} times")
    if open_entries:
        for info in files:
            _check_entry(archive, info, limits)


def _bomb(reason: str) -> EvidenceRefused:
    return EvidenceRefused(WRONG_TYPE, reason=f"zip bomb: {reason}")


def _check_name(name: str) -> None:
    normalised = name.replace("\\", "/")
    if normalised.startswith("/") or _DRIVE.match(normalised):
        raise EvidenceRefused(WRONG_TYPE, reason=f"entry {name!r} has an absolute path")
    if ".." in PurePosixPath(normalised).parts:
        raise EvidenceRefused(WRONG_TYPE, reason=f"entry {name!r} climbs out of the folder")


def _check_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: ZipLimits) -> None:
    name = info.filename
    if name.lower().endswith(".zip"):
        raise EvidenceRefused(WRONG_TYPE, reason=f"entry {name!r} is a zip inside the zip")
    with archive.open(info) as entry:
        head = entry.read(HEAD_BYTES)
        kind = sniff(head)
        if kind == EvidenceKind.ZIP:
            # Not zipfile.ZipFile(entry): each of its seeks in a compressed entry decompresses
            # the entry again from the start, four times its size in all.
            with zipfile.ZipFile(_read_ends(entry, head)) as inner:
                if container_kind(inner) == EvidenceKind.ZIP:
                    raise EvidenceRefused(
                        WRONG_TYPE, reason=f"entry {name!r} is a zip inside the zip"
                    )
                check_zip(inner, archive_size=info.file_size, limits=limits, open_entries=False)
            return
    if kind in (EvidenceKind.PDF, EvidenceKind.PNG, EvidenceKind.JPEG):
        return
    if _is_macos_metadata(name, head):
        return
    raise EvidenceRefused(WRONG_TYPE, reason=f"entry {name!r} begins {head.hex(' ')}")


def _read_ends(entry: IO[bytes], head: bytes) -> io.BytesIO | _Ends:
    """The rest of `entry` read once (its CRC checked at the end by zipfile), as a seekable file
    that holds all of it when it is small and only its two ends when it is not."""
    head += entry.read(INNER_HEAD_BYTES - len(head))
    tail: deque[bytes] = deque()
    kept, size = 0, len(head)
    while chunk := entry.read(INNER_READ_BYTES):
        tail.append(chunk)
        kept += len(chunk)
        size += len(chunk)
        while kept - len(tail[0]) >= INNER_TAIL_BYTES:
            kept -= len(tail.popleft())
    end = b"".join(tail)
    if len(head) + len(end) == size:
        return io.BytesIO(head + end)
    return _Ends(head, end[-INNER_TAIL_BYTES:], size)


class _Ends:
    """A read-only file of `size` bytes of which only the first and last bytes are held: what
    zipfile.ZipFile needs of it (seek, tell, read). A read in between is refused as an unreadable
    zip: the document's central directory is too large to check."""

    def __init__(self, head: bytes, tail: bytes, size: int) -> None:
        self._head, self._tail, self._size = head, tail, size
        self._tail_start = size - len(tail)
        self._position = 0

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self._size}[whence]
        if base + offset < 0:
            raise OSError("seek before the start of the file")
        self._position = base + offset
        return self._position

    def read(self, size: int = -1) -> bytes:
        start = self._position
        end = self._size if size < 0 else min(start + size, self._size)
        if end <= start:
            return b""
        if end <= len(self._head):
            data = self._head[start:end]
        elif start >= self._tail_start:
            data = self._tail[start - self._tail_start : end - self._tail_start]
        else:
            raise zipfile.BadZipFile(
                f"reads bytes {start}-{end} of a document of {self._size}: its central "
                f"directory is over {INNER_TAIL_BYTES} bytes"
            )
        self._position = end
        return data


def _is_macos_metadata(name: str, head: bytes) -> bool:
    path = PurePosixPath(name)
    if path.parts[:1] == ("__MACOSX",) and path.name.startswith("._"):
        return head.startswith(b"\x00\x05\x16\x07")  # AppleDouble
    return path.name == ".DS_Store" and head.startswith(b"\x00\x00\x00\x01Bud1")
