"""A small client for ClamAV's clamd: PING and INSTREAM, over a unix socket or TCP.

The address is `unix:///run/clamav/clamd.ctl` or `tcp://127.0.0.1:3310`. INSTREAM sends
`zINSTREAM\\0`, then the file in chunks, each after its length as 4 bytes big-endian, then a
chunk of length 0; clamd answers `stream: OK`, `stream: <signature> FOUND`, or a line ending in
`ERROR` (such as `INSTREAM size limit exceeded. ERROR` when the file is larger than clamd's
StreamMaxLength). Replies end with NUL (the `z` prefix). Every socket operation has a timeout.

`ClamdUnavailable` means no verdict: not reachable, too slow, refused, or an ERROR reply. The
caller keeps the file in quarantine and tries again later; it is never taken as clean.
"""

from __future__ import annotations

import contextlib
import socket
import struct
from dataclasses import dataclass
from typing import BinaryIO
from urllib.parse import urlsplit

CHUNK_SIZE = 64 * 1024
MAX_REPLY = 64 * 1024


class ClamdUnavailable(Exception):
    """clamd gave no verdict on the file (the message says why)."""


@dataclass(frozen=True)
class ClamdVerdict:
    infected: bool
    # The signature that matched ("Eicar-Test-Signature"), when infected.
    signature: str
    # clamd's reply as it was sent, for the record.
    reply: str


def address_parse(address: str) -> tuple[int, str | tuple[str, int]]:
    """The socket family and address for `unix:///path` or `tcp://host:port`; ValueError if
    the address is neither."""
    parts = urlsplit(address)
    if parts.scheme == "unix" and parts.path and not parts.netloc:
        return socket.AF_UNIX, parts.path
    if parts.scheme == "tcp" and parts.hostname and not parts.path.strip("/"):
        try:
            port = parts.port
        except ValueError as error:
            raise ValueError(f"{address!r} has a port that is not a number") from error
        if port is None:
            raise ValueError(f"{address!r} has no port, as in tcp://127.0.0.1:3310")
        return socket.AF_INET6 if ":" in parts.hostname else socket.AF_INET, (
            parts.hostname,
            port,
        )
    raise ValueError(f"{address!r} is not unix:///path/to/clamd.sock or tcp://host:port")


class ClamdClient:
    def __init__(self, address: str, *, timeout: float) -> None:
        self.family, self.address = address_parse(address)
        self.timeout = timeout

    def _connect(self) -> socket.socket:
        connection = socket.socket(self.family, socket.SOCK_STREAM)
        connection.settimeout(self.timeout)
        try:
            connection.connect(self.address)
        except OSError as error:
            connection.close()
            raise ClamdUnavailable(f"cannot connect to clamd at {self.address}: {error}") from error
        return connection

    def ping(self) -> bool:
        """True when clamd answers PONG."""
        try:
            with self._connect() as connection:
                connection.sendall(b"zPING\0")
                return _read_reply(connection) == "PONG"
        except (ClamdUnavailable, OSError):
            return False

    def instream(self, stream: BinaryIO) -> ClamdVerdict:
        """Scan what `stream` holds, sent in chunks (never read whole). Raises ClamdUnavailable."""
        session = self.instream_open()
        try:
            while chunk := stream.read(CHUNK_SIZE):
                session.send(chunk)
        except BaseException:
            session.close()
            raise
        return session.finish()

    def instream_open(self) -> InstreamSession:
        """Start an INSTREAM scan to send a file to as it arrives (a file that is never kept).
        Raises ClamdUnavailable."""
        connection = self._connect()
        session = InstreamSession(connection)
        try:
            connection.sendall(b"zINSTREAM\0")
        except OSError as error:
            session.close()
            raise ClamdUnavailable(f"clamd did not answer: {error!r}") from error
        return session


class InstreamSession:
    """One INSTREAM scan in progress: `send` each chunk, then `finish` for the verdict (or
    `close` to abandon it). Raises ClamdUnavailable; the connection is closed after either."""

    def __init__(self, connection: socket.socket) -> None:
        self.connection = connection
        self.stopped = False  # clamd stopped reading (past its StreamMaxLength): it says why

    def send(self, chunk: bytes) -> None:
        if self.stopped or not chunk:
            return
        for start in range(0, len(chunk), CHUNK_SIZE):
            part = chunk[start : start + CHUNK_SIZE]
            try:
                self.connection.sendall(struct.pack("!L", len(part)) + part)
            except (BrokenPipeError, ConnectionResetError):
                self.stopped = True
                return
            except OSError as error:  # timeouts included
                self.close()
                raise ClamdUnavailable(f"clamd did not answer: {error!r}") from error

    def finish(self) -> ClamdVerdict:
        try:
            if not self.stopped:
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.connection.sendall(struct.pack("!L", 0))
            reply = _read_reply(self.connection)
        except OSError as error:  # timeouts included
            raise ClamdUnavailable(f"clamd did not answer: {error!r}") from error
        finally:
            self.close()
        return verdict_parse(reply)

    def close(self) -> None:
        self.connection.close()


def _read_reply(connection: socket.socket) -> str:
    received = b""
    while not received.endswith(b"\0") and len(received) < MAX_REPLY:
        part = connection.recv(4096)
        if not part:
            break
        received += part
    return received.rstrip(b"\0").decode("utf-8", "replace").strip()


def verdict_parse(reply: str) -> ClamdVerdict:
    """The verdict in an INSTREAM reply; ClamdUnavailable for an error or an unknown reply."""
    if reply == "stream: OK":
        return ClamdVerdict(infected=False, signature="", reply=reply)
    if reply.startswith("stream: ") and reply.endswith(" FOUND"):
        signature = reply.removeprefix("stream: ").removesuffix(" FOUND").strip()
        return ClamdVerdict(infected=True, signature=signature, reply=reply)
    raise ClamdUnavailable(f"clamd gave no verdict: {reply or 'no reply'!r}")
