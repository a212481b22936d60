"""Backups proven by a restore (ADR 0041): the database as pg_dump's custom format, and every
object of the "evidence" storage (the evidence files and the audit checkpoints) copied through
the storage API, with a manifest of each object's key, size and SHA-256.

A backup is a folder:
    database.dump    pg_dump --format=custom, one consistent snapshot of the database
    files/<key>      each object of the evidence storage, under its key
    manifest.json    {"format": 1, "created_at", "database": {"sha256", "size"},
                      "files": [{"key", "size", "sha256"}, ...]}

The database is dumped first and the storage copied after it: evidence is never deleted once
accepted (its rows are append-only), so every file a row in the dump names is already in the
storage when the copy starts. A file accepted after the dump began is copied too, harmlessly.

PostgreSQL only: on SQLite both commands refuse, naming the database (ADR 0041).
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import subprocess
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from django.core.files import File
from django.core.files.storage import Storage
from django.db import connection, transaction
from django.utils import timezone

from audit.services import Auditor
from evidence.models import ACCEPTED_STATUSES, EvidenceFile
from evidence.storage import evidence_storage

DUMP = "database.dump"
MANIFEST = "manifest.json"
FILES = "files"
FORMAT = 1
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot be done, or whose result does not match what it should."""


@dataclass(frozen=True)
class ManifestEntry:
    key: str
    size: int
    sha256: str


@dataclass(frozen=True)
class BackupReport:
    directory: Path
    files: int
    bytes: int


def _postgresql_only(command: str) -> None:
    if connection.vendor != "postgresql":
        raise BackupError(
            f"{command} needs PostgreSQL (DATABASE_URL): this database is {connection.vendor}. "
            "An SQLite database is a single file: copy it with sqlite3's .backup command."
        )


def _pg_environment() -> tuple[str, dict[str, str]]:
    """The database's name, and the environment that points pg_dump and pg_restore at it
    (PGHOST, PGPORT, PGUSER, PGPASSWORD and the SSL options, as Django's dbshell sets them)."""
    _, env = connection.client.settings_to_cmd_args_env(connection.settings_dict, [])
    values = connection.settings_dict
    named = {"PGHOST": values.get("HOST"), "PGPORT": values.get("PORT"), "PGUSER": values["USER"]}
    return values["NAME"], {
        **os.environ,
        **{name: str(value) for name, value in named.items() if value},
        **{name: str(value) for name, value in (env or {}).items() if value},
    }


def _run(arguments: list[str], env: dict[str, str]) -> None:
    # pg_dump and pg_restore from PATH (Debian's postgresql-client), their arguments fixed here.
    done = subprocess.run(  # noqa: S603
        arguments, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise BackupError(f"{arguments[0]} failed ({done.returncode}): {done.stderr.strip()}")


def _sha256_of(stream: Any) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def storage_keys(storage: Storage, folder: str = "") -> Iterator[str]:
    """Every object's key in `storage`, walking its folders."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:  # the local storage before anything was stored
        return
    for name in sorted(files):
        yield posixpath.join(folder, name) if folder else name
    for name in sorted(folders):
        yield from storage_keys(storage, posixpath.join(folder, name) if folder else name)


def backup_file_path(root: Path, key: str) -> Path:
    if key.startswith("/") or ".." in key.split("/") or not key:
        raise BackupError(f"The manifest names a file outside the backup: {key!r}")
    return root / FILES / key


def storage_copy_out(storage: Storage, directory: Path) -> list[ManifestEntry]:
    """Copy every object of `storage` into `directory`/files/<key>, hashing it as it is copied."""
    entries = []
    for key in storage_keys(storage):
        target = backup_file_path(directory, key)
        target.parent.mkdir(parents=True, exist_ok=True)
        digest, size = hashlib.sha256(), 0
        with storage.open(key, "rb") as source, open(target, "wb") as copy:
            while chunk := source.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
                copy.write(chunk)
        entries.append(ManifestEntry(key=key, size=size, sha256=digest.hexdigest()))
    return entries


def storage_copy_in(
    storage: Storage, directory: Path, entries: list[ManifestEntry]
) -> tuple[dict[str, ManifestEntry], list[str]]:
    """Write each manifest entry's file back into `storage` under its key and read it back:
    what the storage now holds, and each way it differs from the manifest."""
    restored: dict[str, ManifestEntry] = {}
    problems = []
    for entry in entries:
        with open(backup_file_path(directory, entry.key), "rb") as source:
            saved = storage.save(entry.key, File(source, name=posixpath.basename(entry.key)))
        if saved != entry.key:
            problems.append(f"{entry.key}: the storage saved it as {saved}")
            continue
        with storage.open(saved, "rb") as stored:
            sha256, size = _sha256_of(stored)
        restored[saved] = ManifestEntry(key=saved, size=size, sha256=sha256)
        if (sha256, size) != (entry.sha256, entry.size):
            problems.append(f"{entry.key}: the restored file differs from the manifest")
    return restored, problems


def _accepted_evidence() -> dict[str, tuple[str, int]]:
    return {
        name: (sha256, size)
        for name, sha256, size in EvidenceFile.objects.filter(
            scan_status__in=ACCEPTED_STATUSES
        ).values_list("storage_name", "sha256", "size")
    }


def _evidence_mismatches(
    found: dict[str, ManifestEntry], rows: dict[str, tuple[str, int]]
) -> list[str]:
    problems = []
    for name, (sha256, size) in sorted(rows.items()):
        entry = found.get(name)
        if entry is None:
            problems.append(f"{name}: the evidence row's file is missing")
        elif (entry.sha256, entry.size) != (sha256, size):
            problems.append(f"{name}: the file's SHA-256 or size differs from its evidence row's")
    return problems


def backup_create(*, directory: Path) -> BackupReport:
    """Write a backup of the database and the evidence storage into `directory` (new or empty).

    Guarantees: "backup.create" is audited before the dump, so the backup holds its own entry;
    the dump is one consistent snapshot; every object copied is hashed as it is copied; every
    accepted evidence row committed before the dump has its file in the backup with the row's
    SHA-256 and size, or BackupError is raised and the backup must not be trusted."""
    _postgresql_only("backup_create")
    if directory.exists() and any(directory.iterdir()):
        raise BackupError(f"{directory} is not empty: give a new folder for each backup")
    directory.mkdir(parents=True, exist_ok=True)
    with transaction.atomic():
        Auditor(None).record(action="backup.create", obj=None, after={"folder": directory.name})
    rows = _accepted_evidence()
    name, env = _pg_environment()
    _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(directory / DUMP), name], env)
    with open(directory / DUMP, "rb") as dump:
        dump_sha256, dump_size = _sha256_of(dump)
    entries = storage_copy_out(evidence_storage(), directory)
    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "database": {"file": DUMP, "sha256": dump_sha256, "size": dump_size},
        "files": [asdict(entry) for entry in entries],
    }
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n")
    if problems := _evidence_mismatches({entry.key: entry for entry in entries}, rows):
        raise BackupError(
            "The backup does not hold the evidence as recorded:\n" + "\n".join(problems)
        )
    return BackupReport(directory=directory, files=len(entries), bytes=sum(e.size for e in entries))


def _manifest_read(directory: Path) -> tuple[dict[str, Any], list[ManifestEntry]]:
    try:
        manifest = json.loads((directory / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        raise BackupError(f"No readable {MANIFEST} in {directory}: {exc}") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{MANIFEST} is not a format {FORMAT} manifest")
    return manifest, [ManifestEntry(**entry) for entry in manifest["files"]]


def backup_check(directory: Path) -> list[str]:
    """What in the backup folder differs from its manifest (the dump and every file)."""
    manifest, entries = _manifest_read(directory)
    problems = []
    expected = [
        (DUMP, directory / DUMP, manifest["database"]["sha256"], manifest["database"]["size"])
    ]
    expected += [(e.key, backup_file_path(directory, e.key), e.sha256, e.size) for e in entries]
    for key, path, sha256, size in expected:
        try:
            with open(path, "rb") as file:
                found = _sha256_of(file)
        except FileNotFoundError:
            problems.append(f"{key}: missing from the backup")
            continue
        if found != (sha256, size):
            problems.append(f"{key}: the backup's copy differs from the manifest")
    return problems


def backup_restore(*, directory: Path) -> BackupReport:
    """Restore the backup in `directory` into this empty database and empty evidence storage.

    Guarantees: nothing is restored unless the backup matches its manifest, the database has no
    tables and the storage no objects; the dump is restored in one transaction; each file is
    read back from the storage and must match the manifest; every accepted evidence row must find
    its file with the row's SHA-256 and size; "backup.restore" is audited in the restored
    database last. Any difference raises BackupError naming each."""
    _postgresql_only("backup_restore")
    manifest, entries = _manifest_read(directory)
    if problems := backup_check(directory):
        raise BackupError("The backup does not match its manifest:\n" + "\n".join(problems))
    if tables := connection.introspection.table_names():
        raise BackupError(
            f"The database is not empty ({len(tables)} tables): restore only into a new database"
        )
    storage = evidence_storage()
    if next(storage_keys(storage), None) is not None:
        raise BackupError("The evidence storage is not empty: restore only into an empty one")
    name, env = _pg_environment()
    _run(
        ["pg_restore", "--no-owner", "--exit-on-error", "--single-transaction",
         "--dbname", name, str(directory / DUMP)],
        env,
    )  # fmt: skip
    restored, problems = storage_copy_in(storage, directory, entries)
    problems += _evidence_mismatches(restored, _accepted_evidence())
    if problems:
        raise BackupError("The restore does not match the backup:\n" + "\n".join(problems))
    with transaction.atomic():
        Auditor(None).record(
            action="backup.restore",
            obj=None,
            after={"folder": directory.name, "created_at": manifest["created_at"]},
        )
    return BackupReport(directory=directory, files=len(entries), bytes=sum(e.size for e in entries))
