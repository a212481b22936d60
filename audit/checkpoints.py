"""Signed checkpoints of the audit chain, kept outside the database (ADR 0009).

Whoever can write to the database can rewrite an entry and recompute every hash after it: the
chain alone then still verifies. A checkpoint is the service's Ed25519 signature (its
ASSURANCE_SIGNING_KEY, core/signing.py) over the chain's head at a time, and over the hash of
every entry since the checkpoint before, written to the evidence storage (files in development,
S3 in production), never to the database. `audit_verify` compares each entry a checkpoint covers
with the hash signed for it, so it names the first rewritten entry.

A file, `audit-checkpoints/<first>-<sequence>-<signed at>.json`, holds JSON:
``{"checkpoint": "<the signed JSON, as a string>", "signature": "<base64 Ed25519>"}``; the signed
JSON is ``{"format": "nir-audit-checkpoint/1", "signed_at": ISO 8601 UTC, "first": F,
"sequence": S, "previous_hash": the hash of entry F-1 (GENESIS when F is 1), "hash": the hash of
entry S, "hashes": [the hash of entry F, ..., of entry S]}``. F is S + 1 when no entry was added
since the checkpoint before: the same head, signed again later.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages

from . import chain

FORMAT = "nir-audit-checkpoint/1"
FOLDER = "audit-checkpoints"
# The evidence storage's settings already say where files are kept outside the database.
STORAGE = "evidence"
# One file signs at most this many entries' hashes (about 6.6MB), so the first checkpoint of a
# long log, and each read of one, stays small; the next file starts where it ends.
MAX_ENTRIES = 100_000

NAME = re.compile(r"(\d{20})-(\d{20})-(\d{8}T\d{12}Z)\.json")
NAME_TIME = "%Y%m%dT%H%M%S%fZ"
HASH = re.compile(r"[0-9a-f]{64}")


class CheckpointInvalid(Exception):
    """Why a file in the checkpoints' folder is not a checkpoint this service signed."""


@dataclass(frozen=True)
class Listed:
    """A checkpoint's file, known by its name only: its range, to read it in order."""

    name: str
    first: int
    sequence: int


@dataclass(frozen=True)
class Checkpoint:
    name: str
    signed_at: datetime
    first: int
    sequence: int
    previous_hash: str
    hash: str
    hashes: tuple[str, ...]

    def hash_at(self, sequence: int) -> str:
        """The hash signed for entry `sequence`, from `first - 1` to `sequence`."""
        if sequence == self.first - 1:
            return self.previous_hash
        return self.hashes[sequence - self.first]

    def __str__(self) -> str:
        return (
            f"checkpoint {self.name} (entries {self.first} to {self.sequence}, signed "
            f"{self.signed_at.isoformat()})"
        )


def checkpoint_storage() -> Storage:
    return storages[STORAGE]


def checkpoint_name(first: int, sequence: int, signed_at: datetime) -> str:
    return f"{FOLDER}/{first:020d}-{sequence:020d}-{signed_at.astimezone(UTC):{NAME_TIME}}.json"


def checkpoint_listing() -> tuple[list[Listed], list[str]]:
    """Every checkpoint's file in the storage in the order of the entries they cover, and the
    names of files there that are not checkpoints' (nothing but this module writes there)."""
    try:
        _, files = checkpoint_storage().listdir(FOLDER)
    except FileNotFoundError:  # the local storage before the first checkpoint
        return [], []
    listed, strangers = [], []
    for file in sorted(files):
        match = NAME.fullmatch(file)
        if match:
            listed.append(Listed(f"{FOLDER}/{file}", int(match[1]), int(match[2])))
        else:
            strangers.append(f"{FOLDER}/{file}")
    listed.sort(key=lambda c: (c.first, c.sequence, c.name))
    return listed, strangers


def checkpoint_encode(
    *,
    first: int,
    previous_hash: str,
    hashes: Sequence[str],
    signed_at: datetime,
    key: Ed25519PrivateKey,
) -> tuple[str, bytes]:
    """A checkpoint's file name and content: entries `first` onwards, whose hashes are `hashes`,
    following an entry whose hash is `previous_hash`, signed with `key`."""
    sequence = first + len(hashes) - 1
    signed = json.dumps(
        {
            "format": FORMAT,
            "signed_at": signed_at.astimezone(UTC).isoformat(timespec="microseconds"),
            "first": first,
            "sequence": sequence,
            "previous_hash": previous_hash,
            "hash": hashes[-1] if hashes else previous_hash,
            "hashes": list(hashes),
        },
        separators=(",", ":"),
    )
    signature = base64.b64encode(key.sign(signed.encode("ascii"))).decode("ascii")
    content = json.dumps({"checkpoint": signed, "signature": signature}).encode("ascii")
    return checkpoint_name(first, sequence, signed_at), content


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def checkpoint_decode(
    name: str, content: bytes, public_keys: Iterable[Ed25519PublicKey]
) -> Checkpoint:
    """The checkpoint in `content`, once its signature verifies with one of `public_keys` and
    what it signed is a whole checkpoint named `name`; otherwise CheckpointInvalid."""
    try:
        envelope = json.loads(content)
        signed, signature = envelope["checkpoint"], envelope["signature"]
        if not isinstance(signed, str) or not isinstance(signature, str):
            raise TypeError
        signed_bytes = signed.encode("ascii")
        signature_bytes = base64.b64decode(signature, validate=True)
    except (ValueError, TypeError, KeyError, binascii.Error) as exc:
        raise CheckpointInvalid("it is not a signed checkpoint") from exc
    for key in public_keys:
        try:
            key.verify(signature_bytes, signed_bytes)
            break
        except InvalidSignature:
            continue
    else:
        raise CheckpointInvalid("its signature does not verify with the service's key")
    try:
        data = json.loads(signed)
        if data["format"] != FORMAT:
            raise ValueError(f"its format is {data['format']!r}, not {FORMAT}")
        first, sequence, hashes = data["first"], data["sequence"], data["hashes"]
        previous_hash, head = data["previous_hash"], data["hash"]
        signed_at = datetime.fromisoformat(data["signed_at"])
        if not (_whole(first) and _whole(sequence) and first >= 1 and sequence >= first - 1):
            raise ValueError("its range of entries is not one")
        if not isinstance(hashes, list) or len(hashes) != sequence - first + 1:
            raise ValueError("it does not sign one hash for each entry of its range")
        if not all(isinstance(h, str) and HASH.fullmatch(h) for h in (*hashes, previous_hash)):
            raise ValueError("a hash is not 64 hexadecimal digits")
        if first == 1 and previous_hash != chain.GENESIS:
            raise ValueError("it starts the chain after a hash other than the first's")
        if head != (hashes[-1] if hashes else previous_hash) or signed_at.tzinfo is None:
            raise ValueError("its head is not the last hash it signs")
    except (ValueError, TypeError, KeyError) as exc:
        raise CheckpointInvalid(f"what it signed is not a checkpoint: {exc}") from exc
    checkpoint = Checkpoint(
        name=name,
        signed_at=signed_at,
        first=first,
        sequence=sequence,
        previous_hash=previous_hash,
        hash=head,
        hashes=tuple(hashes),
    )
    if name != checkpoint_name(first, sequence, signed_at):
        raise CheckpointInvalid(f"its name is not that of what it signed, {checkpoint}")
    return checkpoint


def checkpoint_read(listed: Listed, public_keys: Iterable[Ed25519PublicKey]) -> Checkpoint:
    try:
        with checkpoint_storage().open(listed.name, "rb") as file:
            content = file.read()
    except OSError as exc:
        raise CheckpointInvalid(f"it cannot be read: {exc}") from exc
    return checkpoint_decode(listed.name, content, public_keys)


def checkpoint_write(name: str, content: bytes) -> None:
    """Keep a new checkpoint's file; never replace one."""
    storage = checkpoint_storage()
    if storage.exists(name):
        raise FileExistsError(f"{name} is already in the storage")
    saved = storage.save(name, ContentFile(content, name=name.rsplit("/", 1)[-1]))
    if saved != name:
        raise RuntimeError(f"the storage saved {name!r} as {saved!r}")
