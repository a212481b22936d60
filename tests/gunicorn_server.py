"""gunicorn serving the service for real, for what needs the real server rather than Django's test
client: the fault suite (tests/faults/harness.py, ADR 0047) and the load bench
(bench/load/run.py, issue 12). Each gives the environment; this starts gunicorn with the
repository's config/gunicorn.conf.py on 127.0.0.1, in a process group of its own and with its
output in a log file, waits until /healthz answers 200, and stops it: gunicorn's graceful
SIGTERM, then SIGKILL to the group.

Standard library only, so that the bench can use it before Django is set up."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]


class GunicornFailed(Exception):
    """gunicorn stopped as it started, or did not answer /healthz in time (its log's tail said)."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def environment_without_settings(*prefixes: str) -> dict[str, str]:
    """This process's environment without the service's own settings (every name .env.example
    lists, a .env's among them) and without the names that start with one of `prefixes`."""
    names = {
        line.split("=", 1)[0]
        for line in (REPOSITORY / ".env.example").read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#") and "=" in line
    }
    return {k: v for k, v in os.environ.items() if k not in names and not k.startswith(prefixes)}


class Gunicorn:
    """gunicorn on 127.0.0.1, its output appended to `log_path`; `stop` waits `stop_seconds`
    for the graceful stop before it kills the process group."""

    def __init__(self, log_path: Path, stop_seconds: float = 30) -> None:
        self.log_path = log_path
        self.stop_seconds = stop_seconds
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def serve(self, port: int, environment: dict[str, str]) -> None:
        """Start gunicorn on `port` with `environment`, and wait until it answers."""
        self.port = port
        self.log = self.log_path.open("ab")
        self.process = subprocess.Popen(  # noqa: S603 - our own gunicorn, arguments fixed here
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--config",
                "config/gunicorn.conf.py",
                "--bind",
                f"127.0.0.1:{port}",
                # The one departure from config/gunicorn.conf.py: no restart after max_requests.
                # A restarted worker spends seconds importing the service and compiling its
                # templates again, and those seconds would land in whichever endpoint the load
                # bench happened to be running (every 1,000 requests or so: often in hello,
                # rarely in the question page), so its ratios would measure the restarts.
                "--max-requests",
                "0",
            ],
            cwd=REPOSITORY,
            env=environment,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.wait_ready()

    def wait_ready(self, seconds: float = 90, every: float = 0.3) -> None:
        """Until /healthz answers 200 (after a start, or while gunicorn replaces a worker)."""
        assert self.process is not None
        healthz = f"{self.url}/healthz"  # http, to our own gunicorn (ruff's S310 below)
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise GunicornFailed(f"gunicorn stopped as it started:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(healthz, timeout=5) as response:  # noqa: S310
                    if response.status == 200:
                        return
            except (OSError, http.client.HTTPException):
                pass  # not listening yet, refused, or an error status (HTTPError)
            time.sleep(every)
        raise GunicornFailed(
            f"gunicorn did not answer /healthz within {seconds} s:\n{self.log_tail()}"
        )

    def log_text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def log_tail(self, lines: int = 40) -> str:
        if not self.log_path.exists():
            return "(no log: gunicorn was not started)"
        return "\n".join(self.log_text().splitlines()[-lines:])

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)  # gunicorn's graceful stop, workers included
        try:
            self.process.wait(timeout=self.stop_seconds)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)  # the group this process started
            self.process.wait(timeout=10)
        self.log.close()
