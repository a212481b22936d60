"""A software authenticator for web tests of passkeys (ADR 0043): the stand-in for the person's
phone, laptop or security key, which a test client cannot drive. It makes real WebAuthn answers
(a P-256 key, "none" attestation, real signatures over the challenge the page gave), so the
service checks them with py_webauthn exactly as it checks a browser's. The system test uses
Chromium's own virtual authenticator instead.

    key = SoftAuthenticator()
    page = client.get("/account/passkeys/add")
    client.post("/account/passkeys/add", {"name": "Laptop", "credential": key.create(page)})
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import struct
from dataclasses import dataclass, field

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url

UP, UV, AT = 0x01, 0x04, 0x40


def page_options(response) -> dict:
    """The ceremony's options the page carries for static/js/passkeys.js."""
    found = re.search(r'data-passkey-options="([^"]*)"', response.content.decode())
    assert found, "the page has no passkey form"
    return json.loads(html.unescape(found.group(1)))


def _client_data(kind: str, options: dict, origin: str | None) -> bytes:
    return json.dumps(
        {
            "type": kind,
            "challenge": options["challenge"],
            "origin": origin or settings.PASSKEY_ORIGIN,
            "crossOrigin": False,
        }
    ).encode()


@dataclass
class SoftAuthenticator:
    key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    credential_id: bytes = field(default_factory=lambda: os.urandom(32))
    sign_count: int = 0
    user_verified: bool = True

    def _flags(self, extra: int = 0) -> bytes:
        return bytes([UP | (UV if self.user_verified else 0) | extra])

    def _cose_key(self) -> bytes:
        numbers = self.key.public_key().public_numbers()
        return cbor2.dumps(
            {
                1: 2,
                3: -7,
                -1: 1,
                -2: numbers.x.to_bytes(32, "big"),
                -3: numbers.y.to_bytes(32, "big"),
            }
        )

    def create(self, page, *, origin: str | None = None, rp_id: str | None = None) -> str:
        """The browser's JSON answer to navigator.credentials.create for `page`'s options."""
        options = page_options(page)
        rp = rp_id or options["rp"]["id"]
        auth_data = (
            hashlib.sha256(rp.encode()).digest()
            + self._flags(AT)
            + struct.pack(">I", self.sign_count)
            + bytes(16)
            + struct.pack(">H", len(self.credential_id))
            + self.credential_id
            + self._cose_key()
        )
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        credential = bytes_to_base64url(self.credential_id)
        return json.dumps(
            {
                "id": credential,
                "rawId": credential,
                "type": "public-key",
                "response": {
                    "clientDataJSON": bytes_to_base64url(
                        _client_data("webauthn.create", options, origin)
                    ),
                    "attestationObject": bytes_to_base64url(attestation),
                    "transports": ["internal"],
                },
                "clientExtensionResults": {},
                "authenticatorAttachment": "platform",
            }
        )

    def get(self, page, *, origin: str | None = None, sign_count: int | None = None) -> str:
        """The browser's JSON answer to navigator.credentials.get for `page`'s options; the
        counter moves on by one unless `sign_count` is given."""
        options = page_options(page)
        self.sign_count = self.sign_count + 1 if sign_count is None else sign_count
        auth_data = (
            hashlib.sha256(options["rpId"].encode()).digest()
            + self._flags()
            + struct.pack(">I", self.sign_count)
        )
        client_data = _client_data("webauthn.get", options, origin)
        signature = self.key.sign(
            auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256())
        )
        credential = bytes_to_base64url(self.credential_id)
        return json.dumps(
            {
                "id": credential,
                "rawId": credential,
                "type": "public-key",
                "response": {
                    "clientDataJSON": bytes_to_base64url(client_data),
                    "authenticatorData": bytes_to_base64url(auth_data),
                    "signature": bytes_to_base64url(signature),
                },
                "clientExtensionResults": {},
            }
        )


def challenge_of(page) -> bytes:
    return base64url_to_bytes(page_options(page)["challenge"])
