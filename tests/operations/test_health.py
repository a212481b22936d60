"""/healthz (liveness: the process answers) and /readyz (readiness: every dependency, each
named when it fails, nothing else said about it), ADR 0040."""

from __future__ import annotations

import socket
from datetime import timedelta

import pytest
from django.core.files.storage import storages
from django.test import Client, override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult


def ready() -> dict[str, str]:
    """Every part checked here, ready: Redis and clamd only where this run has them (CI does)."""
    from django.conf import settings

    parts = ["database", "redis", "clamd", "evidence_storage", "task_worker"]
    if not settings.REDIS_URL:
        parts.remove("redis")
    if not settings.CLAMD_ADDRESS:
        parts.remove("clamd")
    return dict.fromkeys(parts, "ok")


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again when the socket is


def readyz(client: Client | None = None):
    return (client or Client()).get("/readyz")


def test_healthz_answers_without_touching_the_database():
    # No django_db mark: pytest-django raises at the first query this request would make.
    response = Client().get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


@pytest.mark.django_db(transaction=True)
def test_readyz_is_200_when_every_part_is_ready_public_and_never_cached():
    client = Client(enforce_csrf_checks=True)
    response = readyz(client)
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": ready()}
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies
    assert client.post("/readyz").status_code == 405


@pytest.mark.django_db(transaction=True)
def test_readyz_is_not_redirected_to_https_when_other_pages_are():
    with override_settings(SECURE_SSL_REDIRECT=True):
        assert Client().get("/sign-in").status_code == 301
        assert readyz().status_code == 200


@pytest.mark.django_db(transaction=True)
def test_readyz_names_clamd_when_nothing_answers_at_its_address():
    address = f"tcp://127.0.0.1:{closed_port()}"
    with override_settings(CLAMD_ADDRESS=address):
        response = readyz()
        expected = {**ready(), "clamd": "unavailable"}
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "checks": expected}
    assert "127.0.0.1" not in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_readyz_names_redis_when_nothing_answers_at_its_address():
    with override_settings(REDIS_URL=f"redis://:hunter2@127.0.0.1:{closed_port()}/0"):
        response = readyz()
        expected = {**ready(), "redis": "unavailable"}
    assert response.status_code == 503
    assert response.json()["checks"] == expected
    assert "hunter2" not in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_readyz_names_the_evidence_storage_when_it_refuses_writes(monkeypatch):
    def refuse(*args, **kwargs):
        raise PermissionError("[Errno 13] Permission denied: '/srv/evidence/secret-path'")

    monkeypatch.setattr(storages["evidence"], "save", refuse)
    response = readyz()
    assert response.status_code == 503
    assert response.json()["checks"] == {**ready(), "evidence_storage": "unavailable"}
    assert "secret-path" not in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_readyz_names_the_database_when_it_cannot_be_reached(monkeypatch):
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.utils import OperationalError

    def refuse(self):
        raise OperationalError("could not connect to server at db.internal:5432")

    monkeypatch.setattr(BaseDatabaseWrapper, "ensure_connection", refuse)
    response = readyz()
    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["database"] == "unavailable"
    assert "db.internal" not in response.content.decode()


def waiting_task(minutes: int) -> DBTaskResult:
    return DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="notifications.delivery.notifications_send_pending_task",
        backend_name="default",
        run_after=timezone.now() - timedelta(minutes=minutes),
    )


@pytest.mark.django_db(transaction=True)
def test_readyz_names_the_task_worker_when_a_task_has_waited_too_long(settings):
    settings.TASK_WORKER_STALE_SECONDS = 300
    waiting_task(minutes=2)  # the worker has a little while yet
    assert readyz().status_code == 200

    waiting_task(minutes=6)
    response = readyz()
    assert response.status_code == 503
    assert response.json()["checks"] == {**ready(), "task_worker": "unavailable"}


@pytest.mark.django_db(transaction=True)
def test_a_task_the_worker_finished_long_ago_is_not_a_fault(settings):
    settings.TASK_WORKER_STALE_SECONDS = 300
    done = waiting_task(minutes=60)
    DBTaskResult.objects.filter(pk=done.pk).update(status="SUCCESSFUL", finished_at=timezone.now())
    assert readyz().status_code == 200
