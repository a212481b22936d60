"""Single-use link tokens: a random secret for the email, and only its SHA-256 in the database.

A token is 32 random bytes, URL-safe. Whoever can read the database cannot follow a link: the
row keeps the hash, and a link is found by hashing what the browser brings."""

from __future__ import annotations

import hashlib
import secrets


def token_new() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


# What a person is told when a link no longer works, whether used, revoked, expired or unknown:
# one answer for all, so the page reveals nothing about which.
LINK_DEAD = "This link has expired or has already been used"
