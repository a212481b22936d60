"""The audit log's hash chain (ADR 0009): how an entry's hash is computed, in one place.

An entry's hash is the SHA-256, in hex, of the previous entry's hash, a line feed, and the
canonical serialisation of the entry's content: JSON with sorted keys, no spaces, ASCII only, of
exactly the fields in CHAINED_FIELDS. The first entry's previous hash is GENESIS. Both the writer
(audit.services) and the checker (`manage.py audit_verify`) use `entry_hash`, so they agree.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64
# The content an entry's hash covers. Adding a field changes every hash: it needs a new ADR and a
# migration that recomputes the chain.
CHAINED_FIELDS = (
    "sequence",
    "at",
    "actor_id",
    "action",
    "object_type",
    "object_id",
    "subject",
    "organisation_id",
    "before",
    "after",
)


def as_stored(value: Any) -> Any:
    """A JSON value as the database gives it back (tuples become lists, keys strings), so the
    hash computed on writing equals the one recomputed from the row."""
    return json.loads(json.dumps(value))


def canonical(entry: Any) -> str:
    content = {name: getattr(entry, name) for name in CHAINED_FIELDS}
    at: datetime = content["at"]
    content["at"] = at.astimezone(UTC).isoformat(timespec="microseconds")
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def entry_hash(entry: Any, previous_hash: str) -> str:
    data = f"{previous_hash}\n{canonical(entry)}".encode("ascii")
    return hashlib.sha256(data).hexdigest()
