"""Development keys kept in files (outside production, when no key is set): written once,
safely, whichever process starts first."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def key_file_write_once(path: Path, content: bytes) -> None:
    """Write `content` to `path` unless another process has just done so. Linked into place from
    a private temporary file (mode 0600 from the start): a reader never sees half a key, and of
    two processes starting at once the second keeps the first one's key rather than overwriting
    it (what was signed or encrypted with the first would no longer check). The caller reads
    the file back for the key kept."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(content)
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    finally:
        os.unlink(temporary)
