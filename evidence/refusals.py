"""Why a file is not accepted, in the words the design system gives the person who sent it.

`EvidenceRefused.message` is exactly one of the messages below, ready for the page's error
summary and the field's error message. `reason` says more, for the audit log and the logs only:
it may name an entry of a zip or the scanner's signature, which the page never shows.
"""

from __future__ import annotations

from django.conf import settings

SELECT_A_FILE = "Select a file"
WRONG_TYPE = "The selected file must be a PDF, DOCX, ODT, PNG, JPEG or ZIP"
EMPTY = "The selected file is empty"
VIRUS = "The selected file contains a virus"
PASSWORD_PROTECTED = "The selected file is password protected"
TRY_AGAIN = "The selected file could not be uploaded – try again"  # an en dash, as designed


def too_large_message() -> str:
    """ "The selected file must be smaller than 250MB", with the size from EVIDENCE_MAX_BYTES."""
    return f"The selected file must be smaller than {size_in_words(settings.EVIDENCE_MAX_BYTES)}"


def size_in_words(size: int) -> str:
    """250MB, 1GB, 512KB or 1000 bytes: whole units of 1024 as the design system writes them."""
    for unit, factor in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= factor and size % factor == 0:
            return f"{size // factor}{unit}"
    for unit, factor in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= factor:
            return f"{size / factor:.1f}{unit}"
    return f"{size} bytes"


class EvidenceRefused(Exception):
    """A file that is not accepted. Show `message`; keep `reason` out of the page."""

    def __init__(self, message: str, *, reason: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason or message

    def __repr__(self) -> str:
        return f"EvidenceRefused({self.message!r}, reason={self.reason!r})"
