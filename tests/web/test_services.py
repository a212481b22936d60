import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Membership, Organisation, User
from applications.models import Application, Stage2Transition
from applications.states import Stage2State
from audit.models import AuditEntry
from tests.conftest import DEFINITION_PATH
from workflow.state_machine.transitions import TransitionNotAllowed, stage2_transition


def test_transitions_are_append_only_and_audited(applicant, member):
    application = Application.objects.get()
    stage2_transition(
        application=application,
        to_state=Stage2State.WITHDRAWN,
        actor=member,
        reason="No longer needed",
    )
    transition = Stage2Transition.objects.get()
    assert (transition.from_state, transition.to_state, transition.actor, transition.reason) == (
        "draft",
        "withdrawn",
        member,
        "No longer needed",
    )
    with pytest.raises(ValueError, match="append-only"):
        transition.save()
    entry = AuditEntry.objects.get(action="application.stage2_transition")
    assert entry.before == {"state": "draft"}
    assert entry.after == {"state": "withdrawn", "reason": "No longer needed"}


@pytest.mark.parametrize(
    ("start", "target"),
    [
        ("draft", "approved"),
        ("draft", "in_review"),
        ("withdrawn", "draft"),
        ("approved", "draft"),
        ("submitted", "draft"),
    ],
)
def test_transitions_not_in_the_state_machine_are_refused(applicant, start, target):
    application = Application.objects.get()
    application.stage2_state = start
    with pytest.raises(TransitionNotAllowed):
        stage2_transition(application=application, to_state=target, actor=None, reason="test")
    assert not Stage2Transition.objects.exists()


def test_audit_entries_cannot_be_changed_or_deleted(applicant):
    entry = AuditEntry.objects.first()
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(ValueError):
        entry.delete()


def test_starting_an_application_pins_the_questionnaire_version(applicant, member):
    application = Application.objects.get()
    response = application.stage2_response
    assert (response.definition_id, response.definition_version) == (
        "nir-stage2-governance-assurance",
        1,
    )
    assert application.organisation == member.membership.organisation
    assert application.reference.startswith("NIR-")
    assert AuditEntry.objects.filter(
        action="application.create", object_id=str(application.pk)
    ).exists()


def test_start_needs_a_scope(client_member):
    response = client_member.post("/applications/start", {"scope": "everything"})
    assert response.status_code == 400
    assert "Select the NIR integration scope you are onboarding for" in response.content.decode()
    assert not Application.objects.exists()


def test_ods_codes_are_validated(db):
    from django.core.exceptions import ValidationError

    from accounts.services import organisation_create

    for bad in ["AB", "ABCDEFGHIJK", "rx-1"]:
        with pytest.raises(ValidationError):
            organisation_create(name="Bad", ods_code=bad, actor=None)
    assert organisation_create(name="Fine", ods_code="rxx01", actor=None).ods_code == "RXX01"


def test_seed_demo_is_idempotent(db):
    call_command("seed_demo")
    call_command("seed_demo")
    assert sorted(Organisation.objects.values_list("ods_code", flat=True)) == ["8JD29", "RXX"]
    assert User.objects.count() == 4
    assert (
        Membership.objects.get(user__email="supplier@example.com").organisation.name
        == "Demo Imaging Systems Ltd"
    )
    assert User.objects.get(email="trust@example.com").check_password("Onboard-Demo-2026")
    assert not Application.objects.exists()


def test_seed_demo_refuses_in_production(db, settings):
    settings.IS_PRODUCTION = True
    with pytest.raises(CommandError, match="development only"):
        call_command("seed_demo")
    assert not User.objects.exists()


def manage_py_check(questionnaire_dir):
    """Start the real app, AppConfig.ready and all, as `manage.py check` does."""
    repository = Path(__file__).resolve().parents[2]
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=repository,
        env={**os.environ, "DJANGO_ENV": "test", "QUESTIONNAIRE_DIR": str(questionnaire_dir)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_broken_definition_stops_start_up(tmp_path):
    shutil.copy(DEFINITION_PATH, tmp_path / DEFINITION_PATH.name)
    # The same directory with nothing broken starts: the failure below is the definition's.
    healthy = manage_py_check(tmp_path)
    assert healthy.returncode == 0, healthy.stderr

    text = DEFINITION_PATH.read_text(encoding="utf-8").replace("version: 1", "version: 2", 1)
    rule = "  - id: s_no_isms\n    outcome: block\n    question: s_isms\n"
    assert rule in text
    text = text.replace(rule, rule.replace("question: s_isms", "question: s_no_such_question"))
    (tmp_path / "stage2-v2.yaml").write_text(text, encoding="utf-8")

    broken = manage_py_check(tmp_path)
    assert broken.returncode != 0
    assert "stage2-v2.yaml" in broken.stderr
    assert "rule 's_no_isms' links to unknown question 's_no_such_question'" in broken.stderr
