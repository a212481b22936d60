"""`make bench-load`: the question pages under load, side by side with a bare Django "hello" and
an NHS.UK "floor" page, in one run (issue 12). Figures, not a test: it fails only when a request
failed, never on a goal.

What it does:
- drops and creates its own PostgreSQL database (BENCH_DATABASE_URL, default
  postgres://postgres@127.0.0.1:5432/bench_load; its name must contain "bench"), migrates it and
  collects the static files, with the environment production has (DJANGO_ENV=production and
  throwaway values for the settings production demands, behind a proxy that says HTTPS);
- seeds, through the service's own services, one organisation, applicant and draft controller
  application a client, each answered up to question 11 (c_incident_management), and gives each
  client its own signed-in session (made with the configured session engine, as Django's
  login() makes it) and its own CSRF secret;
- serves with gunicorn and the repository's config/gunicorn.conf.py, one sync worker a core
  (WEB_CONCURRENCY=nproc), with bench/load/settings.py: the service plus two bench-only pages;
- runs wrk (`-t N -c N`, one connection a thread and a thread a client, bench/load/load.lua)
  for each endpoint: a warm-up, then ROUNDS rounds of SECONDS seconds, the endpoints' order
  rotated each round. Any error, a GET that was not 200 or a POST that was not a redirect to the
  next question stops the bench. After each POST run it reads the database: every client's
  answer changed to the value it last posted, one audit entry and one revision a change;
- prints the machine, a table (median over the rounds of req/s and latency percentiles; the
  ratio to hello is the median of the rounds' ratios) and the goals; stops gunicorn and drops its
  database.

Settings: BENCH_DATABASE_URL, BENCH_LOAD_CLIENTS (32), BENCH_LOAD_ROUNDS (3),
BENCH_LOAD_SECONDS (10), BENCH_LOAD_WARM_UP (5 seconds), BENCH_LOAD_KEEP_DATABASE (set: keep it),
BENCH_LOAD_SHOW_QUERIES (set: print the SQL each endpoint's counted request ran).
"""

import base64
import json
import os
import platform
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.load.seeding import (
    QUESTION_ID,
    answer_state,
    change_counts,
    description,
    seed,
    write_clients_file,
)
from tests.gunicorn_server import (
    Gunicorn,
    GunicornFailed,
    environment_without_settings,
    free_port,
)

DATABASE_URL = os.environ.get("BENCH_DATABASE_URL") or (
    "postgres://postgres@127.0.0.1:5432/bench_load"
)
CLIENTS = int(os.environ.get("BENCH_LOAD_CLIENTS") or 32)
ROUNDS = int(os.environ.get("BENCH_LOAD_ROUNDS") or 3)
SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS") or 10)
WARM_UP = int(os.environ.get("BENCH_LOAD_WARM_UP") or 5)
KEEP_DATABASE = bool(os.environ.get("BENCH_LOAD_KEEP_DATABASE"))
SHOW_QUERIES = bool(os.environ.get("BENCH_LOAD_SHOW_QUERIES"))
LUA = ROOT / "bench" / "load" / "load.lua"

# (key in load.lua, name in the table)
ENDPOINTS = [
    ("question", "question page GET"),
    ("answer", "answer POST (save, audit, re-judge, redirect)"),
    ("hello", "bare Django hello"),
    ("floor", "floor NHS page"),
    ("check_answers", "check answers GET"),
    ("overview", "task list (overview) GET"),
]
# key: (least ratio to hello, p95 under this many ms)
GOALS = {"question": (0.5, 100), "answer": (0.35, 100)}


class BenchFailed(Exception):
    pass


def say(text: str = "") -> None:
    print(f"bench load: {text}" if text else "", flush=True)


# --------------------------------------------------------------------------- environment


def service_environment(port: int) -> dict[str, str]:
    """This process's environment without the service's own settings (a .env's among them),
    plus what production demands, with throwaway values."""
    environment = environment_without_settings()
    environment.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.load.settings",
            "DJANGO_ENV": "production",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            # A raw Ed25519 key, base64: production refuses to start without one (ADR 0026).
            "ASSURANCE_SIGNING_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
            # Nor without a Fernet key to encrypt two-factor secrets with (ADR 0010).
            "TWO_FACTOR_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            # As behind the production load balancer: requests say X-Forwarded-Proto: https.
            "DJANGO_BEHIND_PROXY": "true",
            "SERVICE_URL": "https://127.0.0.1",
            # Required in production; no page measured here uploads, so clamd is never asked.
            "CLAMD_ADDRESS": "tcp://127.0.0.1:3310",
            "DATABASE_URL": DATABASE_URL,
            "REDIS_URL": "redis://127.0.0.1:6379/15",
            "WEB_CONCURRENCY": str(os.cpu_count() or 1),
            "PORT": str(port),
        }
    )
    return environment


def database_name() -> str:
    name = urlsplit(DATABASE_URL).path.lstrip("/")
    if "bench" not in name:
        raise BenchFailed(
            f"BENCH_DATABASE_URL names the database {name!r}: the bench drops and creates its "
            "database, so its name must contain 'bench'"
        )
    return name


def database_recreate(drop_only: bool = False) -> None:
    import psycopg
    from psycopg import sql

    name = database_name()
    maintenance = urlsplit(DATABASE_URL)._replace(path="/postgres").geturl()
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        if not drop_only:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


# --------------------------------------------------------------------------- server


class Server(Gunicorn):
    """gunicorn (tests/gunicorn_server.py), given 40 s for its graceful stop."""

    def __init__(self, log: Path) -> None:
        super().__init__(log, stop_seconds=40)

    def boots(self) -> int:
        """Workers booted so far (gunicorn restarts a worker after max_requests)."""
        return self.log_path.read_bytes().count(b"Booting worker with pid")


# --------------------------------------------------------------------------- wrk


def smoke(clients: list[dict], port: int) -> None:
    """One GET of each page as the first client, before any load: each must be the page meant,
    not a sign-in page or an error that happens to answer 200."""
    from django.conf import settings

    client = clients[0]
    application = f"/applications/{client['app']}/stage-2"
    expected = {
        f"{application}/questions/{QUESTION_ID}": [
            "incident management process in place",
            'name="description"',
            'name="version"',
            "bench.load0@example.com",
        ],
        f"{application}/check-answers": ["Check your answers", "bench.load0@example.com"],
        application: ["bench.load0@example.com"],
        "/bench/hello": ["hello"],
        "/bench/floor": ["Bench Load Trust 0", "bench.load0@example.com", "nhsuk-back-link"],
    }
    cookie = (
        f"{settings.SESSION_COOKIE_NAME}={client['session']}; "
        f"{settings.CSRF_COOKIE_NAME}={client['csrf']}"
    )
    for path, words in expected.items():
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}{path}",
            headers={"Cookie": cookie, "X-Forwarded-Proto": "https"},
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                status, body = response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            status, body = error.code, ""
        missing = [word for word in words if word not in body]
        if status != 200 or missing:
            raise BenchFailed(f"GET {path}: {status}, without {missing} in the page")


def query_counts(client: dict) -> dict[str, int]:
    """The SQL statements one request of each endpoint runs, as the first client: in this
    process, through the same settings and middleware (Django's test client, CSRF checks on).
    Each request is made twice and the second counted, so a session refresh that was due, or
    anything done once, is left out."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    browser = Client(
        enforce_csrf_checks=True, HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https"
    )
    browser.cookies[settings.SESSION_COOKIE_NAME] = client["session"]
    browser.cookies[settings.CSRF_COOKIE_NAME] = client["csrf"]
    paths = endpoint_paths(client)
    counts = {}
    for endpoint, _ in ENDPOINTS:
        for _attempt in range(2):
            version = answer_state()[client["app"]][0]
            with CaptureQueriesContext(connection) as captured:
                if endpoint == "answer":
                    response = browser.post(
                        paths[endpoint],
                        {
                            "csrfmiddlewaretoken": client["csrf"],
                            "answer": "yes",
                            "description": description(version + 1),
                            "version": str(version),
                        },
                        HTTP_ORIGIN="https://127.0.0.1",
                    )
                    expected = 302
                else:
                    response = browser.get(paths[endpoint])
                    expected = 200
            if response.status_code != expected:
                raise BenchFailed(f"{endpoint} in process: {response.status_code}, not {expected}")
        counts[endpoint] = len(captured)
        if SHOW_QUERIES:
            for query in captured.captured_queries:
                say(f"{endpoint} query: {query['sql'][:160]}")
    connection.close()
    return counts


def endpoint_paths(client: dict) -> dict[str, str]:
    application = f"/applications/{client['app']}/stage-2"
    return {
        "question": f"{application}/questions/{QUESTION_ID}",
        "answer": f"{application}/questions/{QUESTION_ID}",
        "hello": "/bench/hello",
        "floor": "/bench/floor",
        "check_answers": f"{application}/check-answers",
        "overview": application,
    }


def wrk(
    endpoint: str,
    seconds: int,
    clients_file: Path,
    environment: dict[str, str],
    port: int,
    warm_up: bool = False,
):
    from django.conf import settings

    result = subprocess.run(  # noqa: S603 - wrk, arguments fixed here
        [  # noqa: S607 - wrk from PATH, where Debian's package (make wrk) puts it
            "wrk",
            f"-t{CLIENTS}",
            f"-c{CLIENTS}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(LUA),
            f"http://127.0.0.1:{port}",
        ],
        env={
            **environment,
            "BENCH_LOAD_CLIENTS": str(clients_file),
            "BENCH_LOAD_ENDPOINT": endpoint,
            "BENCH_LOAD_ORIGIN": f"https://127.0.0.1:{port}",
            "BENCH_LOAD_COOKIES": f"{settings.SESSION_COOKIE_NAME} {settings.CSRF_COOKIE_NAME}",
        },
        capture_output=True,
        text=True,
        timeout=seconds + 120,
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("BENCH_LOAD_RESULT ")]
    if result.returncode != 0 or not lines:
        raise BenchFailed(
            f"wrk failed on {endpoint} (exit {result.returncode}):\n"
            f"{result.stdout}\n{result.stderr}"
        )
    figures = json.loads(lines[-1].removeprefix("BENCH_LOAD_RESULT "))
    errors = {name: count for name, count in figures["errors"].items() if count}
    if errors or figures["unexpected"] or not (figures["requests"] or warm_up):
        raise BenchFailed(
            f"{endpoint}: {figures['requests']} requests, socket or status errors {errors or 0}, "
            f"{figures['unexpected']} unexpected responses (the first: "
            f"{figures['first_unexpected'] or 'none'}). A bench of error pages measures "
            f"nothing.\n{result.stdout}"
        )
    figures["rps"] = figures["requests"] / (figures["duration_us"] / 1e6)
    return figures


def run_endpoint(endpoint, seconds, clients, clients_file, environment, port, warm_up=False):
    """One wrk run; after a POST run, check in the database that every change was made."""
    write_clients_file(clients_file, clients)
    before_state = answer_state()
    before_counts = change_counts()
    figures = wrk(endpoint, seconds, clients_file, environment, port, warm_up)
    if endpoint == "answer":
        time.sleep(1)  # a POST in flight when wrk stopped still completes on the server
        check_answers_changed(figures, before_state, before_counts)
    return figures


def check_answers_changed(figures, before_state, before_counts) -> None:
    after_state = answer_state()
    audit_before, revisions_before = before_counts
    audit_after, revisions_after = change_counts()
    changes = 0
    posted = {client["app"]: client["posted"] for client in figures["clients"]}
    if sum(posted.values()) != figures["requests"]:
        raise BenchFailed(
            f"answer POST: {figures['requests']} responses but {sum(posted.values())} saved"
        )
    for app, count in posted.items():
        start, _ = before_state[app]
        version, text = after_state[app]
        # wrk stops with at most one request a connection in flight, which may have been saved.
        if not count <= version - start <= count + 1:
            raise BenchFailed(
                f"answer POST: application {app} posted {count} changes from version {start} "
                f"but is at version {version}"
            )
        if count and text != description(version):
            raise BenchFailed(f"answer POST: application {app}'s answer is {text!r}")
        changes += version - start
    if audit_after - audit_before != changes or revisions_after - revisions_before != changes:
        raise BenchFailed(
            f"answer POST: {changes} changes saved but {audit_after - audit_before} audit "
            f"entries and {revisions_after - revisions_before} revisions written"
        )
    figures["verified"] = changes


# --------------------------------------------------------------------------- report


def command_output(*command: str) -> str:
    try:
        return subprocess.run(  # noqa: S603 - git, gunicorn and wrk, for their versions
            command, cwd=ROOT, capture_output=True, text=True, timeout=30
        ).stdout.strip()
    except OSError:
        return "unknown"


def machine_facts(environment: dict[str, str]) -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    commit = command_output("git", "rev-parse", "--short", "HEAD")
    if command_output("git", "status", "--porcelain", "--untracked-files=no"):
        commit += " (with uncommitted changes)"
    gunicorn = command_output(sys.executable, "-m", "gunicorn", "--version")
    wrk_version = command_output("wrk", "--version").split(" [")[0] or "wrk"
    from django.conf import settings

    return [
        f"nproc {os.cpu_count()}, python {platform.python_version()}, PostgreSQL {postgres}, "
        f"git {commit}",
        f"{gunicorn}, {environment['WEB_CONCURRENCY']} sync workers (WEB_CONCURRENCY), "
        f"config/gunicorn.conf.py but --max-requests 0; {wrk_version}, {CLIENTS} threads, "
        f"{CLIENTS} connections",
        f"DJANGO_ENV=production, settings bench.load.settings, SESSION_ENGINE "
        f"{settings.SESSION_ENGINE}, {ROUNDS} rounds of {SECONDS} s an endpoint after a "
        f"{WARM_UP} s warm-up",
    ]


def load_average() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def report(rounds: list[dict[str, dict]], queries: dict[str, int]) -> None:
    def median(endpoint: str, key: str) -> float:
        return statistics.median(r[endpoint][key] for r in rounds)

    def ratio(endpoint: str) -> float:
        return statistics.median(r[endpoint]["rps"] / r["hello"]["rps"] for r in rounds)

    print()
    print("| endpoint | req/s | p50 | p95 | p99 | × hello | queries |")
    print("|---|---|---|---|---|---|---|")
    for endpoint, name in ENDPOINTS:
        print(
            f"| {name} | {median(endpoint, 'rps'):.0f} | {median(endpoint, 'p50_us') / 1000:.1f} ms"
            f" | {median(endpoint, 'p95_us') / 1000:.1f} ms"
            f" | {median(endpoint, 'p99_us') / 1000:.1f} ms | {ratio(endpoint):.2f}"
            f" | {queries[endpoint]} |"
        )
    print()
    for endpoint, (least, p95_ms) in GOALS.items():
        name = dict(ENDPOINTS)[endpoint]
        r = ratio(endpoint)
        p95 = median(endpoint, "p95_us") / 1000
        say(
            f"goal: {name} >= {least:.2f}× hello: {r:.2f}× ({'met' if r >= least else 'not met'})"
            f"; p95 < {p95_ms} ms: {p95:.1f} ms ({'met' if p95 < p95_ms else 'not met'})"
        )
    per_round = "; ".join(
        "round {}: {}".format(
            i + 1, ", ".join(f"{e} {r[e]['rps']:.0f}" for e in r if not e.startswith("_"))
        )
        for i, r in enumerate(rounds)
    )
    say(f"req/s per round (in the order run): {per_round}")


# --------------------------------------------------------------------------- main


def main() -> int:
    if shutil.which("wrk") is None:
        print(
            "bench load: wrk is missing: install Debian's wrk package (sudo apt-get install wrk), "
            "or run `make bench-load` as root",
            file=sys.stderr,
        )
        return 2
    port = free_port()
    environment = service_environment(port)
    os.environ.clear()
    os.environ.update(environment)

    database_recreate()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    started = time.monotonic()
    clients = seed(CLIENTS)
    say(
        f"seeded {len(clients)} applicants, each with a draft application, in "
        f"{time.monotonic() - started:.1f} s"
    )

    workdir = Path(tempfile.mkdtemp(prefix="bench-load-"))
    clients_file = workdir / "clients.lua"
    server = Server(workdir / "gunicorn.log")
    try:
        for line in machine_facts(environment):
            say(line)
        connection.close()
        server.serve(port, environment)
        smoke(clients, port)
        queries = query_counts(clients[0])
        say(f"gunicorn workers booted: {server.boots()}")
        say(f"load average before: {load_average()}")
        for endpoint, _ in ENDPOINTS:
            run_endpoint(endpoint, WARM_UP, clients, clients_file, environment, port, True)
        boots = server.boots()
        rounds: list[dict[str, dict]] = []
        for number in range(ROUNDS):
            shift = number % len(ENDPOINTS)
            order = ENDPOINTS[shift:] + ENDPOINTS[:shift]
            results: dict[str, dict] = {}
            for endpoint, _ in order:
                results[endpoint] = run_endpoint(
                    endpoint, SECONDS, clients, clients_file, environment, port
                )
                connection.close()
            rounds.append(results)
            say(
                f"round {number + 1}: "
                + ", ".join(f"{e} {results[e]['rps']:.0f} req/s" for e, _ in order)
                + f"; answers verified changed: {results['answer']['verified']}"
            )
        say(f"load average after: {load_average()}")
        if server.boots() != boots:
            raise BenchFailed(
                f"gunicorn booted {server.boots() - boots} workers during the rounds: a worker "
                "died, and the figures include its replacement's start"
            )
        report(rounds, queries)
    except (BenchFailed, GunicornFailed) as failure:
        print(f"bench load: FAILED: {failure}", file=sys.stderr)
        print(f"bench load: gunicorn's log ends:\n{server.log_tail()}", file=sys.stderr)
        return 1
    finally:
        server.stop()
        connection.close()
        if not KEEP_DATABASE:
            database_recreate(drop_only=True)
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
