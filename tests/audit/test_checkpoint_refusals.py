"""Checkpoints that cannot be trusted are reported (ADR 0009): one whose signature fails or that
another key signed, one removed or renamed, a file among them that is not a checkpoint, and no
checkpoint signed within the maximum age."""

import json
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.utils import timezone

from audit import chain, checkpoints
from audit.models import AuditEntry
from tests.audit.checkpoint_support import broken, checkpoint, files, rewrite_from, verify, write


def test_a_checkpoint_whose_signature_fails_is_reported(entries, checkpoint_storage):
    checkpoint()
    [stored] = files(checkpoint_storage)
    envelope = json.loads(stored.read_bytes())
    envelope["checkpoint"] = envelope["checkpoint"].replace(
        entries[1].entry_hash, "0" * 64
    )  # a hash changed to match a rewrite: the signature no longer covers it
    stored.write_text(json.dumps(envelope))
    assert broken() == (
        f"Audit checkpoint refused: audit-checkpoints/{stored.name}: its signature does not "
        "verify with the service's key"
    )


def test_a_checkpoint_signed_with_another_key_is_reported(entries, checkpoint_storage):
    rewrite_from(2)
    forger = Ed25519PrivateKey.generate()
    name, content = checkpoints.checkpoint_encode(
        first=1,
        previous_hash=chain.GENESIS,
        hashes=[e.entry_hash for e in AuditEntry.objects.order_by("sequence")],
        signed_at=timezone.now(),
        key=forger,
    )
    checkpoints.checkpoint_write(name, content)
    assert broken() == (
        f"Audit checkpoint refused: {name}: its signature does not verify with the service's key"
    )


def test_a_removed_checkpoint_is_reported(db, checkpoint_storage):
    write(2)
    checkpoint()
    write(2, start=2)
    checkpoint()
    first, second = files(checkpoint_storage)
    first.unlink()
    message = broken()
    assert message.startswith(
        "Audit checkpoint refused: no checkpoint signed entries 1 to 2, which checkpoint "
        f"audit-checkpoints/{second.name} (entries 3 to 4, signed "
    )
    assert message.endswith("follows: a checkpoint was removed")


def test_a_checkpoint_renamed_is_reported(entries, checkpoint_storage):
    checkpoint()
    [stored] = files(checkpoint_storage)
    renamed = stored.with_name(
        stored.name.replace("-00000000000000000005-", "-00000000000000000004-")
    )
    stored.rename(renamed)
    assert broken().startswith(
        f"Audit checkpoint refused: audit-checkpoints/{renamed.name}: its name is not that of "
        "what it signed, checkpoint audit-checkpoints/"
    )


def test_another_file_among_the_checkpoints_is_reported(entries, checkpoint_storage):
    checkpoint()
    (checkpoint_storage / "audit-checkpoints" / "notes.txt").write_text("hello")
    assert broken() == (
        "Audit checkpoint refused: audit-checkpoints/notes.txt: it is not a checkpoint's name"
    )


def test_no_checkpoint_within_the_maximum_age_fails_the_check(entries, checkpoint_storage):
    assert broken("audit_verify", "--max-checkpoint-age", "26") == (
        "Audit checkpoint refused: no checkpoint was signed in the last 26 hours: is manage.py "
        "audit_checkpoint running?"
    )
    checkpoint()
    assert verify("--max-checkpoint-age", "26").endswith(
        f"Audit chain intact: 5 entries, head {entries[-1].entry_hash}"
    )
    [stored] = files(checkpoint_storage)
    signed_at = json.loads(json.loads(stored.read_bytes())["checkpoint"])["signed_at"]
    later = timezone.now() + timedelta(hours=27)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("audit.verify.timezone.now", lambda: later)
        assert broken("audit_verify", "--max-checkpoint-age", "26") == (
            f"Audit checkpoint refused: the last checkpoint was signed at {signed_at}, no "
            "checkpoint was signed in the last 26 hours: is manage.py audit_checkpoint running?"
        )
