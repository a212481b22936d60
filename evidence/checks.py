"""Start-up checks of the evidence settings (registered with core.checks)."""

from __future__ import annotations

from django.conf import settings

from core.checks import Problem, setting_check

from .clamd import address_parse


@setting_check("CLAMD_ADDRESS")
def check_clamd_address() -> Problem:
    if not settings.CLAMD_ADDRESS:
        if settings.IS_PRODUCTION:
            return (
                "must be set in production: every file must be scanned for malware before it "
                "is accepted (unix:///run/clamav/clamd.ctl or tcp://host:3310)"
            )
        return None
    try:
        address_parse(settings.CLAMD_ADDRESS)
    except ValueError as error:
        return str(error)
    return None


@setting_check("EVIDENCE_UNSCANNED_COUNTS")
def check_evidence_unscanned_counts() -> Problem:
    if settings.EVIDENCE_UNSCANNED_COUNTS and settings.IS_PRODUCTION:
        return (
            "must be off in production: a file that was never scanned for malware must not "
            "count as uploaded (ADR 0030)"
        )
    return None


@setting_check("CLAMD_TIMEOUT")
def check_clamd_timeout() -> Problem:
    if settings.CLAMD_TIMEOUT < 1:
        return f"must be a positive number of seconds, not {settings.CLAMD_TIMEOUT}"
    return None


@setting_check("EVIDENCE_MAX_BYTES")
def check_evidence_max_bytes() -> Problem:
    if settings.EVIDENCE_MAX_BYTES < 2:
        return f"must be a number of bytes, 2 or more, not {settings.EVIDENCE_MAX_BYTES}"
    return None


def _at_least_one(name: str) -> None:
    @setting_check(name)
    def check() -> Problem:
        value = getattr(settings, name)
        return None if value >= 1 else f"must be 1 or more, not {value}"


for _name in (
    "EVIDENCE_ZIP_MAX_ENTRIES",
    "EVIDENCE_ZIP_MAX_UNCOMPRESSED",
    "EVIDENCE_ZIP_MAX_RATIO",
    "EVIDENCE_SCAN_MAX_ATTEMPTS",
    "EVIDENCE_SCAN_RETRY_SECONDS",
):
    _at_least_one(_name)


@setting_check("AWS_STORAGE_BUCKET_NAME")
def check_s3_bucket() -> Problem:
    if settings.EVIDENCE_STORAGE == "s3" and not settings.AWS_STORAGE_BUCKET_NAME:
        return "must name the bucket when EVIDENCE_STORAGE is s3"
    return None
