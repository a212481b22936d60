"""File names: the one given is kept as given; the one a download is saved under is made safe.

The multipart parser has already dropped any folder part and unprintable characters from the
name a browser sends; names given any other way are cleaned here the same way (ADR 0007)."""

from __future__ import annotations

import re
import unicodedata

from .inspection import EXTENSIONS
from .models import EvidenceKind

MAX_ORIGINAL = 1000
MAX_DOWNLOAD = 150
# Characters Windows refuses in a file name, and quotes that break a header or a shell.
_UNSAFE = re.compile(r'[<>:"/\\|?*\'`;]')


def original_name_clean(name: str) -> str:
    """The name as given, without what no database or page can hold: control characters."""
    kept = "".join(c for c in name if unicodedata.category(c) != "Cc")
    return kept[:MAX_ORIGINAL]


def download_name_make(original: str, kind: EvidenceKind) -> str:
    """A name safe to save a download under: no folders, no control or format characters (which
    include the right-to-left override that disguises `evil\u202efdp.exe` as `evilexe.pdf`), no
    characters Windows refuses, no leading dot, at most MAX_DOWNLOAD characters. It keeps its
    extension when that matches the content, and gains the content's when it does not, so
    a PDF sent as `scan.png` downloads as `scan.png.pdf` and opens in the right program."""
    extensions = EXTENSIONS[kind]
    name = original.replace("\\", "/").rsplit("/", 1)[-1]
    name = unicodedata.normalize("NFC", name)
    name = "".join(c for c in name if unicodedata.category(c) not in ("Cc", "Cf", "Zl", "Zp"))
    name = _UNSAFE.sub("_", name)
    name = " ".join(name.split()).strip(" .")
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    if f".{extension.lower()}" in extensions:
        suffix = f".{extension.lower()}"
    else:
        stem = name
        suffix = extensions[0]
    stem = stem[: MAX_DOWNLOAD - len(suffix)].rstrip(" .") or "evidence"
    return f"{stem}{suffix}"
