"""`make bench-calls`: what one request of each `make bench-load` endpoint costs in this process,
in Python function calls (a count that does not move with the machine's load, unlike its time),
with CPU time beside it; and, with BENCH_CALLS_PROFILE=endpoint, the functions it spends them in.

It uses bench/load/run.py's environment and seeding.py's seed (one client is enough) with a
database of its own, and Django's test client with the same settings and middleware: no server,
no wrk. The figures are for comparing one commit with another, not with the load bench's.

Settings: BENCH_CALLS_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/bench_calls; its
name must contain "bench": it is dropped, made again and dropped afterwards; Redis database 13),
BENCH_CALLS_REQUESTS (50 counted requests an endpoint, after 20 to warm up), BENCH_CALLS_PROFILE
(an endpoint: print the 40 functions its requests spent the most time in, cumulatively).
"""

import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.load import run, seeding  # noqa: E402

REQUESTS = int(os.environ.get("BENCH_CALLS_REQUESTS") or 50)
PROFILE = os.environ.get("BENCH_CALLS_PROFILE", "")
WARM_UP = 20


def say(text: str) -> None:
    print(f"bench calls: {text}", flush=True)


# Its own database and Redis database, so that it can run beside `make bench-load`, whose
# database run.py would otherwise drop.
run.DATABASE_URL = os.environ.get("BENCH_CALLS_DATABASE_URL") or (
    "postgres://postgres@127.0.0.1:5432/bench_calls"
)
REDIS_URL = "redis://127.0.0.1:6379/13"


def main() -> int:
    environment = {**run.service_environment(run.free_port()), "REDIS_URL": REDIS_URL}
    os.environ.clear()
    os.environ.update(environment)
    run.database_recreate()
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    try:
        call_command("migrate", verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        [client] = seeding.seed(1)
        browser = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
        browser.cookies[settings.SESSION_COOKIE_NAME] = client["session"]
        browser.cookies[settings.CSRF_COOKIE_NAME] = client["csrf"]
        paths = run.endpoint_paths(client)
        version = [seeding.answer_state()[client["app"]][0]]

        def request(endpoint: str) -> None:
            if endpoint == "answer":
                response = browser.post(
                    paths[endpoint],
                    {
                        "csrfmiddlewaretoken": client["csrf"],
                        "answer": "yes",
                        "description": seeding.description(version[0] + 1),
                        "version": str(version[0]),
                    },
                )
                expected = 302
                version[0] += 1
            else:
                response = browser.get(paths[endpoint])
                expected = 200
            if response.status_code != expected:
                raise run.BenchFailed(f"{endpoint}: {response.status_code}, not {expected}")

        say(f"git {run.command_output('git', 'rev-parse', '--short', 'HEAD')}")
        hello_calls = 0.0
        # Hello first, so that each other endpoint is given as a share of it.
        for endpoint, name in sorted(run.ENDPOINTS, key=lambda pair: pair[0] != "hello"):
            for _ in range(WARM_UP):
                request(endpoint)
            profiler = cProfile.Profile()
            started = time.process_time()
            profiler.enable()
            for _ in range(REQUESTS):
                request(endpoint)
            profiler.disable()
            cpu = (time.process_time() - started) / REQUESTS * 1000
            calls = pstats.Stats(profiler).total_calls / REQUESTS
            hello_calls = calls if endpoint == "hello" else hello_calls
            say(
                f"{name}: {calls:,.0f} Python calls a request"
                + (f" ({hello_calls / calls:.2f}× hello's)" if hello_calls else "")
                + f", {cpu:.1f} ms of CPU profiled"
            )
            if endpoint == PROFILE:
                text = io.StringIO()
                pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(40)
                print(text.getvalue())
    except run.BenchFailed as failure:
        print(f"bench calls: FAILED: {failure}", file=sys.stderr)
        return 1
    finally:
        connection.close()
        run.database_recreate(drop_only=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
