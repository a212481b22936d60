"""A fake of GOV.UK Notify's HTTP API, for tests: a real HTTP server on 127.0.0.1.

Notify is a service the tests cannot reach, so this stands in for it at the boundary: it answers
POST /v2/notifications/email as Notify does, checks the JWT bearer token the official client
signs (HS256, iss = the service id, iat within 30 seconds) with PyJWT, records every request,
and can be told to answer the next requests with an error (500, 429, 400) instead.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt

SERVICE_ID = "6a4e1c3d-2b7f-4a59-9c1e-8d0f2b3a4c5d"
SECRET = "0f9e8d7c-6b5a-4f3e-9d2c-1b0a9f8e7d6c"
API_KEY = f"nir_onboarding_test-{SERVICE_ID}-{SECRET}"

ERRORS = {
    400: ("ValidationError", "email_address Not a valid email address"),
    403: ("AuthError", "Invalid token: signature, api token not found"),
    429: (
        "RateLimitError",
        "Exceeded rate limit for key type TEAM of 3000 requests per 60 seconds",
    ),
    500: ("Exception", "Internal server error"),
}


@dataclass
class ReceivedRequest:
    method: str
    path: str
    headers: dict[str, str]  # names in lower case
    body: dict[str, Any]
    claims: dict[str, Any] | None
    status: int


@dataclass
class FakeNotify:
    service_id: str = SERVICE_ID
    secret: str = SECRET
    requests: list[ReceivedRequest] = field(default_factory=list)
    failures: list[int] = field(default_factory=list)
    url: str = ""

    def fail_next(self, *statuses: int) -> None:
        """Answer the next requests with these error statuses, in order, then succeed again."""
        self.failures.extend(statuses)

    def verify(self, authorization: str) -> dict[str, Any] | None:
        """The token's claims if it is a valid Notify token for this service, else None."""
        scheme, _, token = authorization.partition(" ")
        if scheme != "Bearer" or not token:
            return None
        try:
            claims = jwt.decode(token, self.secret, algorithms=["HS256"])
        except jwt.InvalidTokenError:
            return None
        if claims.get("iss") != self.service_id:
            return None
        if abs(time.time() - int(claims.get("iat", 0))) > 30:
            return None
        return claims

    def answer(self, method: str, path: str, headers: dict[str, str], raw: bytes):
        body = json.loads(raw or b"{}")
        claims = self.verify(headers.get("authorization", ""))
        if method != "POST" or path != "/v2/notifications/email":
            status, payload = 404, error_payload(404, "NotFound", "Not found")
        elif claims is None:
            status, payload = 403, error_payload(403, *ERRORS[403])
        elif self.failures:
            status = self.failures.pop(0)
            payload = error_payload(status, *ERRORS[status])
        else:
            status, payload = 201, created_payload(body)
        self.requests.append(ReceivedRequest(method, path, headers, body, claims, status))
        return status, payload

    @property
    def delivered(self) -> list[ReceivedRequest]:
        return [request for request in self.requests if request.status == 201]


def error_payload(status: int, error: str, message: str) -> dict[str, Any]:
    return {"errors": [{"error": error, "message": message}], "status_code": status}


def created_payload(body: dict[str, Any]) -> dict[str, Any]:
    notification_id = str(uuid.uuid4())
    return {
        "id": notification_id,
        "reference": body.get("reference"),
        "content": {"subject": "(rendered by Notify)", "body": "(rendered by Notify)"},
        "uri": f"/v2/notifications/{notification_id}",
        "template": {"id": body.get("template_id"), "version": 1, "uri": ""},
    }


def serve(fake: FakeNotify) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.respond("POST")

        def do_GET(self) -> None:
            self.respond("GET")

        def respond(self, method: str) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            status, payload = fake.answer(
                method,
                self.path,
                {name.lower(): value for name, value in self.headers.items()},
                raw,
            )
            encoded = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(encoded)))
            self.end_headers()
            self.wfile.write(encoded)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep the test output quiet

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
