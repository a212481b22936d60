import os
from datetime import date
from pathlib import Path

import pytest

DEFINITION_PATH = (
    Path(__file__).resolve().parent.parent / "questionnaire/definitions/stage2-v1.yaml"
)
TODAY = date(2026, 11, 27)
PASSWORD = "Correct-Horse-Battery-9"


def missing_prerequisite(message: str) -> None:
    """Skip a test whose prerequisite is missing here; under CI=true, where it never is, fail."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Under CI=true a skipped test fails the run: a missing browser or service is a failure."""
    if os.environ.get("CI", "").lower() != "true":
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped:
        reporter.write_line(f"CI=true: {len(skipped)} test(s) skipped; failing the run", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(scope="session", autouse=True)
def _passwords_hashed_cheaply():
    """Argon2 at its lowest cost for the whole suite (tests/hashers.py); production's hashers
    stay listed after it, so a hash made at full cost is still checked."""
    from django.conf import settings
    from django.test import override_settings

    hashers = ["tests.hashers.CheapArgon2PasswordHasher", *settings.PASSWORD_HASHERS]
    with override_settings(PASSWORD_HASHERS=hashers):
        yield


@pytest.fixture(scope="session", autouse=True)
def _flush_steps_round_the_append_only_triggers():
    """Let the suite's flush empty the append-only tables, and only the suite's.

    Transactional and live-server tests end with Django's flush: DELETE FROM on SQLite and
    TRUNCATE on PostgreSQL, both of which the append-only triggers refuse (as they should in
    production: `manage.py flush` must not erase the audit log). Inside the flush's own
    transaction this drops the triggers on SQLite and re-creates them from their stored SQL, or
    disables and re-enables them on PostgreSQL, so the tables are guarded again before it commits.
    The bypass lives here, in the tests, so production code has none."""
    from django.db import connections

    with pytest.MonkeyPatch.context() as patch:
        for ops in {type(connection.ops) for connection in connections.all()}:
            patch.setattr(ops, "sql_flush", _around_triggers(ops.sql_flush))
        yield


def _around_triggers(sql_flush):
    def flush_around_triggers(self, style, tables, **kwargs):
        statements = sql_flush(self, style, tables, **kwargs)
        if not statements:
            return statements
        quote = self.quote_name
        with self.connection.cursor() as cursor:
            if self.connection.vendor == "sqlite":
                cursor.execute("SELECT name, tbl_name, sql FROM sqlite_master WHERE type='trigger'")
                triggers = [(n, sql) for n, table, sql in cursor.fetchall() if table in tables]
                before = [f"DROP TRIGGER {quote(name)};" for name, _ in triggers]
                after = [f"{sql};" for _, sql in triggers]
            elif self.connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT DISTINCT c.relname FROM pg_trigger t"
                    " JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal"
                )
                guarded = sorted(name for (name,) in cursor.fetchall() if name in tables)
                before = [f"ALTER TABLE {quote(t)} DISABLE TRIGGER USER;" for t in guarded]
                after = [f"ALTER TABLE {quote(t)} ENABLE TRIGGER USER;" for t in guarded]
            else:
                raise NotImplementedError(self.connection.vendor)
        return [*before, *statements, *after]

    return flush_around_triggers


@pytest.fixture(scope="session")
def definition():
    from questionnaire.engine.loader import load_definition

    return load_definition(DEFINITION_PATH)


@pytest.fixture(scope="module")
def fake_s3():
    """A fake S3's endpoint URL: moto's server on 127.0.0.1, answering real S3 HTTP requests,
    for the tests that store through S3 as production does (evidence, audit checkpoints)."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture
def administrator(db):
    """An NHS England administrator, for the administration pages' tests (accounts, ODS,
    questionnaire versions)."""
    from accounts.models import UserKind
    from accounts.services import user_create

    return user_create(
        email="admin@england.example",
        password=PASSWORD,
        kind=UserKind.ADMINISTRATOR,
        full_name="Alan Admin",
        actor=None,
    )


@pytest.fixture
def client_admin(administrator):
    from tests.web.conftest import signed_in

    return signed_in(administrator)


@pytest.fixture
def fixed_today(monkeypatch):
    """Pin the service's idea of today, so DSPT currency is deterministic."""
    from questionnaire import definitions

    monkeypatch.setattr(definitions, "today", lambda: TODAY)
    return TODAY


@pytest.fixture(autouse=True)
def _fragments_from_this_test_only():
    """Rendered fragments (ADR 0027) live in this process's memory; a test that changes a
    definition's file in place must not be shown what an earlier test rendered."""
    from django.core.cache import caches

    caches["default"].clear()
    yield


@pytest.fixture(autouse=True)
def _every_request_that_writes_is_audited(request):
    """Nothing changes state without an audit entry (ADR 0009): every request the test client
    makes, in every test of the suite, is watched (tests/audit/writes.py), and a request that
    wrote one of the project's tables but no audit entry fails the test that made it. A test
    that writes unaudited on purpose says so with the `writes_unaudited` marker."""
    if request.node.get_closest_marker("writes_unaudited"):
        yield
        return
    from tests.audit.writes import audit_every_request

    with audit_every_request() as found:
        yield
    if found:
        pytest.fail("Unaudited writes: " + "; ".join(str(write) for write in found))


@pytest.fixture(autouse=True)
def _no_page_shows_markup_as_text(request):
    """No page shows markup, an escaped entity or an internal question id as text (issue 23):
    every HTML page the test client is given, in every test of the suite, is read as a browser
    shows it (tests/visible_check.py). What the test typed may be shown as typed; text it put in
    by other means is declared with `@pytest.mark.shows_typed_text("…")`."""
    from tests.visible_check import watch_pages

    typed = tuple(
        text for marker in request.node.iter_markers("shows_typed_text") for text in marker.args
    )
    with watch_pages(typed) as watch:
        yield
    if found := list(watch.found.values()):
        pytest.fail(
            "Pages show what a person should not see:\n"
            + "\n".join(str(finding) for finding in found[:20])
            + (f"\n… and {len(found) - 20} more" if len(found) > 20 else "")
        )


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """With VISIBLE_TEXT_TIMING=1, what the visible-text check cost this run."""
    if os.environ.get("VISIBLE_TEXT_TIMING") != "1":
        return
    from tests.visible_check import COST

    terminalreporter.write_line(
        f"visible-text check: {COST['pages']} pages read in {COST['seconds']:.1f} s of CPU"
    )
