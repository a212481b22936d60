"""Malware scanning: whether a scanner is configured, and one scan of a quarantined file.

With CLAMD_ADDRESS empty (the development default) nothing is scanned: files are accepted with
the scan status "not scanned", and every page should say "Malware scanning is not configured"
(`scanner_configured()` tells the page). Production refuses to start without CLAMD_ADDRESS
(evidence/checks.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from .clamd import ClamdClient, ClamdUnavailable, InstreamSession
from .models import ScanStatus

NOT_CONFIGURED_MESSAGE = "Malware scanning is not configured"


def scanner_configured() -> bool:
    """True when files are scanned; False in development without CLAMD_ADDRESS."""
    return bool(settings.CLAMD_ADDRESS)


def scan_passed(status: str) -> bool:
    """Whether a file with this scan status has passed its malware check: the one rule, for
    accepting a requested document and for an upload question's status (evidence/status.py).

    A clean scan passes. A file never scanned ("not_scanned": sent while no scanner was
    configured) passes only where ``EVIDENCE_UNSCANNED_COUNTS`` is on, development and test;
    production refuses to start with it on (ADR 0030). Waiting for the scan, infected and could
    not be scanned never pass."""
    if status == ScanStatus.CLEAN:
        return True
    return status == ScanStatus.NOT_SCANNED and bool(settings.EVIDENCE_UNSCANNED_COUNTS)


def scanner_client() -> ClamdClient:
    return ClamdClient(settings.CLAMD_ADDRESS, timeout=settings.CLAMD_TIMEOUT)


def scanner_ready() -> bool:
    """True when a scanner is configured and answers PING (for a health page)."""
    return scanner_configured() and scanner_client().ping()


@dataclass(frozen=True)
class ScanOutcome:
    # CLEAN, INFECTED, PENDING (no verdict: try again later) or NOT_SCANNED (no scanner).
    status: ScanStatus
    # The scanner's reply, or why there is none.
    result: str
    # The signature that matched, when infected.
    signature: str = ""


def evidence_scan(path: Path) -> ScanOutcome:
    """Scan the file at `path` once, streaming it to clamd. Never raises for the scanner's sake:
    a scanner that cannot be reached, times out or answers with an error gives PENDING."""
    if not scanner_configured():
        return ScanOutcome(ScanStatus.NOT_SCANNED, NOT_CONFIGURED_MESSAGE)
    try:
        with open(path, "rb") as file:
            verdict = scanner_client().instream(file)
    except (ClamdUnavailable, ValueError) as error:
        return ScanOutcome(ScanStatus.PENDING, str(error))
    if verdict.infected:
        return ScanOutcome(ScanStatus.INFECTED, verdict.reply, verdict.signature)
    return ScanOutcome(ScanStatus.CLEAN, verdict.reply)


def scan_stream_open() -> InstreamSession | None:
    """Start scanning a file that arrives in chunks and is never kept (the NHS number checker's):
    None when no scanner is configured. Raises ClamdUnavailable (or ValueError for a bad
    address): with nothing kept there is no later rescan, so the caller refuses the file."""
    if not scanner_configured():
        return None
    return scanner_client().instream_open()
