"""The production server (ADR 0013): gunicorn's configuration, the health check, and Django's
deployment check with a whole production environment."""

import json
import runpy
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.test import Client, override_settings

from tests.config.support import (
    REPOSITORY,
    THROWAWAY_SIGNING_KEY,
    THROWAWAY_TWO_FACTOR_KEY,
    clean_environment,
    setting_names,
)

GUNICORN_CONF = REPOSITORY / "config" / "gunicorn.conf.py"


def gunicorn_settings(monkeypatch, **variables: str) -> dict:
    for name in ("WEB_CONCURRENCY", "PORT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(GUNICORN_CONF))


def test_gunicorn_takes_its_workers_and_port_from_the_environment(monkeypatch):
    conf = gunicorn_settings(monkeypatch, WEB_CONCURRENCY="3", PORT="8123")
    assert conf["workers"] == 3
    assert conf["bind"] == ["0.0.0.0:8123"]
    assert conf["wsgi_app"] == "config.wsgi:application"


def test_gunicorn_defaults_to_twice_the_cores_plus_one_capped(monkeypatch):
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    assert gunicorn_settings(monkeypatch)["workers"] == 5
    monkeypatch.setattr("os.cpu_count", lambda: 64)
    conf = gunicorn_settings(monkeypatch)
    assert conf["workers"] == conf["MAX_DEFAULT_WORKERS"] == 9
    assert conf["bind"] == ["0.0.0.0:8000"]


def test_gunicorn_logs_to_stdout_and_allows_a_large_upload_time(monkeypatch):
    conf = gunicorn_settings(monkeypatch)
    assert (conf["accesslog"], conf["errorlog"]) == ("-", "-")
    assert conf["timeout"] >= 300
    if Path("/dev/shm").is_dir():
        assert conf["worker_tmp_dir"] == "/dev/shm"


@pytest.mark.parametrize("value", ["0", "-1", "two", "1.5"])
def test_gunicorn_refuses_a_wrong_worker_count(monkeypatch, value):
    with pytest.raises(SystemExit, match="WEB_CONCURRENCY must be a positive whole number"):
        gunicorn_settings(monkeypatch, WEB_CONCURRENCY=value)


# --------------------------------------------------------------------------- /healthz


@pytest.mark.django_db
def test_healthz_answers_ok_without_a_session_and_is_never_cached():
    client = Client(enforce_csrf_checks=True)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies  # no session, no CSRF cookie
    assert client.post("/healthz").status_code == 405


@pytest.mark.django_db
def test_healthz_is_not_redirected_to_https_when_other_pages_are():
    with override_settings(SECURE_SSL_REDIRECT=True):
        client = Client()
        assert client.get("/sign-in").status_code == 301
        assert client.get("/healthz").status_code == 200


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port: int, path: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=120) as reply:  # noqa: S310
            return reply.status, reply.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def gunicorn(tmp_path: Path, database_url: str, **variables: str) -> tuple[subprocess.Popen, int]:
    port = free_port()
    environment = clean_environment(
        DJANGO_ENV="test",
        DATABASE_URL=database_url,
        PORT=str(port),
        WEB_CONCURRENCY="1",
        **variables,
    )
    server = subprocess.Popen(  # noqa: S603 - our own interpreter and configuration
        [sys.executable, "-m", "gunicorn", "--config", str(GUNICORN_CONF)],
        cwd=REPOSITORY,
        env=environment,
        stdout=(tmp_path / f"gunicorn-{port}.log").open("w"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 120  # the worker imports Django before it answers
    while time.monotonic() < deadline and server.poll() is None:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server, port
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise AssertionError((tmp_path / f"gunicorn-{port}.log").read_text())


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    server.wait(timeout=30)


@pytest.mark.integration
def test_gunicorn_serves_the_service_with_its_configuration(tmp_path):
    server, port = gunicorn(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite3'}")
    try:
        status, body = get(port, "/healthz")
        assert (status, json.loads(body)) == (200, {"status": "ok"})
        status, _ = get(port, "/static/nhsuk/nhsuk-frontend.min.css")  # WhiteNoise
        assert status == 200
    finally:
        stop(server)
    log = (tmp_path / f"gunicorn-{port}.log").read_text()
    assert '"GET /healthz HTTP/1.1" 200' in log  # the access log goes to stdout


@pytest.mark.integration
def test_readyz_answers_503_naming_the_database_when_it_cannot_be_reached(tmp_path):
    # A real server whose PostgreSQL address has nothing listening on it: alive (/healthz), not
    # ready (/readyz), and saying which part is not, and nothing about where it is.
    server, port = gunicorn(tmp_path, f"postgres://postgres@127.0.0.1:{free_port()}/nir")
    try:
        alive, _ = get(port, "/healthz")
        status, body = get(port, "/readyz")
    finally:
        stop(server)
    assert alive == 200
    assert status == 503
    assert json.loads(body)["checks"]["database"] == "unavailable"
    assert b"127.0.0.1" not in body and b"postgres" not in body


@pytest.mark.integration
def test_with_json_logs_every_line_gunicorn_and_the_service_write_is_a_json_object(tmp_path):
    server, port = gunicorn(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite3'}", LOG_FORMAT="json")
    try:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/healthz?email=someone%40example.org",
            headers={"X-Request-ID": "probe-0123456789"},
        )
        with urllib.request.urlopen(request, timeout=120) as reply:  # noqa: S310
            assert reply.headers["X-Request-ID"] == "probe-0123456789"
    finally:
        stop(server)
    log = (tmp_path / f"gunicorn-{port}.log").read_text()
    lines = [json.loads(line) for line in log.splitlines() if line.strip()]
    assert any(line["logger"] == "gunicorn.error" for line in lines)  # "Booting worker", JSON
    [served] = [line for line in lines if line["logger"] == "nir.requests"]
    assert served["request_id"] == "probe-0123456789"
    assert (served["route"], served["status"]) == ("healthz", 200)
    assert "someone" not in log  # the query string is never logged


# --------------------------------------------------------------------------- check --deploy


def test_the_deploy_check_passes_with_a_whole_production_environment():
    """Production as the README describes it: PostgreSQL, S3, clamd, GOV.UK Notify, behind a
    proxy. Every NOTIFY_TEMPLATE_ variable in .env.example is given an id."""
    templates = {
        name: f"00000000-0000-4000-8000-{n:012d}"
        for n, name in enumerate(setting_names())
        if name.startswith("NOTIFY_TEMPLATE_")
    }
    environment = clean_environment(
        DJANGO_ENV="production",
        DJANGO_SECRET_KEY="q7Vx-2mLw9pZk4Rt8yBn3Hs6Jd1Fg5Ca0Ue7Io2Ny4Tb9Wm6Xr3Kv8Pz1Lj5Qh",
        DJANGO_ALLOWED_HOSTS="nir-onboarding.example.nhs.uk",
        ASSURANCE_SIGNING_KEY=THROWAWAY_SIGNING_KEY,
        TWO_FACTOR_ENCRYPTION_KEYS=THROWAWAY_TWO_FACTOR_KEY,
        DJANGO_CSRF_TRUSTED_ORIGINS="https://nir-onboarding.example.nhs.uk",
        DJANGO_BEHIND_PROXY="true",
        SERVICE_URL="https://nir-onboarding.example.nhs.uk",
        DATABASE_URL="postgres://nir@db.internal:5432/nir",
        REDIS_URL="redis://cache.internal:6379/0",
        CLAMD_ADDRESS="tcp://clamd.internal:3310",
        EVIDENCE_STORAGE="s3",
        AWS_STORAGE_BUCKET_NAME="nir-onboarding-evidence",
        AWS_S3_REGION_NAME="eu-west-2",
        NOTIFICATIONS_BACKEND="notify",
        NOTIFY_API_KEY="nir-onboarding-0f0e0d0c-0b0a-4909-8807-060504030201"
        "-a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d",
        **templates,
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPOSITORY,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "System check identified no issues (1 silenced)."
    assert "WARNING" not in result.stderr
