"""The audit log and the Stage 2 transitions are append-only in the database itself.

The models refuse save() and delete() on an instance, but a QuerySet's update() and delete(), or
raw SQL, go straight to the database. Triggers there refuse every UPDATE and DELETE, whichever
way it arrives. Each attempt runs in its own savepoint: on PostgreSQL a refused statement aborts
the transaction around it.
"""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models.deletion import ProtectedError

from applications.models import Application, Stage2Transition
from audit.models import AuditEntry
from audit.services import append_entry
from questionnaire.models import AnswerRevision
from tests.attestations.support import attest_all
from workflow.models import ChangeRequestItem, ReviewerAssignment, StageCompletion, Submission


@pytest.fixture
def history(applicant, member, reviewer):
    """An application with a row in every append-only table: submitted, reviewed, changes
    requested, resubmitted, approved and its stage 3 completed."""
    from tests.answer_sets import SUPPLIER
    from workflow.decisions import review

    applicant.answer_all(SUPPLIER)
    applicant.submit()
    application = Application.objects.get()

    def decide(decision, **kwargs):
        application.refresh_from_db()
        decision(
            application=application,
            actor=reviewer,
            expected_version=application.stage2_version,
            **kwargs,
        )

    decide(review.review_start)
    decide(review.changes_request, comments={"s_cso": "Add the registration body."})
    applicant.answer("s_cso", {"answer": "Dr Ada Lovelace, GMC 1234567"})
    applicant.answer("s_cso", {"answer": "Dr Ada Lovelace, GMC 1234567, UK CSO register"})
    applicant.submit()
    decide(review.review_start)
    attest_all(application)
    decide(review.stage2_approve)
    decide(review.stage_complete, stage=3, note="HCID issued")
    for model in (
        AuditEntry,
        Stage2Transition,
        AnswerRevision,
        Submission,
        ReviewerAssignment,
        ChangeRequestItem,
        StageCompletion,
    ):
        assert model.objects.exists(), model
    return application


TABLES = [
    pytest.param(AuditEntry, "action", "rewritten", "Audit entries are append-only", id="audit"),
    pytest.param(
        Stage2Transition,
        "reason",
        "rewritten",
        "Stage 2 transitions are append-only",
        id="transitions",
    ),
    pytest.param(
        AnswerRevision, "wording", "rewritten", "Answer revisions are append-only", id="revisions"
    ),
    pytest.param(Submission, "sha256", "0" * 64, "Submissions are append-only", id="submissions"),
    pytest.param(
        ReviewerAssignment,
        "previous_reviewer_id",
        None,
        "Reviewer assignments are append-only",
        id="assignments",
    ),
    pytest.param(
        ChangeRequestItem,
        "comment",
        "rewritten",
        "Change request comments are append-only",
        id="comments",
    ),
    pytest.param(
        StageCompletion, "note", "rewritten", "Stage completions are append-only", id="stages"
    ),
]


def refused(message, attempt, *, or_protected=False):
    """The database refuses with the table's message; or, where other rows point at this one
    (or_protected), Django refuses first to delete what they protect."""
    with pytest.raises((IntegrityError, ProtectedError)) as error, transaction.atomic():
        attempt()
    if not (or_protected and error.type is ProtectedError):
        assert error.type is IntegrityError and message in str(error.value), error.value


def snapshot(model):
    return list(model.objects.order_by("pk").values())


@pytest.mark.parametrize(("model", "column", "value", "message"), TABLES)
def test_a_queryset_cannot_update_or_delete(history, model, column, value, message):
    before = snapshot(model)
    refused(message, lambda: model.objects.update(**{column: value}))
    refused(message, lambda: model.objects.filter(pk=before[0]["id"]).update(**{column: value}))
    refused(message, lambda: model.objects.all().delete(), or_protected=True)
    refused(message, lambda: model.objects.filter(pk=before[0]["id"]).delete(), or_protected=True)
    assert snapshot(model) == before


@pytest.mark.parametrize(("model", "column", "value", "message"), TABLES)
def test_raw_sql_cannot_update_or_delete(history, model, column, value, message):
    before = snapshot(model)
    table = connection.ops.quote_name(model._meta.db_table)
    column = connection.ops.quote_name(column)

    def run(sql, params=()):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)

    refused(message, lambda: run(f"UPDATE {table} SET {column} = %s", [value]))
    key = model._meta.pk.get_db_prep_value(before[0]["id"], connection)
    refused(message, lambda: run(f"DELETE FROM {table} WHERE id = %s", [key]))
    refused(message, lambda: run(f"DELETE FROM {table}"))
    if connection.vendor == "postgresql":  # SQLite has no TRUNCATE
        # Check the deferred foreign keys now: TRUNCATE refuses to run past pending checks.
        run("SET CONSTRAINTS ALL IMMEDIATE")
        refused(message, lambda: run(f"TRUNCATE {table} CASCADE"))
    assert snapshot(model) == before


@pytest.mark.parametrize("model", [AuditEntry, Stage2Transition])
def test_adding_rows_still_works(history, model):
    count = model.objects.count()
    if model is AuditEntry:
        append_entry(actor=None, action="test.append", object_type="test", object_id="1")
    else:
        Stage2Transition.objects.create(
            application=history, from_state="approved", to_state="approved", reason="Again"
        )
    assert model.objects.count() == count + 1


def test_a_transition_cannot_be_deleted_through_its_instance(history):
    transition = Stage2Transition.objects.first()
    with pytest.raises(ValueError, match="append-only"):
        transition.delete()
    assert Stage2Transition.objects.filter(pk=transition.pk).exists()


def test_an_application_with_history_cannot_be_deleted(history):
    with pytest.raises(ProtectedError), transaction.atomic():
        history.delete()
    assert Application.objects.filter(pk=history.pk).exists()
    assert Stage2Transition.objects.filter(application=history).exists()


def test_the_test_suites_flush_empties_the_tables_and_keeps_them_guarded(transactional_db):
    """Between transactional tests (and live-server system tests) Django flushes every table.
    The suite's flush steps round the triggers for that one statement and puts them back."""
    from django.core.management import call_command

    append_entry(actor=None, action="test.append", object_type="test", object_id="1")
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEntry.objects.exists()

    append_entry(actor=None, action="test.append", object_type="test", object_id="2")
    refused("Audit entries are append-only", lambda: AuditEntry.objects.all().delete())
    assert AuditEntry.objects.count() == 1
