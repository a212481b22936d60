"""The audit log for administrators (issue 26; ADR 0039): newest first, paged, each filter
narrowing the list, an entry on its own page in words, the filtered list as CSV with formulas
escaped, and the last `manage.py audit_verify` run on the administration home."""

import csv
import io
from datetime import UTC, datetime

import pytest
from django.core.management import CommandError, call_command

from accounts.audit_log import PER_PAGE
from accounts.models import ChainCheck, UserKind
from accounts.services import organisation_create, user_create
from applications.models import Application
from audit.models import AuditEntry
from audit.services import Auditor
from tests.conftest import PASSWORD
from tests.web.conftest import make_member, signed_in

from .support import text_of


def on_day(day):
    """The audit log's clock on a day of March 2026, for the entries written meanwhile."""
    from django.utils import timezone

    patch = pytest.MonkeyPatch()
    patch.setattr(timezone, "now", lambda: datetime(2026, 3, day, 12, tzinfo=UTC))
    return patch


@pytest.fixture
def log(db, administrator):
    """Two organisations, a member of each, and entries by each on known days."""
    northern = organisation_create(name="Northern Imaging", ods_code="RNI", actor=None)
    southern = organisation_create(name="Southern Imaging", ods_code="RSI", actor=None)
    grace = make_member(northern, "grace@northern.example")
    grace.full_name = "Grace Hopper"
    grace.save()
    ada = make_member(southern, "ada@southern.example")
    application = Application.objects.create(
        organisation=northern, role="supplier", created_by=grace
    )
    written = [
        (3, grace, "hazard.add", grace, northern, None, {"title": "Late images"}),
        (
            10,
            ada,
            "membership.remove",
            ada,
            southern,
            {"is_lead": True, "organisation": southern.pk},
            {"is_lead": False},
        ),
        (20, grace, "application.create", application, northern, None, None),
        (25, ada, "organisation.rename", southern, southern, None, {"name": "=HYPERLINK(1)"}),
    ]
    entries = []
    for day, actor, action, obj, organisation, before, after in written:
        patch = on_day(day)
        try:
            entries.append(
                Auditor(actor).record(
                    action=action, obj=obj, organisation=organisation, before=before, after=after
                )
            )
        finally:
            patch.undo()
    return {
        "northern": northern,
        "southern": southern,
        "application": application,
        "entries": entries,
    }


def listed(client, **query):
    """The entry numbers the audit log page lists for the filters."""
    response = client.get("/administration/audit-log", query)
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    import re

    return [int(n) for n in re.findall(r'href="/administration/audit-log/(\d+)"', html)]


def numbers(log, *indexes):
    return [log["entries"][i].sequence for i in indexes]


def test_entries_are_listed_newest_first_and_paged(client_admin, log):
    everything = listed(client_admin)
    assert everything == sorted(everything, reverse=True)
    assert len(everything) == min(PER_PAGE, AuditEntry.objects.count())
    for _ in range(PER_PAGE):
        Auditor(None).record(action="test.write", obj=None)
    second = client_admin.get("/administration/audit-log", {"page": 2})
    assert "Next" in text_of(second) or "Previous" in text_of(second)


def test_who_narrows_to_their_entries_by_part_of_name_or_email(client_admin, log):
    assert listed(client_admin, who="grace hop") == numbers(log, 2, 0)
    assert listed(client_admin, who="ADA@south") == numbers(log, 3, 1)


def test_organisation_narrows_to_its_entries(client_admin, log):
    found = listed(client_admin, organisation=log["southern"].pk)
    assert numbers(log, 3, 1) == [n for n in found if n in numbers(log, 0, 1, 2, 3)]
    assert numbers(log, 0)[0] not in found and numbers(log, 2)[0] not in found


def test_application_narrows_to_the_entries_about_it(client_admin, log):
    reference = log["application"].reference
    assert listed(client_admin, application=reference.lower()) == numbers(log, 2)
    page = text_of(client_admin.get("/administration/audit-log", {"application": "NIR-NONE"}))
    assert "No entries match these filters" in page


def test_action_narrows_to_that_kind_of_entry(client_admin, log):
    assert listed(client_admin, action="membership.remove") == numbers(log, 1)
    page = text_of(client_admin.get("/administration/audit-log"))
    assert "Removed from an organisation" in page  # the action in words


def test_dates_narrow_to_the_days_between_them_inclusive(client_admin, log):
    days = {"from-day": "10", "from-month": "3", "from-year": "2026"}
    days |= {"to-day": "20", "to-month": "3", "to-year": "2026"}
    assert listed(client_admin, **days) == numbers(log, 2, 1)
    only_from = {"from-day": "21", "from-month": "3", "from-year": "2026"}
    assert numbers(log, 3)[0] in listed(client_admin, **only_from)
    assert numbers(log, 2)[0] not in listed(client_admin, **only_from)


def test_a_wrong_date_says_so_in_the_design_systems_words(client_admin, log):
    response = client_admin.get(
        "/administration/audit-log", {"from-day": "31", "from-month": "2", "from-year": "2026"}
    )
    assert response.status_code == 400
    assert "Date from must be a real date" in text_of(response)
    backwards = client_admin.get(
        "/administration/audit-log",
        {"from-day": "20", "from-month": "3", "from-year": "2026"}
        | {"to-day": "10", "to-month": "3", "to-year": "2026"},
    )
    assert "Date to must be the same as or after date from" in text_of(backwards)


def test_an_entry_opens_on_its_own_page_in_words(client_admin, log):
    entry = log["entries"][1]
    page = text_of(client_admin.get(f"/administration/audit-log/{entry.sequence}"))
    assert f"Audit entry {entry.sequence}" in page
    assert "What happened Removed from an organisation" in page
    assert "Who ada@southern.example" in page
    assert "Organisation Southern Imaging" in page
    assert "Onboarding lead Before Yes After No" in page  # before and after, in words
    assert "Organisation Before Southern Imaging After Not recorded" in page  # not its id
    assert "{" not in page and "is_lead" not in page
    assert client_admin.get("/administration/audit-log/999999").status_code == 404


def test_the_csv_has_the_filtered_rows_and_no_formula(client_admin, log):
    response = client_admin.get("/administration/audit-log.csv", {"who": "ada@"})
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][:4] == ["Entry", "When", "Who", "What happened"]
    assert [int(row[0]) for row in rows[1:]] == numbers(log, 3, 1)
    assert rows[1][6] == "Name: =HYPERLINK(1)"  # not at the start: no formula
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_a_cell_starting_like_a_formula_is_escaped(client_admin, log):
    plus = user_create(
        email="plus@england.example",
        password=PASSWORD,
        kind=UserKind.REVIEWER,
        full_name="+1-2",
        actor=None,
    )
    Auditor(plus).record(action="=cmd|' /C calc'!A0", obj=None)
    response = client_admin.get("/administration/audit-log.csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[1][2] == "'+1-2 (plus@england.example)"
    assert rows[1][3] == "'=cmd|' /c calc'!a0"
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_the_home_says_when_the_chain_was_never_checked(client_admin, db):
    page = text_of(client_admin.get("/administration"))
    assert "The audit log's hash chain has never been checked" in page


def test_the_home_shows_the_last_check_and_when(client_admin, log):
    call_command("audit_verify", stdout=io.StringIO())
    check = ChainCheck.objects.get()
    assert check.intact and check.entries == AuditEntry.objects.count()
    page = text_of(client_admin.get("/administration"))
    assert "The audit log's hash chain was whole when last checked" in page
    assert f"{check.entries:,} entries" in page


def test_the_home_shows_a_broken_chain(client_admin, log):
    from audit.chain import GENESIS
    from audit.models import AuditChainHead

    AuditChainHead.objects.filter(pk=1).update(sequence=1, hash=GENESIS)
    with pytest.raises(CommandError):
        call_command("audit_verify", stdout=io.StringIO())
    assert not ChainCheck.objects.get().intact
    page = text_of(client_admin.get("/administration"))
    assert "The audit log's hash chain was broken when last checked" in page


@pytest.mark.parametrize("kind", ["reviewer", "applicant"])
def test_no_reviewer_or_applicant_reads_the_audit_log(kind, log):
    someone = (
        user_create(email="r@england.example", password=PASSWORD, kind=kind, actor=None)
        if kind == "reviewer"
        else make_member(log["northern"], "m@northern.example")
    )
    client = signed_in(someone)
    entry = log["entries"][0].sequence
    for path in (
        "/administration/audit-log",
        "/administration/audit-log.csv",
        f"/administration/audit-log/{entry}",
    ):
        response = client.get(path)
        assert response.status_code in (403, 404), path
        assert b"Grace" not in response.content
