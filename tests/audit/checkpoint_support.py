"""Helpers for the audit checkpoint tests (ADR 0009): run `audit_checkpoint` and `audit_verify`
as an operator does and return what they print or why they refused, write entries, list the
checkpoints kept, and rewrite the chain from an entry as someone with the database's credentials
could."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from audit import chain
from audit.models import AuditChainHead, AuditEntry
from audit.services import append_entry
from tests.audit.tamper import run_with_triggers_off


def command(name: str, *args: str) -> str:
    out = io.StringIO()
    call_command(name, *args, stdout=out)
    return out.getvalue().strip()


def verify(*args: str) -> str:
    return command("audit_verify", *args)


def broken(name: str = "audit_verify", *args: str) -> str:
    with pytest.raises(CommandError) as failure:
        command(name, *args)
    assert failure.value.returncode == 1
    return str(failure.value)


def checkpoint(*args: str) -> str:
    return command("audit_checkpoint", *args)


def write(n: int, start: int = 0) -> list[AuditEntry]:
    return [
        append_entry(
            actor=None,
            action="test.write",
            object_type="test",
            object_id=str(i),
            after={"n": i},
        )
        for i in range(start, start + n)
    ]


def files(storage: Path) -> list[Path]:
    folder = storage / "audit-checkpoints"
    return sorted(folder.iterdir()) if folder.exists() else []


def rewrite_from(sequence: int, action: str = "test.rewritten") -> AuditEntry:
    """What someone with the database's credentials can do: change entry `sequence`, recompute
    its hash and the previous and own hash of every entry after it, and move the head, so that
    the chain itself is consistent again. Returns the first rewritten entry."""
    rows = list(AuditEntry.objects.filter(sequence__gte=sequence).order_by("sequence"))
    previous = AuditEntry.objects.get(sequence=sequence - 1).entry_hash if sequence > 1 else None
    previous = previous or chain.GENESIS
    rows[0].action = action
    for row in rows:
        row.previous_hash = previous
        row.entry_hash = chain.entry_hash(row, previous)
        run_with_triggers_off(
            "UPDATE audit_auditentry SET action = %s, previous_hash = %s, entry_hash = %s "
            "WHERE id = %s",
            [row.action, row.previous_hash, row.entry_hash, row.pk],
        )
        previous = row.entry_hash
    AuditChainHead.objects.update(sequence=rows[-1].sequence, hash=previous)
    return rows[0]
