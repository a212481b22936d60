"""manage.py ods_import (ADR 0017): ODS's full XML file and DSE CSV reports, streamed,
recorded, audited, and idempotent."""

import hashlib
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from audit.models import AuditEntry
from ods.models import OdsImport, OdsOrganisation
from ods.parsing import OdsFileInvalid
from ods.selectors import OdsOutcome, ods_code_check

from .files import ACTIVE, CLOSED, SUPPLIER, Org, import_bytes, ods_csv, ods_xml

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 29)


def rows():
    return {
        o.code: (o.name, o.is_active, o.start_date, o.end_date, o.primary_role)
        for o in OdsOrganisation.objects.all()
    }


def test_the_xml_full_file_is_imported_with_its_date_source_and_hash(tmp_path, capsys):
    content = ods_xml([ACTIVE, CLOSED, SUPPLIER])
    path = tmp_path / "HSCOrgRefData_Full_20261101.xml"
    path.write_bytes(content)
    call_command("ods_import", str(path))
    assert "Imported 3 organisations" in capsys.readouterr().out
    assert rows() == {
        "RNI": ("Northern Imaging NHS Trust", True, date(2001, 4, 1), None, "RO197"),
        "RCL": ("Closed Valley NHS Trust", False, date(2001, 4, 1), date(2024, 3, 31), "RO197"),
        "8JK01": ("Kestrel Imaging Ltd", True, date(2001, 4, 1), None, "RO92"),
    }
    done = OdsImport.objects.get()
    assert (done.source, done.file_format, done.published_on) == (
        "HSCOrgRefData_Full_20261101.xml",
        "xml",
        date(2026, 11, 1),
    )
    assert done.sha256 == hashlib.sha256(content).hexdigest()
    assert (done.record_count, done.created_count, done.updated_count) == (3, 3, 0)
    entry = AuditEntry.objects.get(action="ods.import")
    assert entry.actor is None and entry.after["created"] == 3
    assert entry.after["sha256"] == done.sha256


@pytest.mark.parametrize("header", [True, False], ids=["with header", "predefined, no header"])
def test_a_dse_csv_report_is_imported(header):
    import_bytes(ods_csv([ACTIVE, CLOSED], header=header), source="ets.csv", today=TODAY)
    found = rows()
    assert set(found) == {"RNI", "RCL"}
    assert found["RNI"][1:4] == (True, date(2001, 4, 1), None)
    assert found["RCL"][1:4] == (False, date(2001, 4, 1), date(2024, 3, 31))
    assert OdsImport.objects.get().file_format == "csv"
    assert OdsImport.objects.get().published_on is None


def test_importing_again_updates_and_never_duplicates():
    import_bytes(ods_xml([ACTIVE, CLOSED]))
    import_bytes(ods_xml([ACTIVE, CLOSED]))
    assert OdsOrganisation.objects.count() == 2
    again = OdsImport.objects.latest()
    assert (again.record_count, again.created_count, again.updated_count) == (2, 0, 0)
    renamed = Org(ACTIVE.code, "Northern Imaging and Scanning NHS Trust")
    reopened = Org(CLOSED.code, CLOSED.name)
    import_bytes(ods_csv([renamed, reopened, SUPPLIER]), source="later.csv")
    assert OdsOrganisation.objects.count() == 3
    last = OdsImport.objects.latest()
    assert (last.created_count, last.updated_count) == (1, 2)
    assert rows()["RNI"][0] == "Northern Imaging and Scanning NHS Trust"
    assert rows()["RCL"][1] is True
    assert OdsOrganisation.objects.get(code="RNI").changed_in == last
    assert AuditEntry.objects.filter(action="ods.import").count() == 3


def test_a_code_twice_in_one_file_is_one_organisation_the_later_row_winning():
    import_bytes(ods_xml([ACTIVE, Org(ACTIVE.code, "Renamed Trust")]))
    assert rows() == {"RNI": ("Renamed Trust", True, date(2001, 4, 1), None, "RO197")}


def test_rows_without_a_code_or_name_are_skipped_and_counted():
    content = (
        ods_csv([ACTIVE]) + b'"No code","","Active","","",""\r\n"","RZZ","Active","","",""\r\n'
    )
    import_bytes(content, source="x.csv")
    assert set(rows()) == {"RNI"}
    assert OdsImport.objects.get().skipped_count == 2


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<OrgRefData><Organisations><Organisation>", "The XML file cannot be read"),
        (b'"Name","Organisation Code"\r\n', "The file names no organisations"),
        (b"", "The file names no organisations"),
        (b'"Organisation Code","Status"\r\n"RNI","Active"\r\n', "no Name column"),
        (
            b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa">]><r>&a;</r>',
            "declares entities",
        ),
    ],
    ids=["truncated xml", "header only", "empty", "no name column", "entities"],
)
def test_a_file_that_is_not_ods_data_changes_nothing(content, message):
    import_bytes(ods_xml([ACTIVE]))
    with pytest.raises(OdsFileInvalid, match=message):
        import_bytes(content)
    assert OdsImport.objects.count() == 1
    assert set(rows()) == {"RNI"}


def test_the_command_says_what_is_wrong_with_a_file(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("ods_import", str(tmp_path / "missing.xml"))
    path = tmp_path / "bad.xml"
    path.write_bytes(b"<not closed")
    with pytest.raises(CommandError, match="The XML file cannot be read"):
        call_command("ods_import", str(path))
    assert not OdsImport.objects.exists()


def test_without_a_status_column_an_organisation_is_closed_once_its_end_date_has_passed():
    content = (
        b'"Organisation Code","Organisation Name","Close Date"\r\n'
        b'"RAA","Past Trust","20240331"\r\n'
        b'"RBB","Future Trust","31/12/2030"\r\n'
        b'"RCC","Open Trust",""\r\n'
    )
    import_bytes(content, source="x.csv", today=TODAY)
    assert {code: row[1] for code, row in rows().items()} == {
        "RAA": False,
        "RBB": True,
        "RCC": True,
    }


def test_a_code_is_checked_as_active_closed_or_unknown_once_data_is_imported():
    assert ods_code_check("RNI").outcome == OdsOutcome.NOT_CHECKED
    import_bytes(ods_xml([ACTIVE, CLOSED]))
    assert ods_code_check("rni").outcome == OdsOutcome.ACTIVE
    assert ods_code_check("RNI").official_name == ACTIVE.name
    assert ods_code_check("RCL").outcome == OdsOutcome.CLOSED
    assert ods_code_check("RCL").official_name is None
    assert ods_code_check("RZZ").outcome == OdsOutcome.UNKNOWN


def test_seed_demo_imports_its_small_ods_file_once_so_the_check_works_in_development():
    from accounts.models import Organisation

    call_command("seed_demo")
    call_command("seed_demo")
    assert OdsImport.objects.get().source == "demo-ods.xml"
    for organisation in Organisation.objects.all():
        check = ods_code_check(organisation.ods_code)
        assert check.outcome == OdsOutcome.ACTIVE
        assert check.official_name == organisation.name
    assert ods_code_check("RXY").outcome == OdsOutcome.CLOSED


def test_seed_demo_leaves_ods_data_already_imported_alone():
    import_bytes(ods_xml([ACTIVE]))
    call_command("seed_demo")
    assert list(OdsImport.objects.values_list("source", flat=True)) == ["ods.xml"]


def test_a_file_longer_than_a_batch_is_imported_whole_and_again_without_duplicates():
    many = [Org(f"R{n:04d}", f"Trust number {n}") for n in range(2_100)]
    # The same code in the first batch and the third: the later row wins, once.
    many.append(Org("R0005", "Trust five, renamed"))
    import_bytes(ods_xml(many))
    assert OdsOrganisation.objects.count() == 2_100
    assert OdsOrganisation.objects.get(code="R0005").name == "Trust five, renamed"
    import_bytes(ods_csv(many), source="again.csv")
    again = OdsImport.objects.latest()
    # Counts are of rows read and writes made: R0005 is written back and forth, never twice.
    assert (again.record_count, again.created_count, again.updated_count) == (2_101, 0, 2)
    assert OdsOrganisation.objects.count() == 2_100


def test_a_csv_without_role_or_date_columns_leaves_those_as_an_earlier_import_set_them():
    import_bytes(ods_xml([ACTIVE, CLOSED]))
    import_bytes(
        b'"Organisation Code","Name","Status"\r\n'
        b'"RNI","Northern Imaging NHS Trust","Active"\r\n'
        b'"RCL","Closed Valley NHS Trust","Active"\r\n',
        source="slim.csv",
    )
    latest = OdsImport.objects.latest()
    assert (latest.created_count, latest.updated_count) == (0, 1)
    assert rows()["RNI"] == ("Northern Imaging NHS Trust", True, date(2001, 4, 1), None, "RO197")
    assert rows()["RCL"][1:] == (True, date(2001, 4, 1), date(2024, 3, 31), "RO197")


def test_names_lose_control_characters_and_extra_white_space():
    import_bytes(
        b'"Organisation Code","Name","Primary Role"\r\n'
        b'"RNI","  Northern\x07 Imaging\t\tTrust\x1b ","RO\x00197"\r\n'
    )
    assert rows()["RNI"][0] == "Northern Imaging Trust"
    assert rows()["RNI"][4] == "RO197"
