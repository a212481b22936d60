"""A stand-in for NHS CIS2 and Microsoft Entra ID, which the tests cannot reach: a small
OpenID Connect provider served on 127.0.0.1 by a thread of the test process.

It is a real provider at the HTTP boundary: a discovery document, an authorization endpoint that
(having "signed the person in" as the test said) redirects back with a code and the state, a
token endpoint that checks the code, the PKCE verifier and the client's authentication (a
`private_key_jwt` assertion signed by the registered key, as CIS2 asks, or a client secret, as
Entra ID does) before answering with an ID token signed by its key, a JWKS and an end-session
endpoint. A test chooses who signs in and what goes wrong through `StandInProvider.next`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet, RSAKey


@dataclass
class NextSignIn:
    """What happens at the provider on the next authorization request."""

    email: str = ""
    claims: dict[str, Any] = field(default_factory=dict)  # added to (or replacing) the ID token's
    error: str = ""  # answer the authorization request with this error instead of a code
    wrong_key: bool = False  # sign the ID token with a key the JWKS does not hold
    expired: bool = False  # an ID token that expired an hour ago
    nonce: str | None = None  # a nonce other than the one asked for


class StandInProvider:
    def __init__(self, *, client_id: str, client_secret: str = "", client_key: RSAKey | None):
        self.client_id = client_id
        self.client_secret = client_secret
        self.client_key = client_key  # the public half of the service's private_key_jwt key
        self.key = RSAKey.generate_key(2048, parameters={"kid": "stand-in-1", "use": "sig"})
        self.forger = RSAKey.generate_key(2048, parameters={"kid": "stand-in-1", "use": "sig"})
        self.next = NextSignIn()
        self.codes: dict[str, dict[str, Any]] = {}
        self.token_requests: list[dict[str, str]] = []
        self.logouts: list[dict[str, str]] = []  # each end-session request's query
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    @property
    def discovery_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    def start(self) -> StandInProvider:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def metadata(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "end_session_endpoint": f"{self.issuer}/logout",
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["private_key_jwt", "client_secret_post"],
        }

    def authorize(self, query: dict[str, str]) -> str:
        """Where the person is sent back to: the redirect URI with a code, or an error."""
        chosen, self.next = self.next, NextSignIn()
        back = query["redirect_uri"]
        if chosen.error:
            return f"{back}?{urlencode({'error': chosen.error, 'state': query['state']})}"
        if query.get("client_id") != self.client_id or query.get("code_challenge_method") != "S256":
            return f"{back}?{urlencode({'error': 'invalid_request', 'state': query['state']})}"
        code = secrets.token_urlsafe(16)
        self.codes[code] = {"query": query, "chosen": chosen}
        return f"{back}?{urlencode({'code': code, 'state': query['state']})}"

    def token(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        self.token_requests.append(form)
        issued = self.codes.pop(form.get("code", ""), None)
        if issued is None:
            return 400, {"error": "invalid_grant"}
        query, chosen = issued["query"], issued["chosen"]
        challenge = (
            base64.urlsafe_b64encode(
                hashlib.sha256(form.get("code_verifier", "").encode()).digest()
            )
            .rstrip(b"=")
            .decode()
        )
        if challenge != query.get("code_challenge") or form.get("redirect_uri") != query.get(
            "redirect_uri"
        ):
            return 400, {"error": "invalid_grant"}
        if not self._client_authenticated(form):
            return 401, {"error": "invalid_client"}
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": self.client_id,
            "sub": f"subject-{chosen.email}",
            "email": chosen.email,
            "iat": now - (7200 if chosen.expired else 0),
            "exp": now - 3600 if chosen.expired else now + 300,
            "nonce": chosen.nonce if chosen.nonce is not None else query.get("nonce"),
            **chosen.claims,
        }
        key = self.forger if chosen.wrong_key else self.key
        id_token = jwt.encode({"alg": "RS256", "kid": "stand-in-1"}, claims, key)
        return 200, {
            "access_token": secrets.token_urlsafe(16),
            "token_type": "Bearer",
            "expires_in": 300,
            "id_token": id_token,
        }

    def _client_authenticated(self, form: dict[str, str]) -> bool:
        if self.client_key is None:
            return form.get("client_id") == self.client_id and secrets.compare_digest(
                form.get("client_secret", ""), self.client_secret
            )
        if form.get("client_assertion_type") != (
            "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
        ):
            return False
        try:
            token = jwt.decode(
                form.get("client_assertion", ""), self.client_key, algorithms=["RS512"]
            )
        except (JoseError, ValueError):
            return False
        claims = token.claims
        return (
            token.header.get("kid") == self.client_key.kid
            and claims.get("iss") == self.client_id
            and claims.get("sub") == self.client_id
            and claims.get("aud") == f"{self.issuer}/token"
            and int(claims.get("exp", 0)) > time.time()
        )

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _send(self, status: int, body: dict[str, Any] | None, location: str = "") -> None:
                self.send_response(status)
                if location:
                    self.send_header("Location", location)
                data = json.dumps(body).encode() if body is not None else b""
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                url = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                if url.path == "/.well-known/openid-configuration":
                    self._send(200, provider.metadata())
                elif url.path == "/jwks":
                    self._send(200, KeySet([provider.key]).as_dict(private=False))
                elif url.path == "/authorize":
                    self._send(302, None, provider.authorize(query))
                elif url.path == "/logout":
                    provider.logouts.append(query)
                    self._send(302, None, query.get("post_logout_redirect_uri", "/"))
                else:
                    self._send(404, {"error": "not_found"})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                if urlsplit(self.path).path == "/token":
                    status, body = provider.token(form)
                    self._send(status, body)
                else:
                    self._send(404, {"error": "not_found"})

        return Handler
