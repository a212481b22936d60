import pytest

from tests.web.conftest import member, organisation, reviewer  # noqa: F401 - fixtures


@pytest.fixture(autouse=True)
def _readiness_checked_afresh(settings):
    """/readyz's answer stands a few seconds (READYZ_CACHE_SECONDS): here, each request checks
    afresh unless its test says otherwise (test_readiness_shared.py), and none is left behind
    for the next test."""
    from operations.health import readiness_forget

    settings.READYZ_CACHE_SECONDS = 0
    readiness_forget()
    yield
    readiness_forget()
