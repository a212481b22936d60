"""The fault suite (ADR 0047): marked `faults`, run on PostgreSQL (CI's second run). On SQLite it
is deselected, not skipped: gunicorn's workers and the test need one database server they can
all reach, and production runs PostgreSQL."""

from __future__ import annotations

import os

import pytest

HERE = os.path.dirname(__file__)


def _on_postgresql() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def pytest_collection_modifyitems(config, items):
    ours = [item for item in items if str(item.path).startswith(HERE)]
    for item in ours:
        item.add_marker(pytest.mark.faults)
    if ours and not _on_postgresql():
        config.hook.pytest_deselected(items=ours)
        items[:] = [item for item in items if item not in ours]


@pytest.fixture
def service(transactional_db, tmp_path):
    """The service under gunicorn on the test's database; stopped before the database is
    emptied (its connections would otherwise hold the flush up)."""
    from tests.faults.harness import Service

    running: list[Service] = []

    def start(**overrides: str) -> Service:
        server = Service(tmp=tmp_path, overrides=overrides).start()
        running.append(server)
        return server

    yield start
    for server in running:
        server.stop()


@pytest.fixture
def member(transactional_db):
    from accounts.services import organisation_create
    from tests.web.conftest import make_member

    organisation = organisation_create(name="Northern Imaging Trust", ods_code="RNI", actor=None)
    return make_member(organisation, "ig.lead@northern.example")


@pytest.fixture
def private_redis(tmp_path):
    import shutil

    from tests.conftest import missing_prerequisite
    from tests.faults.harness import PrivateRedis

    if not shutil.which("redis-server"):
        missing_prerequisite("redis-server is not installed (apt-get install redis-server)")
    redis = PrivateRedis(folder=tmp_path).start()
    yield redis
    redis.stop()


@pytest.fixture
def notify_stand_in():
    from tests.faults.harness import NotifyStandIn

    stand_in = NotifyStandIn()
    yield stand_in
    stand_in.stop()


@pytest.fixture
def private_postgres():
    import shutil
    import tempfile
    from pathlib import Path

    from tests.conftest import missing_prerequisite
    from tests.faults.harness import PrivatePostgres, postgresql_bin

    if postgresql_bin() is None or not shutil.which("pg_dump"):
        missing_prerequisite("PostgreSQL's server programs are not installed (postgresql)")
    folder = Path(tempfile.mkdtemp(prefix="nir-faults-pg-"))
    cluster = PrivatePostgres(folder=folder)
    try:
        yield cluster.create()
    finally:
        cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def private_clamd(tmp_path):
    """A clamd of the test's own (scripts/clamd-test), which it stops and starts again."""
    import subprocess

    from tests.conftest import missing_prerequisite
    from tests.faults.harness import REPOSITORY

    if not os.path.exists(os.environ.get("CLAMD", "/usr/sbin/clamd")):
        missing_prerequisite("clamd is not installed (apt-get install clamav-daemon)")
    folder = tmp_path / "clamd"
    script = str(REPOSITORY / "scripts" / "clamd-test")

    class Clamd:
        address = ""

        def start(self) -> None:
            self.address = subprocess.run(  # noqa: S603 - the project's own script
                [script, "start", str(folder)], capture_output=True, text=True, check=True
            ).stdout.strip()

        def stop(self) -> None:
            subprocess.run([script, "stop", str(folder)], capture_output=True, check=True)  # noqa: S603

    clamd = Clamd()
    clamd.start()
    yield clamd
    clamd.stop()
