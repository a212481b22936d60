"""Recovery codes: random, single-use, stored as SHA-256 (ADR 0010).

A code is 16 characters from an alphabet without look-alike characters (no 0/o, 1/l/i), about 79
bits, shown as four groups of four. Typed back, case, spaces and hyphens are ignored."""

from __future__ import annotations

import hashlib
import re
import secrets

COUNT = 10
ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
LENGTH = 16


def recovery_code_new() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return "-".join(raw[index : index + 4] for index in range(0, LENGTH, 4))


def recovery_code_normalise(code: str) -> str:
    return re.sub(r"[\s-]", "", code).lower()


def recovery_code_hash(code: str) -> str:
    return hashlib.sha256(recovery_code_normalise(code).encode()).hexdigest()
