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
from applications.services import stage2_transition
from applications.states import Stage2State
from audit.models import AuditEntry


@pytest.fixture
def history(applicant, member):
    """An application with at least one audit entry and one Stage 2 transition."""
    application = Application.objects.get()
    stage2_transition(
        application=application,
        to_state=Stage2State.WITHDRAWN,
        actor=member,
        reason="No longer needed",
    )
    assert AuditEntry.objects.exists()
    assert Stage2Transition.objects.exists()
    return application


TABLES = [
    pytest.param(AuditEntry, "action", "Audit entries are append-only", id="audit"),
    pytest.param(
        Stage2Transition, "reason", "Stage 2 transitions are append-only", id="transitions"
    ),
]


def refused(message, attempt):
    with pytest.raises(IntegrityError, match=message), transaction.atomic():
        attempt()


def snapshot(model):
    return list(model.objects.order_by("pk").values())


@pytest.mark.parametrize(("model", "column", "message"), TABLES)
def test_a_queryset_cannot_update_or_delete(history, model, column, message):
    before = snapshot(model)
    refused(message, lambda: model.objects.update(**{column: "rewritten"}))
    refused(message, lambda: model.objects.filter(pk=before[0]["id"]).update(**{column: "x"}))
    refused(message, lambda: model.objects.all().delete())
    refused(message, lambda: model.objects.filter(pk=before[0]["id"]).delete())
    assert snapshot(model) == before


@pytest.mark.parametrize(("model", "column", "message"), TABLES)
def test_raw_sql_cannot_update_or_delete(history, model, column, message):
    before = snapshot(model)
    table = connection.ops.quote_name(model._meta.db_table)
    column = connection.ops.quote_name(column)

    def run(sql, params=()):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)

    refused(message, lambda: run(f"UPDATE {table} SET {column} = %s", ["rewritten"]))
    refused(message, lambda: run(f"DELETE FROM {table} WHERE id = %s", [before[0]["id"]]))
    refused(message, lambda: run(f"DELETE FROM {table}"))
    if connection.vendor == "postgresql":  # SQLite has no TRUNCATE
        # Check the deferred foreign keys now: TRUNCATE refuses to run past pending checks.
        run("SET CONSTRAINTS ALL IMMEDIATE")
        refused(message, lambda: run(f"TRUNCATE {table} CASCADE"))
    assert snapshot(model) == before


@pytest.mark.parametrize(("model", "column", "message"), TABLES)
def test_adding_rows_still_works(history, model, column, message):
    count = model.objects.count()
    if model is AuditEntry:
        AuditEntry.objects.create(action="test.append", object_type="test", object_id="1")
    else:
        Stage2Transition.objects.create(
            application=history, from_state="withdrawn", to_state="withdrawn", reason="Again"
        )
    assert model.objects.count() == count + 1


def test_a_transition_cannot_be_deleted_through_its_instance(history):
    transition = Stage2Transition.objects.get()
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

    AuditEntry.objects.create(action="test.append", object_type="test", object_id="1")
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEntry.objects.exists()

    AuditEntry.objects.create(action="test.append", object_type="test", object_id="2")
    refused("Audit entries are append-only", lambda: AuditEntry.objects.all().delete())
    assert AuditEntry.objects.count() == 1
