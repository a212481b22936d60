"""What anyone may cause without signing in is counted from the audit log on every such request
(audit/throttle.py: the sign-in lockout, password resets, anonymous entries), in a log that only
grows: the count reads the (action, at) index, not every entry. Checked on the query the
function runs, with the database's own plan, on whichever database the suite runs on."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.services import append_entry
from audit.throttle import audit_limit_reached


def test_the_count_of_recent_entries_of_an_action_reads_the_action_at_index(db):
    for n in range(50):
        append_entry(
            actor=None, action=f"test.other{n % 5}", object_type="test", object_id=str(n), after={}
        )
    with CaptureQueriesContext(connection) as captured:
        assert not audit_limit_reached(
            action="sign_in.failed", limit=5, window=timedelta(minutes=15), email="a@example.com"
        )
    [query] = [q["sql"] for q in captured.captured_queries if "audit_auditentry" in q["sql"]]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Fifty rows are few enough to scan whole: ask what it would use were they many.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {query}")
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {query}")
        plan = "\n".join(str(row) for row in cursor.fetchall())
    assert "audit_action_at" in plan, plan
