"""Readiness (ADR 0040): whether this instance can serve, each dependency checked by
django-health-check's checks, or ours written on its `HealthCheck` base, each within a few
seconds. `/readyz` answers 200 when every part is ready and 503 naming the parts that are not.
It says nothing more about a failure than its name: the reason (which may hold an address, a
path or a driver's message) goes to the log only.

Liveness (`/healthz`, core.views.healthz) checks nothing but that the process answers, so a
platform restarts a process only when the process is stuck, never when PostgreSQL is."""

from __future__ import annotations

import asyncio
import dataclasses
import math
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from django.conf import settings
from django.db import connections
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from health_check import checks
from health_check.base import HealthCheck
from health_check.contrib.redis import Redis
from health_check.exceptions import ServiceUnavailable
from redis.asyncio import Redis as RedisClient

from evidence.clamd import ClamdClient

TIMEOUT = timedelta(seconds=2)


@dataclasses.dataclass
class Database(checks.Database):
    timeout = TIMEOUT


@dataclasses.dataclass
class EvidenceStorage(checks.Storage):
    """Writes, reads and deletes a small file in the evidence storage, as uploads will: four
    round trips to S3, so a little longer than the others."""

    alias: str = "evidence"
    timeout = timedelta(seconds=5)


@dataclasses.dataclass
class Clamd(HealthCheck):
    """clamd answers PING with PONG."""

    address: str = dataclasses.field(default="", repr=False)
    timeout = TIMEOUT

    def run(self) -> None:
        if not ClamdClient(self.address, timeout=TIMEOUT.total_seconds()).ping():
            raise ServiceUnavailable("clamd did not answer PING")


@dataclasses.dataclass
class TaskWorker(HealthCheck):
    """The task worker (`manage.py db_worker`) is taking tasks off the queue: no task has been
    ready to run for longer than TASK_WORKER_STALE_SECONDS. The queue's oldest waiting task is
    the worker's heartbeat: the worker writes nothing of its own, and a worker with nothing to do
    is not a fault (ADR 0040)."""

    timeout = TIMEOUT

    def run(self) -> None:
        cutoff = timezone.now() - timedelta(seconds=settings.TASK_WORKER_STALE_SECONDS)
        try:
            waiting = DBTaskResult.objects.filter(
                status=TaskResultStatus.READY, run_after__lte=cutoff
            ).exists()
        finally:
            connections["default"].close()  # this thread's own connection
        if waiting:
            raise ServiceUnavailable("a task has waited longer than the worker should take")


def _redis() -> HealthCheck:
    def client() -> RedisClient:
        seconds = TIMEOUT.total_seconds()
        return RedisClient.from_url(
            settings.REDIS_URL, socket_connect_timeout=seconds, socket_timeout=seconds
        )

    check = Redis(client_factory=client)
    check.timeout = TIMEOUT
    return check


def readiness_checks() -> dict[str, HealthCheck]:
    """The parts checked, by the name /readyz gives them: Redis and clamd only when configured."""
    parts: dict[str, Callable[[], HealthCheck]] = {"database": Database}
    if settings.REDIS_URL:
        parts["redis"] = _redis
    if settings.CLAMD_ADDRESS:
        parts["clamd"] = lambda: Clamd(address=settings.CLAMD_ADDRESS)
    parts["evidence_storage"] = EvidenceStorage
    parts["task_worker"] = TaskWorker
    return {name: make() for name, make in parts.items()}


# The checks' threads, one pool for the process: a check past its timeout is reported, and left
# to finish in its thread, which the next check then waits for rather than adding another.
_executor = ThreadPoolExecutor(max_workers=8, thread_name_prefix="readyz")
# Held by the one check running in this process: the others wait for it and take its answer.
_checking = threading.Lock()


@dataclasses.dataclass
class _Answer:
    at: float = -math.inf
    parts: dict[str, bool] = dataclasses.field(default_factory=dict)


_last = _Answer()


def readiness_forget() -> None:
    """Forget the last answer: the next request checks again (for tests)."""
    global _last
    _last = _Answer()


def _fresh() -> dict[str, bool] | None:
    answer = _last
    if time.monotonic() - answer.at < settings.READYZ_CACHE_SECONDS:
        return dict(answer.parts)
    return None


async def _readiness_now() -> dict[str, bool]:
    parts = readiness_checks()
    results = await asyncio.gather(*(check.get_result(_executor) for check in parts.values()))
    return {name: result.error is None for name, result in zip(parts, results, strict=True)}


def _readiness_shared() -> dict[str, bool]:
    global _last
    with _checking:
        fresh = _fresh()  # a check that finished while this one waited for the lock
        if fresh is not None:
            return fresh
        parts = asyncio.run(_readiness_now())
        _last = _Answer(at=time.monotonic(), parts=parts)
        return dict(parts)


def readiness() -> dict[str, bool]:
    """Each part's name and whether it is ready, all checked at once. The answer stands for
    READYZ_CACHE_SECONDS: a load balancer's probes, from every instance behind it, and anyone
    else's, cost one check (four round trips to S3 among them) in that time. One check runs at a
    time in a process; those asking meanwhile wait for it and take its answer.

    The check runs its parts with asyncio, in a thread of its own: asyncio.run needs a thread
    with no event loop running, which the caller's may have (a test process where a browser
    test's Playwright left one running refused the async view this replaced)."""
    fresh = _fresh()
    if fresh is not None:
        return fresh
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="readyz-check") as one:
        return one.submit(_readiness_shared).result()
