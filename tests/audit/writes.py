"""Which of the project's tables each request wrote, and whether it wrote an audit entry too.

Nothing that changes state happens without an audit entry (ADR 0003, ADR 0009). This records,
through `connection.execute_wrapper` (in the tests only: production has no such hook), every
INSERT, UPDATE and DELETE a request sends to the database, and calls a request that wrote to one
of the project's own tables but wrote no `AuditEntry` an unaudited write.

`audit_every_request()` wraps the test client's requests: tests/conftest.py turns it on for the
journey tests, and `tests/audit/test_every_write_is_audited.py` proves it can fail.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.db import connections

REPOSITORY = Path(__file__).resolve().parents[2]
AUDIT_TABLE = "audit_auditentry"

# Tables a request may write without an audit entry, and why. Everything else of the project's
# own is state that needs one.
EXEMPT: dict[str, str] = {
    "audit_auditchainhead": "the chain's own bookkeeping, moved with every audit entry",
    "api_apirequestcount": (
        "the API's rate limit: a count of a token's requests this minute, moved by every "
        "request (ADR 0024); nothing a person did"
    ),
    "operations_jobrun": (
        "when a daily job last ran, for the metrics endpoint (ADR 0040): operational state, "
        "not a change anyone made; the job's own changes are audited"
    ),
    "accounts_sessioneviction": (
        "a session ended while Redis was unreachable, kept until its copy is deleted from Redis "
        "(ADR 0027, amended): the session store's bookkeeping, like Django's own session table; "
        "the sign-out that ended it is audited"
    ),
    "notifications_notification": (
        "the outbox: queued in the transaction of the audited change it tells people about, then "
        "marked sent, retried or failed by the sending task; the change itself is audited"
    ),
}

WRITE = re.compile(
    r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([A-Za-z0-9_]+)"?', re.IGNORECASE
)


def project_tables() -> set[str]:
    """The tables of the project's own apps (not Django's, nor third parties')."""
    return {
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if Path(model._meta.app_config.path).resolve().is_relative_to(REPOSITORY)
        and ".venv" not in Path(model._meta.app_config.path).parts
    }


@dataclass
class Writes:
    tables: list[str] = field(default_factory=list)

    def record(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any):
        if match := WRITE.match(sql):
            self.tables.append(match.group(1))
        return execute(sql, params, many, context)

    def unaudited(self, project: set[str]) -> set[str]:
        """The project's tables written, when no audit entry was: empty if all is well."""
        if AUDIT_TABLE in self.tables:
            return set()
        return {t for t in self.tables if t in project and t not in EXEMPT}


@contextmanager
def recording_writes() -> Iterator[Writes]:
    writes = Writes()
    with connections["default"].execute_wrapper(writes.record):
        yield writes


@dataclass
class UnauditedWrite:
    method: str
    path: str
    tables: set[str]

    def __str__(self) -> str:
        return f"{self.method} {self.path} wrote {sorted(self.tables)} with no audit entry"


@contextmanager
def audit_every_request() -> Iterator[list[UnauditedWrite]]:
    """Record each request the test client makes; yield the list of unaudited ones, filled in
    as the test runs."""
    from django.test.client import Client

    found: list[UnauditedWrite] = []
    project = project_tables()
    original = Client.request

    def request(self: Client, **environ: Any) -> Any:
        with recording_writes() as writes:
            response = original(self, **environ)
        if tables := writes.unaudited(project):
            found.append(UnauditedWrite(environ["REQUEST_METHOD"], environ["PATH_INFO"], tables))
        return response

    Client.request = request  # type: ignore[method-assign]
    try:
        yield found
    finally:
        Client.request = original  # type: ignore[method-assign]
