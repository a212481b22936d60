"""Control characters that arrive in a file, not a form (ADR 0007, amended for issue 22).

Each importer is fed each C0 and C1 control character and DEL but tab, line feed and carriage
return, and what it imported is then exported in every format it reaches: the import cleans or
refuses as the forms do, and no export is a server error or holds a control character. A row
stored before the importers cleaned (written straight to the database) still exports, cleaned as
it is written. What they reach beyond their own pages (the FHIR export, the assurance pack) is
test_control_characters_in_exports.py."""

import csv
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from openpyxl import load_workbook

from hazards.models import Hazard, HazardLog
from tests.evidence.conftest import evidence_settings  # noqa: F401 - each test its own folders
from tests.web.conftest import *  # noqa: F403 - the web fixtures (organisations, members, clients)
from tests.web.conftest import signed_in

from .control_characters import ANY_CONTROL, CONTROL_CHARACTERS, certificate_named, named

# --------------------------------------------------------------------------- the hazard log

HAZARD_HEADER = (
    "ID,Description,Causes,Effects,Initial likelihood,Initial severity,Controls,"
    "Residual likelihood,Residual severity,Justification,Owner,Status"
)


def hazard_csv(description: str) -> bytes:
    row = f"H-001,{description},Cause,Effect,High,Major,Control,Low,Major,,CSO,Open"
    return f"{HAZARD_HEADER}\r\n{row}\r\n".encode()


@pytest.fixture
def application(organisation, member):
    from django.utils import timezone

    from applications.models import Application

    return Application.objects.create(
        organisation=organisation,
        scope="both",
        role="supplier",
        created_by=member,
        stage2_submitted_at=timezone.now(),  # so NHS England may read it too
    )


def hazard_exports(client, application) -> tuple[list[list[str]], list[list[object]]]:
    """The hazard log as `client` downloads it: the CSV's rows and the XLSX's, each a 200."""
    exported_csv = client.get(f"/applications/{application.pk}/hazard-log.csv")
    assert exported_csv.status_code == 200
    text = exported_csv.content.decode("utf-8-sig")
    assert not ANY_CONTROL.search(text)
    exported_xlsx = client.get(f"/applications/{application.pk}/hazard-log.xlsx")
    assert exported_xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(exported_xlsx.content))["Hazard log"]
    cells = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert not any(ANY_CONTROL.search(str(value)) for row in cells for value in row if value)
    return list(csv.reader(io.StringIO(text))), cells


@pytest.mark.parametrize("character", ["\x01", "\x0b", "\x1b"], ids=named)
def test_one_imported_control_character_does_not_break_the_xlsx_for_everyone(
    character, client_member, application, reviewer
):
    """Issue 22, finding 3: the import succeeded, then hazard-log.xlsx was a 500 (openpyxl's
    IllegalCharacterError) for the applicant and NHS England alike."""
    response = client_member.post(
        f"/applications/{application.pk}/hazard-log",
        {"hazard_log": SimpleUploadedFile("h.csv", hazard_csv(f"a{character}b"), "text/csv")},
    )
    assert response.status_code == 302
    for client in (client_member, signed_in(reviewer)):
        exported = client.get(f"/applications/{application.pk}/hazard-log.xlsx")
        assert exported.status_code == 200
        sheet = load_workbook(io.BytesIO(exported.content))["Hazard log"]
        assert sheet["B2"].value == "ab"


@pytest.mark.parametrize("character", CONTROL_CHARACTERS, ids=named)
def test_a_hazard_csv_with_a_control_character_imports_cleaned_and_exports(
    character, client_member, application, reviewer
):
    sent = hazard_csv(f"Wrong{character} patient")
    response = client_member.post(
        f"/applications/{application.pk}/hazard-log",
        {"hazard_log": SimpleUploadedFile("hazards.csv", sent, "text/csv")},
    )
    if character == "\x00":
        # A NUL byte is how a UTF-16 file or a spreadsheet looks: not a CSV, refused whole.
        assert response.status_code == 400
        assert "The selected file must be a CSV" in response.content.decode()
        assert not Hazard.objects.exists()
        expected = None
    else:
        assert response.status_code == 302
        assert Hazard.objects.get().description == "Wrong patient"
        expected = "Wrong patient"
    for client in (client_member, signed_in(reviewer)):
        rows, cells = hazard_exports(client, application)
        assert [row[1] for row in rows[1:]] == ([expected] if expected else [])
        assert [row[1] for row in cells[1:]] == ([expected] if expected else [])


# PostgreSQL refuses a NUL in text, so no row stored there can hold one: it is not asked of it
# (a skipped test fails CI).
STORABLE_CONTROL_CHARACTERS = [
    c for c in CONTROL_CHARACTERS if c != "\x00" or connection.vendor != "postgresql"
]


@pytest.mark.parametrize("character", STORABLE_CONTROL_CHARACTERS, ids=named)
def test_a_hazard_stored_with_a_control_character_still_exports(
    character, client_member, application, reviewer
):
    """Rows imported before the importer cleaned: the exports clean them as they write."""
    log = HazardLog.objects.create(application=application)
    Hazard.objects.create(
        log=log,
        position=1,
        reference="H-001",
        description=f"Wrong{character} patient",
        causes=f"{character}=HYPERLINK(1)",  # still never a formula once cleaned
        effects="Effect",
        initial_likelihood="High",
        initial_severity="Major",
        controls="Control",
        residual_likelihood="Low",
        residual_severity="Major",
        owner="CSO",
        status="Open",
    )
    for client in (client_member, signed_in(reviewer)):
        rows, cells = hazard_exports(client, application)
        assert rows[1][1:3] == ["Wrong patient", "'=HYPERLINK(1)"]
        assert cells[1][1:3] == ["Wrong patient", "'=HYPERLINK(1)"]


# ------------------------------------------------------------------- the NHS number checker


@pytest.fixture
def controller_application(organisation, member):
    from applications.models import Application

    return Application.objects.create(
        organisation=organisation, scope="both", role="controller", created_by=member
    )


@pytest.mark.parametrize("character", CONTROL_CHARACTERS, ids=named)
def test_an_nhs_number_with_a_control_character_is_an_invalid_row_never_cleaned_away(
    character, client_member, controller_application
):
    from audit.models import AuditEntry
    from nhs_numbers.checking import CONTROL_CHARACTER

    rows = [
        "NHS number",
        "9434765919",
        f"943{character}4765919",
        f"{character}9434765919",  # spaces round a number would hide a vertical tab
        character,  # not a blank line
        f"9434765919,{character}",  # the other columns are not read
    ]
    sent = ("\r\n".join(rows) + "\r\n").encode()
    response = client_member.post(
        f"/applications/{controller_application.pk}/nhs-number-check",
        {"numbers": SimpleUploadedFile("numbers.csv", sent, "text/csv")},
    )
    page = response.content.decode()
    assert not ANY_CONTROL.search(page)  # the page never echoes the file
    if character == "\x00":
        assert response.status_code == 400
        assert "The selected file must be a CSV" in page
        assert AuditEntry.objects.filter(action="nhs_numbers.check_refused").exists()
        return
    assert response.status_code == 200
    counts = AuditEntry.objects.get(action="nhs_numbers.check").after
    assert (counts["valid"], counts["invalid"], counts["blank_lines"]) == (2, 3, 0)
    assert [(line, reason) for line, reason in listed_rows(page)] == [
        ("3", CONTROL_CHARACTER),
        ("4", CONTROL_CHARACTER),
        ("5", CONTROL_CHARACTER),
    ]


def listed_rows(page: str) -> list[tuple[str, str]]:
    """The report's invalid rows as a person reads them: each row's line and reason."""
    cells = re.findall(r'<td class="nhsuk-table__cell">\s*([^<]*?)\s*</td>', page)
    return list(zip(cells[::2], cells[1::2], strict=True))


# ------------------------------------------------------------------------------ ODS data


@pytest.mark.parametrize("character", CONTROL_CHARACTERS, ids=named)
def test_an_ods_csv_with_a_control_character_imports_cleaned(character, db):
    from ods.models import OdsOrganisation
    from tests.ods.files import import_bytes

    import_bytes(
        b'"Organisation Code","Name","Primary Role"\r\n'
        + f'"R{character}NI","Northern{character} Imaging Trust","RO{character}197"\r\n'.encode(),
        source=f"ods{character}.csv",
    )
    found = OdsOrganisation.objects.get()
    assert (found.code, found.name, found.primary_role) == (
        "RNI",
        "Northern Imaging Trust",
        "RO197",
    )
    assert found.changed_in.source == "ods.csv"


@pytest.mark.parametrize("character", CONTROL_CHARACTERS, ids=named)
def test_an_ods_xml_file_with_a_control_character_is_cleaned_or_refused_as_xml_says(character, db):
    from ods.models import OdsImport, OdsOrganisation
    from ods.parsing import OdsFileInvalid
    from tests.ods.files import Org, import_bytes, ods_xml

    content = ods_xml([Org("RNI", f"Northern{character} Imaging Trust")])
    if ord(character) < 0x20:
        # XML 1.0 has no C0 control characters: such a file is not XML, and nothing changes.
        with pytest.raises(OdsFileInvalid, match="The XML file cannot be read"):
            import_bytes(content)
        assert not OdsImport.objects.exists() and not OdsOrganisation.objects.exists()
    else:
        import_bytes(content)
        assert OdsOrganisation.objects.get().name == "Northern Imaging Trust"


# ------------------------------------------------------------------------ the DSPT register


@pytest.mark.parametrize("character", CONTROL_CHARACTERS, ids=named)
def test_a_dspt_register_with_a_control_character_imports_cleaned(character, db, tmp_path):
    from dspt_register.models import DsptRegisterEntry
    from tests.dspt_register.register_files import snapshot_of

    rows = [(f"R{character}NI", f"Northern{character} Trust", f"Standards{character} Met", "")]
    snapshot = snapshot_of(tmp_path, rows)
    entry = DsptRegisterEntry.objects.get(snapshot=snapshot)
    assert (entry.ods_code, entry.name, entry.status) == ("RNI", "Northern Trust", "standards_met")


# ----------------------------------------------------------------------------- certificates


@pytest.mark.parametrize("character", CONTROL_CHARACTERS, ids=named)
def test_a_certificate_with_a_control_character_in_its_names_is_stored_cleaned(
    character, client_member, application
):
    from audit.models import AuditEntry
    from certificates.models import Certificate
    from tests.certificates import factory

    sent = factory.pem(certificate_named(f"Demo{character} Ltd"))
    response = client_member.post(
        "/certificates", {"certificate": SimpleUploadedFile("client.pem", sent)}
    )
    assert response.status_code == 302
    stored = Certificate.objects.get()
    # rfc4514_string writes a NUL as the four characters \00, which are text.
    kept = "\\00" if character == "\x00" else ""
    assert stored.subject == f"CN=pacs-one.supplier.example,O=Demo{kept} Ltd"
    assert stored.issuer == f"O=CA of Demo{kept} Ltd"
    assert AuditEntry.objects.get(action="certificate.add").after["subject"] == stored.subject
    for url in ("/certificates", response["Location"]):
        page = client_member.get(url)
        assert page.status_code == 200
        assert not ANY_CONTROL.search(page.content.decode())
