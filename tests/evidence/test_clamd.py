"""The clamd client against the real clamd (scripts/clamd-test) and against a silent one."""

import io
import socket
import threading
import time

import pytest

from evidence.clamd import ClamdClient, ClamdUnavailable, address_parse, verdict_parse
from tests.evidence import files


@pytest.mark.parametrize(
    ("address", "parsed"),
    [
        ("unix:///run/clamav/clamd.ctl", (socket.AF_UNIX, "/run/clamav/clamd.ctl")),
        ("tcp://127.0.0.1:3310", (socket.AF_INET, ("127.0.0.1", 3310))),
        ("tcp://[::1]:3310", (socket.AF_INET6, ("::1", 3310))),
    ],
)
def test_addresses(address, parsed):
    assert address_parse(address) == parsed


@pytest.mark.parametrize(
    "address", ["clamd.sock", "tcp://127.0.0.1", "tcp://host:port", "http://x:1", "unix://"]
)
def test_wrong_addresses_are_refused(address):
    with pytest.raises(ValueError):
        address_parse(address)


def test_replies():
    assert not verdict_parse("stream: OK").infected
    found = verdict_parse("stream: Win.Test.EICAR_HDB-1 FOUND")
    assert (found.infected, found.signature) == (True, "Win.Test.EICAR_HDB-1")
    for reply in ("INSTREAM size limit exceeded. ERROR", "stream: Can't allocate memory ERROR", ""):
        with pytest.raises(ClamdUnavailable):
            verdict_parse(reply)


@pytest.mark.integration
def test_the_real_clamd_answers_ping_and_finds_eicar_in_a_stream_of_chunks(clamd_address):
    client = ClamdClient(clamd_address, timeout=10)
    assert client.ping()
    # Several chunks, with the signature across a chunk boundary.
    data = b"%PDF-1.4\n" + b" " * (64 * 1024 - 20) + files.EICAR + b" " * 100_000
    verdict = client.instream(io.BytesIO(data))
    assert verdict.infected and verdict.signature.startswith("Eicar-Test-Signature")
    assert client.instream(io.BytesIO(files.PDF * 10_000)).reply == "stream: OK"


def test_nothing_listening_is_unavailable(tmp_path):
    client = ClamdClient(f"unix://{tmp_path}/none.sock", timeout=1)
    assert not client.ping()
    with pytest.raises(ClamdUnavailable):
        client.instream(io.BytesIO(files.PDF))


def test_a_scanner_that_never_answers_times_out(tmp_path):
    path = str(tmp_path / "silent.sock")
    server = socket.socket(socket.AF_UNIX)
    server.bind(path)
    server.listen(1)
    accepted = []
    threading.Thread(target=lambda: accepted.append(server.accept()), daemon=True).start()
    started = time.monotonic()
    with pytest.raises(ClamdUnavailable):
        ClamdClient(f"unix://{path}", timeout=1).instream(io.BytesIO(files.PDF))
    assert time.monotonic() - started < 5
    server.close()
