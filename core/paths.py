"""A path as it may be kept or sent on: without the secrets some paths carry.

A link's token (core.tokens: 32 random bytes, URL-safe, 43 characters) sits in its path, and the
path goes on to places that outlive the request: the feedback link on every page, the feedback
kept and audited, an error report. Plain Python, no Django."""

from __future__ import annotations

import re

REMOVED = "[removed]"
# A run of URL-safe base64 at least as long as any secret the service sends (a UUID's 36
# characters are not a secret, and have their own shape: kept).
TOKEN_LIKE = re.compile(r"[A-Za-z0-9_-]{32,}")
UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def path_without_tokens(path: str) -> str:
    """The path with every segment that could be a link's token replaced: what may be kept."""
    return "/".join(
        REMOVED if TOKEN_LIKE.fullmatch(segment) and not UUID.fullmatch(segment) else segment
        for segment in path.split("/")
    )
