"""Backups (ADR 0041): proven by a restore on PostgreSQL, whichever database the suite is on, and
refused, by name, on SQLite."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import dj_database_url
import psycopg

from tests.conftest import missing_prerequisite

REPOSITORY = Path(__file__).resolve().parents[2]
# CI's server (.ci/run starts it), unless the suite itself runs on another PostgreSQL.
SERVER = "postgres://postgres@127.0.0.1:5432"


def postgresql_server() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        return url.rsplit("/", 1)[0]
    return SERVER


def test_a_backup_is_proven_by_a_restore_on_postgresql(tmp_path):
    """tests/operations/backup_lifecycle.py in a pytest of its own on PostgreSQL: pytest-django
    makes its database there (and drops it), and the test makes and drops the one it restores
    into. Under CI=true a server that does not answer fails the test, as a missing prerequisite
    does everywhere in the suite."""
    server = postgresql_server()
    settings = dj_database_url.parse(f"{server}/postgres")
    try:
        psycopg.connect(
            host=settings["HOST"],
            port=settings["PORT"] or None,
            user=settings["USER"] or None,
            password=settings["PASSWORD"] or None,
            dbname="postgres",
            connect_timeout=5,
        ).close()
    except psycopg.OperationalError:
        missing_prerequisite(f"PostgreSQL does not answer at {settings['HOST']}")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "REDIS_URL"))},
        "DJANGO_ENV": "test",
        "DATABASE_URL": f"{server}/backup_{uuid.uuid4().hex[:12]}",
    }
    run = subprocess.run(  # noqa: S603 - our own interpreter and test file
        [
            sys.executable,
            "-m",
            "pytest",
            "tests/operations/backup_lifecycle.py",
            "-q",
            "-p",
            "no:cacheprovider",
            "--basetemp",
            str(tmp_path / "inner"),
        ],
        cwd=REPOSITORY,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert "1 passed" in run.stdout


def test_on_sqlite_the_commands_refuse_and_say_why(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")},
        "DJANGO_ENV": "test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    for command in ("backup_create", "backup_restore"):
        run = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
            [sys.executable, "manage.py", command, str(tmp_path / "backup")],
            cwd=REPOSITORY,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert run.returncode == 1
        assert f"{command} needs PostgreSQL (DATABASE_URL): this database is sqlite" in run.stderr
    assert not (tmp_path / "backup").exists()
