"""The fault suite's harness (ADR 0047): the service under gunicorn, started by the test on a free
port with config/gunicorn.conf.py, against the test's own PostgreSQL database (pytest-django's,
committed to by `transactional_db`, so gunicorn and the test read the same rows), and a signed-in
browser of sorts (requests, with the session cookie the test made and a CSRF secret).

Faults are injected for real: a worker is sent SIGKILL, a private Redis is stopped. The shared
PostgreSQL and Redis the rest of the suite uses are never stopped."""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import psycopg
import requests

from tests.gunicorn_server import Gunicorn, environment_without_settings, free_port

REPOSITORY = Path(__file__).resolve().parents[2]


def wait_for(what: str, condition: Any, seconds: float = 30, every: float = 0.1) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if found := condition():
            return found
        time.sleep(every)
    raise AssertionError(f"{what}: not within {seconds} s")


def database_url() -> str:
    """The test's database (pytest-django's test_… on the suite's PostgreSQL server)."""
    from django.db import connection

    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s["PASSWORD"] else ""
    host = f"{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}"
    return f"postgres://{s['USER']}{password}@{host}/{s['NAME']}"


def database_connect() -> psycopg.Connection[Any]:
    """A connection of the test's own, outside Django's, to hold locks and watch backends."""
    from django.db import connection

    s = connection.settings_dict
    return psycopg.connect(
        host=s["HOST"] or "127.0.0.1",
        port=s["PORT"] or None,
        user=s["USER"] or None,
        password=s["PASSWORD"] or None,
        dbname=s["NAME"],
        connect_timeout=5,
    )


def service_environment(port: int, tmp: Path, **overrides: str) -> dict[str, str]:
    """This process's environment without the service's own settings, then the test's: its
    database, private folders, the test's secret key (so the sessions it made are read), JSON
    logs (so the suite can read them) and one sync worker."""
    from django.conf import settings

    environment = environment_without_settings("PYTEST_", "DJANGO_", "NOTIFY_")
    environment.update(
        {
            "DJANGO_ENV": "test",
            "DJANGO_SECRET_KEY": settings.SECRET_KEY,
            "DATABASE_URL": database_url(),
            "MEDIA_ROOT": str(tmp / "media"),
            "EVIDENCE_QUARANTINE_DIR": str(tmp / "quarantine"),
            "TWO_FACTOR_DEV_KEY_FILE": str(settings.TWO_FACTOR_DEV_KEY_FILE),
            "ASSURANCE_DEV_KEY_FILE": str(settings.ASSURANCE_DEV_KEY_FILE),
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "LOG_FORMAT": "json",
            "WEB_CONCURRENCY": "1",
            "PORT": str(port),
            **overrides,
        }
    )
    return environment


class Service(Gunicorn):
    """gunicorn serving the service (tests/gunicorn_server.py) on a free port, with the test's
    environment (service_environment) and `overrides`; `stop` is graceful, then SIGKILL to its
    process group."""

    def __init__(self, tmp: Path, overrides: dict[str, str] | None = None) -> None:
        super().__init__(tmp / "gunicorn.log", stop_seconds=30)
        self.tmp = tmp
        self.overrides = dict(overrides or {})

    def start(self) -> Service:
        port = free_port()
        self.serve(port, service_environment(port, self.tmp, **self.overrides))
        return self

    def environment(self) -> dict[str, str]:
        return service_environment(self.port, self.tmp, **self.overrides)

    def manage(self, *command: str) -> str:
        """A management command with the service's environment, as cron runs it."""
        run = subprocess.run(  # noqa: S603 - our own manage.py, arguments fixed by the test
            [sys.executable, "manage.py", *command],
            cwd=REPOSITORY,
            env=self.environment(),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert run.returncode == 0, run.stdout + run.stderr
        return run.stdout

    def workers(self) -> list[int]:
        assert self.process is not None
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in path.read_text().split()]


class Browser:
    """A signed-in person's requests to the service: the session the test made, a CSRF secret
    sent as the cookie and as the form's token (Django accepts the unmasked secret)."""

    def __init__(self, service: Service, session_key: str) -> None:
        from django.conf import settings
        from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
        from django.utils.crypto import get_random_string

        self.service = service
        self.csrf = get_random_string(CSRF_SECRET_LENGTH, allowed_chars=CSRF_ALLOWED_CHARS)
        self.http = requests.Session()
        self.http.cookies.set(settings.SESSION_COOKIE_NAME, session_key)
        self.http.cookies.set(settings.CSRF_COOKIE_NAME, self.csrf)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.http.get(f"{self.service.url}{path}", timeout=30, **kwargs)

    def post(self, path: str, data: dict[str, Any], **kwargs: Any) -> requests.Response:
        return self.http.post(
            f"{self.service.url}{path}",
            data={"csrfmiddlewaretoken": self.csrf, **data},
            headers={"Referer": f"{self.service.url}{path}"},
            allow_redirects=False,
            timeout=kwargs.pop("timeout", 30),
            **kwargs,
        )


def signed_in_session(user: Any) -> str:
    """A session for `user` made as the test client's force_login makes it, with the engine the
    test's settings name (the database, or the database read through Redis)."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return str(client.cookies["sessionid"].value)


def declaration_shown(page: str) -> str:
    match = re.search(r'name="declaration" value="([0-9a-f]{64})"', page)
    assert match, "Check your answers shows no declaration to submit under"
    return match.group(1)


def answered_application(member):
    """A controller's application answered through the pages, ready to submit (the DSPT
    published yesterday, so it is current on any day the suite runs)."""
    from django.utils import timezone

    from applications.models import Application
    from tests.answer_sets import CONTROLLER
    from tests.web.conftest import Applicant, signed_in

    yesterday = timezone.localdate() - timedelta(days=1)
    published = {
        "answer-day": str(yesterday.day),
        "answer-month": str(yesterday.month),
        "answer-year": str(yesterday.year),
    }
    applicant = Applicant(signed_in(member)).start()
    applicant.answer_all(
        [(q, published if q == "c_dspt_published" else data) for q, data in CONTROLLER]
    )
    return applicant, Application.objects.get()


@dataclass
class PrivateRedis:
    """A Redis of the test's own on a free port, in memory only, that the test can stop and
    start again (the suite's shared Redis is never touched)."""

    folder: Path
    port: int = 0
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> PrivateRedis:
        self.port = self.port or free_port()
        self.process = subprocess.Popen(  # noqa: S603 - Debian's redis-server, fixed arguments
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
            + ["--appendonly", "no", "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )

        def answers() -> bool:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                    s.sendall(b"PING\r\n")
                    return s.recv(16).startswith(b"+PONG")
            except OSError:
                return False

        wait_for("the private Redis answering PING", answers, seconds=20)
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


class NotifyStandIn:
    """A stand-in for GOV.UK Notify's API (we cannot reach Notify from the tests): an HTTP
    server in the test's process that answers each request as `mode` says at that moment:
    "500" (an error on Notify's side) or "hang" (no answer for longer than the service waits)."""

    def __init__(self) -> None:
        import http.server
        import threading

        stand_in = self
        self.mode = "500"
        self.requests: list[str] = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                stand_in.requests.append(stand_in.mode)
                if stand_in.mode == "hang":
                    time.sleep(12)  # longer than notifications.backends.NOTIFY_TIMEOUT_SECONDS
                body = b'{"errors": [{"error": "Exception", "message": "Internal server error"}]}'
                self.send_response(500)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                with contextlib.suppress(OSError):
                    self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                return

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def postgresql_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    return found[-1].parent if found else None


@dataclass
class PrivatePostgres:
    """A PostgreSQL cluster of the test's own (initdb in its folder, a free port, no fsync),
    that the test can restart while the service runs: the suite's shared server is never
    touched. PostgreSQL refuses to run as root, so as root it runs as the `postgres` user."""

    folder: Path
    port: int = 0

    def _run(self, *command: str, timeout: float = 120) -> str:
        bin_dir = postgresql_bin()
        assert bin_dir is not None
        as_user: list[str] = []
        if os.geteuid() == 0:
            as_user = ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups"]
        run = subprocess.run(  # noqa: S603 - PostgreSQL's own programs, arguments fixed here
            [*as_user, str(bin_dir / command[0]), *command[1:]],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            cwd="/",
        )
        assert run.returncode == 0, run.stdout + run.stderr
        return run.stdout

    @property
    def data(self) -> Path:
        return self.folder / "data"

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/faults"

    def create(self) -> PrivatePostgres:
        # A folder of its own under the system's temporary folder, which the postgres user can
        # reach (pytest's folders are root's alone).
        if os.geteuid() == 0:
            import pwd

            user = pwd.getpwnam("postgres")
            os.chown(self.folder, user.pw_uid, user.pw_gid)
        self.port = free_port()
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")
        self.start()
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "faults")
        return self

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.folder / "log"),
            "-w",
            "start",
        )

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def copy_from(self, source_url: str) -> None:
        """The test's database (the application it built, its session) copied in."""
        bin_dir = postgresql_bin()
        assert bin_dir is not None
        dump = subprocess.run(  # noqa: S603 - pg_dump of the test's own database
            ["pg_dump", "--format=custom", "--no-owner", "--dbname", source_url],
            capture_output=True,
            timeout=120,
            check=True,
        )
        subprocess.run(  # noqa: S603 - pg_restore into the private cluster
            ["pg_restore", "--no-owner", "--exit-on-error", "--dbname", self.url],
            input=dump.stdout,
            capture_output=True,
            timeout=120,
            check=True,
        )
