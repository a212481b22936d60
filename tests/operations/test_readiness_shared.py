"""/readyz's answer stands READYZ_CACHE_SECONDS: probes within that time cost no check (the
evidence storage's is four round trips to S3), those arriving while one runs wait for it, and the
checks' threads are one pool for the process, not a pool a request."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.files.storage import storages
from django.test import Client

from operations import health


@pytest.fixture
def saves(monkeypatch):
    """Count the evidence storage check's writes: one a check."""
    counted = []
    save = storages["evidence"].save

    def counting(*args, **kwargs):
        counted.append(threading.current_thread().name)
        return save(*args, **kwargs)

    monkeypatch.setattr(storages["evidence"], "save", counting)
    return counted


@pytest.mark.django_db(transaction=True)
def test_probes_within_the_time_cost_one_check_and_keep_the_answer(saves, settings):
    settings.READYZ_CACHE_SECONDS = 60
    first = Client().get("/readyz")
    second = Client().get("/readyz")
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    assert set(first.json()) == {"status", "checks"} and first.json()["status"] == "ok"
    assert len(saves) == 1
    assert saves[0].startswith("readyz")  # the process's own pool
    health.readiness_forget()
    Client().get("/readyz")
    assert len(saves) == 2


@pytest.mark.django_db(transaction=True)
def test_with_no_time_every_probe_checks(saves, settings):
    settings.READYZ_CACHE_SECONDS = 0
    for _ in range(3):
        assert Client().get("/readyz").status_code == 200
    assert len(saves) == 3


@pytest.mark.django_db(transaction=True)
def test_probes_arriving_together_share_one_check(saves, settings):
    settings.READYZ_CACHE_SECONDS = 60
    with ThreadPoolExecutor(max_workers=4) as pool:
        statuses = list(pool.map(lambda _: Client().get("/readyz").status_code, range(4)))
    assert statuses == [200] * 4
    assert len(saves) == 1
