"""Tampering with the audit log, for the tests: one statement run with the append-only triggers
off, on either database, and on again before it returns.

This is what someone with direct database access could do; the chain must show it afterwards.
Production code has no such switch (ADR 0005)."""

from __future__ import annotations

from django.db import connection

TABLE = "audit_auditentry"


def run_with_triggers_off(sql: str, params: list | tuple = ()) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # ALTER TABLE refuses to run past pending deferred foreign-key checks.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER USER")
            try:
                cursor.execute(sql, params)
            finally:
                cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER USER")
        elif connection.vendor == "sqlite":
            cursor.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [TABLE]
            )
            triggers = [sql for (sql,) in cursor.fetchall()]
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [TABLE]
            )
            for (name,) in cursor.fetchall():
                cursor.execute(f"DROP TRIGGER {name}")
            try:
                cursor.execute(sql, params)
            finally:
                for trigger in triggers:
                    cursor.execute(trigger)
        else:
            raise NotImplementedError(connection.vendor)
