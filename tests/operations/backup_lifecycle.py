"""A backup proven by a restore (ADR 0041), on PostgreSQL: a lifecycle's worth of data is made
through the services and pages (applications in every Stage 2 state, evidence in two revisions,
attestations, a signed checkpoint of the audit chain and entries after it), backed up with
`backup_create`, restored with `backup_restore` into a database made for the test, and checked
there as an operator would: `audit_verify` passes, every evidence file's SHA-256 matches its row,
and the pages list the same applications in the same states. A restore into a database that is
not empty, from a backup with a changed file, or without an evidence row's file, is refused.

Not collected by the suite itself (its name does not start with test_): tests/operations/
test_backup.py runs it in a pytest of its own with DATABASE_URL on PostgreSQL, whichever database
the suite is on, so it runs, and is never skipped, in both of CI's runs."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command
from django.db import connection

from applications.models import Application
from applications.states import Stage2State
from evidence.models import ACCEPTED_STATUSES, EvidenceFile
from evidence.services import evidence_store
from evidence.upload import quarantine_file
from tests.answer_sets import SUPPLIER
from tests.evidence.files import PDF, docx
from tests.web.conftest import Applicant, signed_in
from tests.workflow import decisions_support as decide
from workflow.decisions.review import application_withdraw

REPOSITORY = Path(__file__).resolve().parents[2]
KEY = base64.b64encode(
    Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
).decode("ascii")
# The pages as the restored database gives them: a process of its own, as an operator's would be.
PAGES = """
from django.test import Client
from accounts.models import User
from tests.visible import visible_text
for email, url in (("ig.lead@northern.example", "/"), ("reviewer@england.example", "/review")):
    client = Client()
    client.force_login(User.objects.get(email=email))
    print(visible_text(client.get(url)))
    print("\\f")
"""

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def storage(settings, tmp_path):
    """The evidence storage (and the checkpoints in it) in a folder of the test's, the run's
    signing key, and no scanner: files are accepted unscanned, as without CLAMD_ADDRESS."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EVIDENCE_QUARANTINE_DIR = tmp_path / "quarantine"
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media", "base_url": None},
        },
    }
    settings.CLAMD_ADDRESS = ""
    settings.ASSURANCE_SIGNING_KEY = KEY
    return tmp_path / "media"


def upload(application: Application, actor, name: str, content: bytes) -> EvidenceFile:
    return evidence_store(
        application=application,
        purpose="question:c_aup",
        received=quarantine_file(io.BytesIO(content), original_name=name),
        actor=actor,
    )


def lifecycle(member, reviewer) -> None:
    """Applications in every Stage 2 state, with evidence, attestations and the audit chain."""
    draft = Applicant(signed_in(member)).start("consumer")
    draft.answer_all(SUPPLIER[:4])
    draft_row = Application.objects.get(pk=draft.application_url.rsplit("/", 1)[-1])
    upload(draft_row, member, "acceptable-use.pdf", PDF)
    upload(draft_row, member, "acceptable-use-v2.docx", docx())
    decide.submitted(member)
    decide.reviewing(decide.submitted(member), reviewer)
    decide.changes_requested(
        decide.submitted(member), reviewer, {"s_isms": "Send the scope of the ISMS."}
    )
    decide.hold_raised(decide.submitted(member), reviewer, "Waiting for the DSPT publication.")
    approved = decide.approved(decide.submitted(member), reviewer)
    upload(approved, member, "policy.pdf", PDF + b"% the approved one\n")
    application_withdraw(
        application=decide.submitted(member), actor=member, reason="Replaced by another."
    )
    call_command("audit_checkpoint", stdout=io.StringIO())
    upload(approved, member, "policy-v2.pdf", PDF + b"% after the checkpoint\n")


def manage(*arguments: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", *arguments],
        cwd=REPOSITORY,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def admin_connection() -> psycopg.Connection:
    values = connection.settings_dict
    return psycopg.connect(
        host=values["HOST"] or None,
        port=values["PORT"] or None,
        user=values["USER"] or None,
        password=values["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )


@pytest.fixture
def new_database():
    """Makes new, empty databases on the suite's PostgreSQL server; drops them afterwards."""
    made = []

    def new() -> str:
        made.append(f"restored_{uuid.uuid4().hex[:12]}")
        with admin_connection() as admin:
            admin.execute(f'CREATE DATABASE "{made[-1]}"')
        return made[-1]

    yield new
    with admin_connection() as admin:
        for name in made:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def rows_in(database: str, sql: str) -> list[tuple]:
    values = connection.settings_dict
    with psycopg.connect(
        host=values["HOST"] or None,
        port=values["PORT"] or None,
        user=values["USER"] or None,
        password=values["PASSWORD"] or None,
        dbname=database,
    ) as restored:
        return list(restored.execute(sql).fetchall())


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_backup_restores_into_a_fresh_database_as_it_was(
    storage, member, reviewer, fixed_today, new_database, tmp_path
):
    assert connection.vendor == "postgresql", "run by tests/operations/test_backup.py"
    lifecycle(member, reviewer)
    states = set(Application.objects.values_list("stage2_state", flat=True))
    assert states == set(Stage2State.values)
    evidence = list(EvidenceFile.objects.filter(scan_status__in=ACCEPTED_STATUSES))
    assert len(evidence) == 4
    assert (storage / "audit-checkpoints").is_dir()

    backup = tmp_path / "backup"
    out = io.StringIO()
    call_command("backup_create", str(backup), stdout=out)
    assert f"Backup written to {backup}: the database and 5 files" in out.getvalue()

    values = connection.settings_dict
    server = f"postgres://{values['USER']}@{values['HOST']}:{values['PORT']}"
    restored_media = tmp_path / "restored-media"
    fresh_database = new_database()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "REDIS_URL"))},
        "DJANGO_ENV": "test",
        "DATABASE_URL": f"{server}/{fresh_database}",
        "PGPASSWORD": values["PASSWORD"] or "",
        "EVIDENCE_STORAGE": "local",
        "MEDIA_ROOT": str(restored_media),
        "EVIDENCE_QUARANTINE_DIR": str(tmp_path / "restored-quarantine"),
        "ASSURANCE_SIGNING_KEY": KEY,
        "CLAMD_ADDRESS": "",
    }
    restored = manage("backup_restore", str(backup), env=env)
    assert restored.returncode == 0, restored.stderr
    assert "Restored from" in restored.stdout and "5 files" in restored.stdout

    # The audit chain: intact, and as signed by the checkpoint the backup brought with it.
    verified = manage("audit_verify", env=env)
    assert verified.returncode == 0, verified.stderr
    assert "Checked against 1 checkpoints" in verified.stdout
    assert "Audit chain intact" in verified.stdout

    # Every evidence file: the restored bytes hash to the row's SHA-256, in both databases.
    for row in evidence:
        assert sha256_of(restored_media / row.storage_name) == row.sha256, row.storage_name
    restored_rows = rows_in(
        fresh_database,
        "SELECT storage_name, sha256 FROM evidence_evidencefile"
        " WHERE scan_status IN ('clean', 'not_scanned')",
    )
    assert sorted(restored_rows) == sorted((row.storage_name, row.sha256) for row in evidence)
    for storage_name, sha256 in restored_rows:
        assert sha256_of(restored_media / storage_name) == sha256

    # The same applications, in the same states, read from each database and on the pages.
    assert sorted(
        rows_in(fresh_database, "SELECT reference, stage2_state FROM applications_application")
    ) == sorted(Application.objects.values_list("reference", "stage2_state"))
    pages_before = manage(
        "shell",
        "-c",
        PAGES,
        env={**env, "DATABASE_URL": f"{server}/{values['NAME']}", "MEDIA_ROOT": str(storage)},
    )
    pages_after = manage("shell", "-c", PAGES, env=env)
    assert pages_before.returncode == 0, pages_before.stderr
    assert pages_after.returncode == 0, pages_after.stderr
    assert pages_after.stdout == pages_before.stdout
    # Each application on its organisation's list, in its state, as it was before the backup.
    organisation_page = pages_after.stdout.split("\f")[0]
    listed = {line.split("\t")[0]: line for line in organisation_page.splitlines() if "\t" in line}
    for application in Application.objects.all():
        label = (
            "In progress"
            if application.stage2_state == Stage2State.DRAFT
            else Stage2State(application.stage2_state).label
        )
        assert f"Status {label}" in listed[f"Reference {application.reference}"]

    # Refused: a second restore into the now full database, and a backup whose file was changed.
    again = manage("backup_restore", str(backup), env=env)
    assert again.returncode != 0 and "The database is not empty" in again.stderr
    changed = tmp_path / "changed"
    shutil.copytree(backup, changed)
    victim = changed / "files" / evidence[0].storage_name
    victim.write_bytes(victim.read_bytes() + b"x")
    refused = manage("backup_restore", str(changed), env=env)
    assert refused.returncode != 0
    assert f"{evidence[0].storage_name}: the backup's copy differs from the manifest" in (
        refused.stderr
    )

    # Refused after the database is restored: an accepted evidence row whose file is not there.
    missing = tmp_path / "missing"
    shutil.copytree(backup, missing)
    manifest = json.loads((missing / "manifest.json").read_text())
    manifest["files"] = [f for f in manifest["files"] if f["key"] != evidence[1].storage_name]
    (missing / "manifest.json").write_text(json.dumps(manifest))
    (missing / "files" / evidence[1].storage_name).unlink()
    incomplete = manage(
        "backup_restore",
        str(missing),
        env={
            **env,
            "DATABASE_URL": f"{server}/{new_database()}",
            "MEDIA_ROOT": str(tmp_path / "incomplete-media"),
        },
    )
    assert incomplete.returncode != 0
    assert f"{evidence[1].storage_name}: the evidence row's file is missing" in incomplete.stderr
