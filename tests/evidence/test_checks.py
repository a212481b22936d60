"""Production refuses to start without a scanner; a wrong evidence setting names itself."""

import pytest

from core.checks import check_settings


def problems():
    return [str(error.msg) for error in check_settings()]


def test_production_without_a_scanner_is_an_error(settings):
    settings.IS_PRODUCTION = True
    settings.CLAMD_ADDRESS = ""
    assert any(p.startswith("CLAMD_ADDRESS: must be set in production") for p in problems())
    settings.CLAMD_ADDRESS = "unix:///run/clamav/clamd.ctl"
    assert not any(p.startswith("CLAMD_ADDRESS") for p in problems())


def test_development_without_a_scanner_is_allowed(settings):
    settings.IS_PRODUCTION = False
    settings.CLAMD_ADDRESS = ""
    assert not any(p.startswith("CLAMD_ADDRESS") for p in problems())


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("CLAMD_ADDRESS", "localhost:3310", "CLAMD_ADDRESS: 'localhost:3310' is not"),
        ("CLAMD_TIMEOUT", 0, "CLAMD_TIMEOUT: must be a positive number"),
        ("EVIDENCE_MAX_BYTES", 0, "EVIDENCE_MAX_BYTES: must be a number of bytes"),
        ("EVIDENCE_ZIP_MAX_RATIO", 0, "EVIDENCE_ZIP_MAX_RATIO: must be 1 or more"),
    ],
)
def test_a_wrong_evidence_setting_names_itself(settings, name, value, expected):
    setattr(settings, name, value)
    assert any(p.startswith(expected) for p in problems())


def test_s3_needs_a_bucket(settings):
    settings.EVIDENCE_STORAGE = "s3"
    settings.AWS_STORAGE_BUCKET_NAME = ""
    assert "AWS_STORAGE_BUCKET_NAME: must name the bucket when EVIDENCE_STORAGE is s3" in problems()


def test_manage_py_check_in_production_refuses_to_start_without_a_scanner():
    from tests.config.support import THROWAWAY_SIGNING_KEY, THROWAWAY_TWO_FACTOR_KEY, manage

    production = {
        "ASSURANCE_SIGNING_KEY": THROWAWAY_SIGNING_KEY,
        "TWO_FACTOR_ENCRYPTION_KEYS": THROWAWAY_TWO_FACTOR_KEY,
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": "a-long-random-production-key-for-the-check-" + "z" * 20,
        "DJANGO_ALLOWED_HOSTS": "nir.example.nhs.uk",
        "SERVICE_URL": "https://nir.example.nhs.uk",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
    }
    refused = manage("check", **production)
    assert refused.returncode != 0
    assert "CLAMD_ADDRESS: must be set in production" in refused.stderr
    started = manage("check", CLAMD_ADDRESS="tcp://127.0.0.1:3310", **production)
    assert started.returncode == 0, started.stderr
