"""Database triggers that make a table append-only, for migrations to create.

The same SQL that ADR 0005 wrote out for the audit log and the Stage 2 transitions: every
UPDATE and DELETE is refused (and TRUNCATE on PostgreSQL), however it arrives. Migrations call
``append_only(table, message)``; the SQL must never change, because migrations that ran with it
are not run again. A different trigger is a new function here, not an edit of this one."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def _postgresql(table: str, message: str) -> list[str]:
    return [
        f"""
        CREATE FUNCTION {table}_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '{message}: % refused', TG_OP USING ERRCODE = 'restrict_violation';
        END;
        $$
        """,
        f"""
        CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
        FOR EACH ROW EXECUTE FUNCTION {table}_refuse_change()
        """,
        f"""
        CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
        FOR EACH STATEMENT EXECUTE FUNCTION {table}_refuse_change()
        """,
    ]


def _postgresql_reverse(table: str) -> list[str]:
    return [
        f"DROP TRIGGER {table}_no_truncate ON {table}",
        f"DROP TRIGGER {table}_append_only ON {table}",
        f"DROP FUNCTION {table}_refuse_change()",
    ]


def _sqlite(table: str, message: str) -> list[str]:
    return [
        f"""
        CREATE TRIGGER {table}_no_{operation.lower()} BEFORE {operation} ON {table}
        BEGIN SELECT RAISE(ABORT, '{message}: {operation} refused'); END
        """
        for operation in ("UPDATE", "DELETE")
    ]


def _sqlite_reverse(table: str) -> list[str]:
    return [f"DROP TRIGGER {table}_no_{operation}" for operation in ("update", "delete")]


def _run(statements_by_vendor: dict[str, list[str]]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        vendor = schema_editor.connection.vendor
        if vendor not in statements_by_vendor:
            raise NotImplementedError(f"No append-only triggers written for {vendor}")
        for statement in statements_by_vendor[vendor]:
            # No parameters, so a driver leaves PL/pgSQL's own % placeholders alone.
            schema_editor.execute(statement, params=None)

    return run


def append_only(table: str, message: str) -> migrations.RunPython:
    """A migration operation that makes ``table`` append-only, and its reverse."""
    return migrations.RunPython(
        _run({"postgresql": _postgresql(table, message), "sqlite": _sqlite(table, message)}),
        _run({"postgresql": _postgresql_reverse(table), "sqlite": _sqlite_reverse(table)}),
    )


def append_only_lifted(table: str, message: str) -> migrations.RunPython:
    """The reverse of ``append_only``: drops the triggers, and creates them again on reversal.

    For a migration that must rewrite existing rows itself (audit 0004 chains the existing
    entries); that migration, or a later one in the same run, applies ``append_only`` again."""
    return migrations.RunPython(
        _run({"postgresql": _postgresql_reverse(table), "sqlite": _sqlite_reverse(table)}),
        _run({"postgresql": _postgresql(table, message), "sqlite": _sqlite(table, message)}),
    )
