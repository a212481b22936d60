"""Benchmark: one 250MB upload through the evidence pipeline, served by gunicorn on loopback.

Prints the throughput (MB/s) and the worker's peak RSS growth for the question 15 upload page,
and the throughput of the same upload into a raw request sink (bench/upload_sink.py) on the
same server settings, measured in the same run. No malware scanner is configured (clamd's
StreamMaxLength would refuse a file this large unless raised), so this measures receiving,
hashing, inspecting and storing. Run with `make bench`; not a test."""

import http.client
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SIZE = int(os.environ.get("BENCH_UPLOAD_BYTES", str(250 * 1024 * 1024 - 64 * 1024)))
CHUNK = 1024 * 1024


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def make_file(folder: Path) -> Path:
    path = folder / "large.pdf"
    with path.open("wb") as out:
        out.write(b"%PDF-1.7\n")
        written = 9
        while written < SIZE:
            block = secrets.token_bytes(min(CHUNK, SIZE - written))
            out.write(block)
            written += len(block)
    return path


def prepare(env: dict[str, str]) -> tuple[str, str, str]:
    """Migrate a fresh database and answer a controller's questions up to question 15; return
    the page's path, a session cookie and a CSRF token for a real HTTP client."""
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0)
    from accounts.services import organisation_create, user_create
    from tests.answer_sets import CONTROLLER
    from tests.web.conftest import Applicant

    organisation = organisation_create(name="Bench Trust", ods_code="BEN", actor=None)
    user = user_create(
        email="bench@example.com",
        password="Bench-Password-2026",
        organisation=organisation,
        actor=None,
    )
    client = Client()
    client.force_login(user)
    applicant = Applicant(client).start("both")
    applicant.answer_all(CONTROLLER[: [q for q, _ in CONTROLLER].index("c_aup")])
    path = applicant.question_url("c_aup")
    page = client.get(path).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    cookies = "; ".join(f"{name}={morsel.value}" for name, morsel in client.cookies.items())
    return path, cookies, token


def serve(app: str, port: int, env: dict[str, str]) -> subprocess.Popen:
    # A fixed argument list of our own interpreter and modules: nothing here comes from input.
    server = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "gunicorn",
            app,
            "--workers",
            "1",
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "300",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**os.environ, **env},
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"gunicorn did not start for {app}")


def worker_pid(master: int) -> int:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return int(children[0])


def memory_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def post_file(
    port: int, path: str, file: Path, cookies: str = "", token: str = ""
) -> tuple[float, int]:
    """Stream a multipart body with one file; return the seconds taken and the status."""
    boundary = "----nir-bench-" + secrets.token_hex(8)
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n'
        f'{token}\r\n--{boundary}\r\nContent-Disposition: form-data; name="evidence"; '
        f'filename="{file.name}"\r\nContent-Type: application/pdf\r\n\r\n'
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    length = len(head) + file.stat().st_size + len(tail)

    def body():
        yield head
        with file.open("rb") as source:
            while block := source.read(CHUNK):
                yield block
        yield tail

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    start = time.perf_counter()
    connection.request(
        "POST",
        path,
        body=body(),
        headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Content-Length": str(length),
            "Cookie": cookies,
            "Referer": f"http://127.0.0.1:{port}{path}",
            "Host": f"127.0.0.1:{port}",
        },
    )
    response = connection.getresponse()
    response.read()
    return time.perf_counter() - start, response.status


def measure(name: str, app: str, env: dict[str, str], path: str, file: Path, **auth: str) -> None:
    port = free_port()
    server = serve(app, port, env)
    try:
        worker = worker_pid(server.pid)
        if app.startswith("config"):  # warm up Django: settings, apps, templates
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            connection.request("GET", "/healthz")
            connection.getresponse().read()
        before = memory_kib(worker, "VmRSS")
        seconds, status = post_file(port, path, file, **auth)
        peak = memory_kib(worker, "VmHWM")
        megabytes = file.stat().st_size / 1e6
        print(
            f"upload: {name}: HTTP {status}, {megabytes:.0f} MB in {seconds:.2f} s = "
            f"{megabytes / seconds:.0f} MB/s; worker RSS {before / 1024:.0f} MiB before, peak "
            f"{peak / 1024:.0f} MiB (growth {max(0, peak - before) / 1024:.1f} MiB)"
        )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="nir-bench-upload-") as folder:
        work = Path(folder)
        env = {
            "DJANGO_ENV": "development",
            "DJANGO_DEBUG": "false",
            "DATABASE_URL": f"sqlite:///{work / 'bench.sqlite3'}",
            "MEDIA_ROOT": str(work / "media"),
            "EVIDENCE_QUARANTINE_DIR": str(work / "quarantine"),
            "CLAMD_ADDRESS": "",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,testserver",
        }
        path, cookies, token = prepare(env)
        file = make_file(work)
        print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, gunicorn 1 sync worker")
        measure("raw request sink", "bench.upload_sink:application", env, "/", file)
        measure(
            "question 15 upload (evidence pipeline)",
            "config.wsgi:application",
            env,
            path,
            file,
            cookies=cookies,
            token=token,
        )
        stored = list((work / "media").rglob("*.pdf"))
        print(
            f"upload: stored {len(stored)} file(s) of {sum(p.stat().st_size for p in stored)} bytes"
        )


if __name__ == "__main__":
    main()
