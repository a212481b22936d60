"""What state a file asked for is in, judged from every file sent for it: one answer, in the
same words on every page that shows it (ADR 0030).

The states, and when:

- "Not uploaded": nothing has been sent.
- "Uploaded – waiting for the malware check": the latest file sent waits for the scanner, and no
  earlier file counts.
- "Uploaded": a file counts: its malware scan found nothing, or it was never scanned and
  ``EVIDENCE_UNSCANNED_COUNTS`` is on (development and test only). The file is the latest one
  that counts; a later file still waiting, or refused, is named in ``newer`` and does not undo it.
- "Not accepted": files were sent and none counts (it contains a virus, the scanner never managed
  to scan it, or it was never scanned where unscanned files do not count), with why in
  ``message``.

Gates (stage 3 waits for question 15's file) ask ``accepted``, so a page never says "Uploaded"
of a file a gate would refuse, nor the reverse.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from .models import EvidenceFile, ScanStatus
from .scanning import scan_passed


class UploadState(StrEnum):
    NOT_UPLOADED = "not_uploaded"
    WAITING = "waiting"
    UPLOADED = "uploaded"
    NOT_ACCEPTED = "not_accepted"


# The words, and the design system's tag colour, of each state: the same on every page.
UPLOAD_STATE_TEXT = {
    UploadState.NOT_UPLOADED: "Not uploaded",
    UploadState.WAITING: "Uploaded – waiting for the malware check",  # an en dash
    UploadState.UPLOADED: "Uploaded",
    UploadState.NOT_ACCEPTED: "Not accepted",
}
UPLOAD_STATE_TAG = {
    UploadState.NOT_UPLOADED: "nhsuk-tag--grey",
    UploadState.WAITING: "nhsuk-tag--blue",
    UploadState.UPLOADED: "nhsuk-tag--green",
    UploadState.NOT_ACCEPTED: "nhsuk-tag--red",
}
# Why a file does not count, or what is worth knowing about one that does.
INFECTED = "The file contains a virus and has been deleted"
REFUSED = "The file could not be checked for malware and has been deleted"
UNSCANNED_REFUSED = (
    "The file was not checked for malware, because malware scanning was not set up when it was "
    "uploaded"
)
UNSCANNED_COUNTED = "Not checked for malware: malware scanning is not configured"


def unscanned_counts() -> bool:
    """Whether a file never scanned (no scanner was configured) counts as accepted: on in
    development and test, off in production (settings ``EVIDENCE_UNSCANNED_COUNTS``)."""
    return scan_passed(ScanStatus.NOT_SCANNED)


def file_counts(file: EvidenceFile) -> bool:
    """Whether this one file passes: scanned clean, or unscanned where that counts."""
    return scan_passed(file.scan_status)


def _why_not(file: EvidenceFile) -> str:
    if file.scan_status == ScanStatus.INFECTED:
        return INFECTED
    if file.scan_status == ScanStatus.NOT_SCANNED:
        return UNSCANNED_REFUSED
    return REFUSED


@dataclass(frozen=True)
class UploadStatus:
    state: UploadState
    # The file the state is about: the one that counts when uploaded, else the latest sent.
    file: EvidenceFile | None = None
    # Why the file is not accepted, or a note on one that is (unscanned in development).
    message: str = ""
    # A later file than ``file`` that is still waiting or was not accepted.
    newer: EvidenceFile | None = None

    @property
    def text(self) -> str:
        return UPLOAD_STATE_TEXT[self.state]

    @property
    def tag_classes(self) -> str:
        return UPLOAD_STATE_TAG[self.state]

    @property
    def accepted(self) -> bool:
        """What a gate asks: a file that counts is there."""
        return self.state is UploadState.UPLOADED

    @property
    def sent(self) -> bool:
        """Whether any file has been sent (the question can be commented on)."""
        return self.file is not None

    @property
    def summary(self) -> str:
        """The state and its message in one line, for text-only places (a PDF, an answer's
        lines): "Not accepted. The file contains a virus and has been deleted"."""
        return f"{self.text}. {self.message}" if self.message else self.text

    @property
    def newer_note(self) -> str:
        """What became of a later file than the one that counts, or ""."""
        if self.newer is None:
            return ""
        name = self.newer.download_name
        if self.newer.scan_status == ScanStatus.PENDING:
            return f"A newer file, {name}, is waiting for the malware check"
        return f"A newer file, {name}, was not accepted. {_why_not(self.newer)}"


def upload_status(files: Iterable[EvidenceFile]) -> UploadStatus:
    """The status of one purpose (a question's file) from every revision sent for it, in any
    order. The one place that decides it: pages and gates both call this."""
    revisions = sorted(files, key=lambda file: file.revision)
    if not revisions:
        return UploadStatus(UploadState.NOT_UPLOADED)
    latest = revisions[-1]
    counting = [file for file in revisions if file_counts(file)]
    if counting:
        file = counting[-1]
        note = UNSCANNED_COUNTED if file.scan_status == ScanStatus.NOT_SCANNED else ""
        return UploadStatus(
            UploadState.UPLOADED,
            file=file,
            message=note,
            newer=latest if latest.revision > file.revision else None,
        )
    if latest.scan_status == ScanStatus.PENDING:
        return UploadStatus(UploadState.WAITING, file=latest)
    return UploadStatus(UploadState.NOT_ACCEPTED, file=latest, message=_why_not(latest))
