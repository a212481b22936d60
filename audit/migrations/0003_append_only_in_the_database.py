"""Audit entries are append-only in the database itself, not only through the model.

Triggers refuse every UPDATE and DELETE (and TRUNCATE on PostgreSQL), however they arrive: a
QuerySet's update() or delete(), raw SQL, or a database shell. The SQL is written out here, not
imported, so this migration always creates what it created the day it was written. The test
suite's flush (between transactional tests) steps round the triggers: see tests/conftest.py.
"""

from django.db import migrations

TABLE = "audit_auditentry"
MESSAGE = "Audit entries are append-only"

POSTGRESQL = [
    f"""
    CREATE FUNCTION {TABLE}_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{MESSAGE}: % refused', TG_OP USING ERRCODE = 'restrict_violation';
    END;
    $$
    """,
    f"""
    CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION {TABLE}_refuse_change()
    """,
    f"""
    CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_refuse_change()
    """,
]
POSTGRESQL_REVERSE = [
    f"DROP TRIGGER {TABLE}_no_truncate ON {TABLE}",
    f"DROP TRIGGER {TABLE}_append_only ON {TABLE}",
    f"DROP FUNCTION {TABLE}_refuse_change()",
]
SQLITE = [
    f"""
    CREATE TRIGGER {TABLE}_no_{operation.lower()} BEFORE {operation} ON {TABLE}
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}: {operation} refused'); END
    """
    for operation in ("UPDATE", "DELETE")
]
SQLITE_REVERSE = [f"DROP TRIGGER {TABLE}_no_{operation}" for operation in ("update", "delete")]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor not in statements_by_vendor:
            raise NotImplementedError(f"No append-only triggers written for {vendor}")
        for statement in statements_by_vendor[vendor]:
            # No parameters, so a driver leaves PL/pgSQL's own % placeholders alone.
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_entry_subject"),
    ]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE}),
        ),
    ]
