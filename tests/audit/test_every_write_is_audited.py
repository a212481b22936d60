"""The check that every request which writes the project's tables writes an audit entry too
(tests/audit/writes.py, on for the journey tests through tests/conftest.py) can fail."""

import pytest
from django.test import Client

from tests.audit.writes import EXEMPT, audit_every_request, project_tables, recording_writes

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.urls("tests.audit.unaudited_urls"),
    # The suite-wide check (tests/conftest.py) is off here: these pages write unaudited on purpose.
    pytest.mark.writes_unaudited,
]


def test_a_page_that_writes_without_an_audit_entry_is_caught():
    with audit_every_request() as found:
        Client().post("/unaudited")
    assert [str(w) for w in found] == [
        "POST /unaudited wrote ['accounts_organisation'] with no audit entry"
    ]


def test_a_page_that_writes_through_a_service_passes():
    with audit_every_request() as found:
        assert Client().post("/audited").status_code == 200
    assert found == []


def test_a_page_that_writes_only_its_session_passes():
    with audit_every_request() as found:
        assert Client().get("/session").status_code == 200
    assert found == []


def test_writes_are_read_from_the_sql_sent():
    from accounts.models import Organisation

    with recording_writes() as writes:
        organisation = Organisation.objects.create(name="Raw Ltd", ods_code="RW1")
        Organisation.objects.filter(pk=organisation.pk).update(name="Raw Two Ltd")
        Organisation.objects.filter(pk=organisation.pk).delete()
    assert writes.tables == ["accounts_organisation"] * 3
    assert writes.unaudited(project_tables()) == {"accounts_organisation"}


def test_the_exemptions_are_project_tables_each_with_a_reason():
    assert set(EXEMPT) <= project_tables()
    assert all(reason.strip() for reason in EXEMPT.values())
    assert "audit_auditentry" not in EXEMPT
    assert "django_session" not in project_tables()
