"""The ODS check (ADR 0017): creating an organisation and starting an application need an active
ODS code in the imported data, whose official name is used; with no ODS data, nothing is
checked and staff pages say so."""

import re

import pytest
from django.utils import timezone

from accounts.models import Invitation, Organisation
from applications.models import Application
from audit.models import AuditEntry
from tests.accounts.support import errors_on, text_of

from .files import ACTIVE, CLOSED, Org, import_bytes, ods_xml

NEW = "/administration/organisations/new"
KESTREL = Org("8JK01", "Kestrel Imaging Ltd", role="RO92")


@pytest.fixture
def ods(db):
    return import_bytes(
        ods_xml([ACTIVE, CLOSED, KESTREL], published="2026-11-01"),
        source="HSCOrgRefData_Full_20261101.xml",
    ).ods_import


def create(client, code, name="Typed Name Ltd"):
    return client.post(NEW, {"name": name, "ods_code": code, "lead_email": "lead@kestrel.example"})


def test_without_ods_data_nothing_is_checked_and_the_staff_pages_say_so(client_admin):  # noqa: F811
    for url in (NEW, "/administration"):
        page = text_of(client_admin.get(url))
        assert "No ODS data has been imported, so ODS codes are not checked" in page
    assert 'name="name"' in client_admin.get(NEW).content.decode()
    assert create(client_admin, "ZZZ99").status_code == 302
    assert Organisation.objects.get().name == "Typed Name Ltd"


def test_the_page_says_which_ods_data_it_checks_against_and_how_old_it_is(
    client_admin,  # noqa: F811
    ods,
):
    page = client_admin.get(NEW)
    assert 'name="name"' not in page.content.decode()
    words = text_of(page)
    assert (
        "ODS codes are checked against the ODS data from HSCOrgRefData_Full_20261101.xml, "
        "published on 1 November 2026 and imported on"
    ) in words
    assert f"({(timezone.localdate() - ods.published_on).days} days old)" in words
    assert "The organisation's name is taken from it" in words
    assert "No ODS data" not in text_of(client_admin.get("/administration"))


def test_the_name_is_filled_from_ods_data_whatever_is_typed(client_admin, ods):  # noqa: F811
    response = create(client_admin, "8jk01", name="Something Else")
    assert response.status_code == 302
    organisation = Organisation.objects.get()
    assert (organisation.name, organisation.ods_code) == ("Kestrel Imaging Ltd", "8JK01")
    entry = AuditEntry.objects.get(action="organisation.create")
    assert entry.after == {"name": "Kestrel Imaging Ltd", "ods_code": "8JK01"}


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("RZZ99", "Enter an ODS code from the ODS data: no organisation has the code RZZ99"),
        (
            "RCL",
            "Enter the ODS code of an open organisation: Closed Valley NHS Trust (RCL) is "
            "closed in the ODS data",
        ),
    ],
    ids=["unknown", "closed"],
)
def test_an_unknown_or_closed_code_is_refused_with_its_message(
    client_admin,  # noqa: F811
    ods,
    code,
    message,
):
    response = create(client_admin, code)
    assert response.status_code == 400
    assert errors_on(response) == [message]
    assert f'value="{code}"' in response.content.decode()
    assert not Organisation.objects.exists() and not Invitation.objects.exists()


def test_a_malformed_code_is_refused_for_its_format_before_ods_data_is_asked(
    client_admin,  # noqa: F811
    ods,
):
    response = create(client_admin, "R-1")
    assert errors_on(response) == [
        "ODS code must be 3 to 10 characters, using only upper-case letters and numbers"
    ]


# Starting an application: the applicant's organisation is checked (the fixture's is RNI).


def test_without_ods_data_an_application_starts_unchecked(client_member, organisation):
    page = client_member.get("/applications/start")
    assert 'data-testid="ods-data"' not in page.content.decode()
    assert client_member.post("/applications/start", {"scope": "both"}).status_code == 302
    assert Organisation.objects.get(pk=organisation.pk).name == "Northern Imaging Trust"


def test_an_application_starts_for_an_active_code_and_takes_the_renamed_official_name(
    client_member, organisation, member, ods
):
    words = text_of(client_member.get("/applications/start"))
    assert (
        "We check your organisation's ODS code, RNI, against the NHS Organisation Data Service "
        "(ODS) data NHS England imported on"
    ) in words
    # The file's name and its age are NHS England's to manage, not words for an applicant.
    assert "HSCOrgRefData" not in words and "days old" not in words
    response = client_member.post("/applications/start", {"scope": "both"})
    assert response.status_code == 302
    assert Application.objects.filter(organisation=organisation).count() == 1
    assert Organisation.objects.get(pk=organisation.pk).name == ACTIVE.name
    rename = AuditEntry.objects.get(action="organisation.rename")
    assert rename.actor == member
    assert (rename.before, rename.after) == (
        {"name": "Northern Imaging Trust"},
        {"name": ACTIVE.name, "from": "ODS data"},
    )
    client_member.post("/applications/start", {"scope": "consumer"})
    assert AuditEntry.objects.filter(action="organisation.rename").count() == 1


@pytest.mark.parametrize(
    ("listed", "message"),
    [
        (
            [CLOSED],
            "You cannot start an application: your organisation's ODS code, RNI, is not in "
            "the ODS data. Contact NHS England to correct your organisation's ODS code",
        ),
        (
            [Org("RNI", "Northern Imaging NHS Trust", active=False, end="2025-03-31")],
            "You cannot start an application: your organisation's ODS code, RNI, belongs to "
            "Northern Imaging NHS Trust, which is closed in the ODS data. Contact NHS England "
            "to correct your organisation's ODS code",
        ),
    ],
    ids=["unknown", "closed"],
)
def test_an_application_is_not_started_for_an_unknown_or_closed_code(
    client_member, organisation, listed, message
):
    import_bytes(ods_xml(listed))
    response = client_member.post("/applications/start", {"scope": "both"})
    assert response.status_code == 400
    assert f"There is a problem {message}" in text_of(response)
    assert not Application.objects.exists()
    assert Organisation.objects.get(pk=organisation.pk).name == "Northern Imaging Trust"


def test_the_administration_pages_say_what_ods_data_says_of_each_organisation(
    client_admin,  # noqa: F811
    organisation,
    other_organisation,
):
    page = text_of(client_admin.get(f"/administration/organisations/{organisation.pk}"))
    assert (
        "No ODS data has been imported, so this organisation's ODS code has not been checked"
        in page
    )
    closed_supplier = Org(other_organisation.ods_code, other_organisation.name, active=False)
    import_bytes(ods_xml([Org("RNI", "Northern Imaging NHS Trust"), closed_supplier]))
    listing = client_admin.get("/administration").content.decode()
    rows = re.findall(r"<tr class=\"nhsuk-table__row\">(.*?)</tr>", listing, re.S)
    tags = {
        re.search(r">(\w+ [\w ]+?)</a>", row).group(1): re.findall(
            r"nhsuk-tag[^>]*>\s*([^<]+?)\s*<", row
        )
        for row in rows[1:]
    }
    assert tags == {"Northern Imaging Trust": ["Open"], "Southern Scans Ltd": ["Closed"]}
    page = text_of(client_admin.get(f"/administration/organisations/{organisation.pk}"))
    assert (
        "In ODS data: Open as Northern Imaging NHS Trust (the name changes here when the "
        "organisation next starts an application). Checked against the ODS data from ods.xml"
    ) in page
    Organisation.objects.filter(pk=other_organisation.pk).update(ods_code="RZZ")
    listing = text_of(client_admin.get("/administration"))
    assert "Not in ODS data" in listing
