"""manage.py dspt_register_import: a CSV snapshot of the DSPT's published statuses, read as it
streams, recorded with its date, audited, and idempotent."""

import io
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from audit.models import AuditEntry
from dspt_register import services
from dspt_register.models import DsptRegisterEntry, DsptSnapshot
from dspt_register.parsing import RegisterFileError
from dspt_register.selectors import latest_snapshot, register_entry
from tests.dspt_register.register_files import register_csv, snapshot_of

ROWS = [
    ("RNI", "Northern Imaging Trust", "Standards Met", "2026-05-01"),
    ("8ab12", "Southern Scans Ltd", "23/24 Approaching Standards", "15/06/2025"),
    ("RXY", "Nowhere Trust", "Not Published", ""),
]


def run(*args):
    out = io.StringIO()
    call_command("dspt_register_import", *map(str, args), stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_the_import_records_each_organisation_the_snapshots_date_and_an_audit_entry(tmp_path):
    path = register_csv(tmp_path, ROWS)
    out = run(path, "--date", "2026-11-01")
    assert out == "Imported the DSPT register of 2026-11-01 from dspt.csv: 3 organisations.\n"
    snapshot = DsptSnapshot.objects.get()
    assert (snapshot.taken_on, snapshot.source, snapshot.entries_count) == (
        date(2026, 11, 1),
        "dspt.csv",
        3,
    )
    entries = {e.ods_code: (e.name, e.status, e.published) for e in DsptRegisterEntry.objects.all()}
    assert entries == {
        "RNI": ("Northern Imaging Trust", "standards_met", date(2026, 5, 1)),
        # Codes are upper-cased, a year prefix dropped, a day-first date read.
        "8AB12": ("Southern Scans Ltd", "approaching_standards", date(2025, 6, 15)),
        "RXY": ("Nowhere Trust", "not_published", None),
    }
    entry = AuditEntry.objects.get(action="dspt_register.import")
    assert entry.actor is None
    assert entry.object_id == str(snapshot.pk)
    assert entry.after == {"taken_on": "2026-11-01", "sha256": snapshot.sha256, "entries": 3}


@pytest.mark.django_db
def test_importing_the_same_snapshot_twice_adds_nothing(tmp_path):
    path = register_csv(tmp_path, ROWS)
    run(path, "--date", "2026-11-01")
    out = run(path, "--date", "2026-11-02")
    assert "dspt.csv was already imported on" in out and "nothing to do" in out
    assert DsptSnapshot.objects.count() == 1
    assert DsptSnapshot.objects.get().taken_on == date(2026, 11, 1)
    assert DsptRegisterEntry.objects.count() == 3
    assert AuditEntry.objects.filter(action="dspt_register.import").count() == 1


@pytest.mark.django_db
def test_a_new_snapshot_is_the_latest_and_the_old_one_is_kept(tmp_path):
    old = snapshot_of(tmp_path, ROWS, taken_on=date(2026, 10, 1), name="october.csv")
    new = snapshot_of(
        tmp_path,
        [("RNI", "Northern Imaging Trust", "Standards Exceeded", "2026-10-20")],
        taken_on=date(2026, 11, 1),
        name="november.csv",
    )
    assert latest_snapshot() == new
    assert register_entry(new, "RNI").status == "standards_exceeded"
    assert register_entry(old, "RNI").status == "standards_met"
    assert register_entry(new, "8AB12") is None


@pytest.mark.django_db
def test_the_date_defaults_to_today(tmp_path):
    from django.utils import timezone

    run(register_csv(tmp_path, ROWS))
    assert DsptSnapshot.objects.get().taken_on == timezone.localdate()


@pytest.mark.django_db
def test_an_organisation_listed_twice_keeps_its_latest_publication(tmp_path, monkeypatch):
    # A batch of one: the later row is compared with the row already written.
    monkeypatch.setattr(services, "BATCH_SIZE", 1)
    rows = [
        ("RNI", "Northern Imaging Trust", "Approaching Standards", "2025-05-01"),
        ("RNI", "Northern Imaging Trust", "Standards Met", "2026-05-01"),
        ("RNI", "Northern Imaging Trust", "Standards Not Met", "2024-05-01"),
    ]
    snapshot = snapshot_of(tmp_path, rows)
    assert snapshot.entries_count == 1
    entry = DsptRegisterEntry.objects.get()
    assert (entry.status, entry.published) == ("standards_met", date(2026, 5, 1))


@pytest.mark.django_db
def test_other_column_names_and_orders_are_accepted(tmp_path):
    header = "Date Published,Extra,ODS Code,Org Name,Latest Status\n"
    path = register_csv(
        tmp_path,
        [("2026-05-01", "x", "RNI", "Northern Imaging Trust", "Standards Met")],
        header=header,
    )
    run(path)
    entry = DsptRegisterEntry.objects.get()
    assert (entry.ods_code, entry.status, entry.published) == (
        "RNI",
        "standards_met",
        date(2026, 5, 1),
    )


@pytest.mark.parametrize(
    "rows, header, message",
    [
        (
            [("RNI", "N", "Standards Met", "2026-05-01")],
            "Code,Name,Status\n",
            "The file has no publication date column",
        ),
        (
            [("R-1", "N", "Standards Met", "2026-05-01")],
            None,
            "Line 2: the organisation code 'R-1' is not 3 to 10 letters and numbers",
        ),
        (
            [("RNI", "N", "Standards Met", "2026-05-01"), ("RXY", "N", "Brilliant", "")],
            None,
            "Line 3: the status 'Brilliant' is not a DSPT status",
        ),
        (
            [("RNI", "N", "Standards Met", "31/02/2026")],
            None,
            "Line 2: the publication date '31/02/2026' is not a date as YYYY-MM-DD or DD/MM/YYYY",
        ),
    ],
)
@pytest.mark.django_db
def test_a_file_it_cannot_read_is_refused_whole_naming_the_line(tmp_path, rows, header, message):
    path = register_csv(tmp_path, rows, **({"header": header} if header else {}))
    with pytest.raises(CommandError) as refused:
        run(path)
    assert str(refused.value) == f"dspt.csv: {message}. Nothing was imported."
    assert not DsptSnapshot.objects.exists()
    assert not DsptRegisterEntry.objects.exists()
    assert not AuditEntry.objects.filter(action="dspt_register.import").exists()


@pytest.mark.django_db
def test_a_file_that_is_not_utf8_or_is_missing_is_refused(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes(
        "Code,Name,Status,Published\nRNI,Trust \xe9,Standards Met,\n".encode("latin-1")
    )
    with pytest.raises(CommandError, match="The file is not UTF-8 text"):
        run(path)
    with pytest.raises(CommandError, match="There is no file at"):
        run(tmp_path / "absent.csv")
    with pytest.raises(CommandError, match="--date must be a date as YYYY-MM-DD"):
        run(register_csv(tmp_path, ROWS), "--date", "1 November")
    assert not DsptSnapshot.objects.exists()


class CountingReader(io.BytesIO):
    """A file that records the largest read asked of it."""

    largest = 0

    def read(self, size=-1):
        CountingReader.largest = max(CountingReader.largest, size if size >= 0 else 1 << 62)
        return super().read(size)

    def read1(self, size=-1):
        return self.read(size)

    def readinto(self, buffer):
        return self.readinto1(buffer)

    def readinto1(self, buffer):
        CountingReader.largest = max(CountingReader.largest, len(buffer))
        return super().readinto(buffer)


@pytest.mark.django_db
def test_the_file_is_read_in_chunks_never_whole(tmp_path):
    body = "Code,Name,Status,Published\n" + "".join(
        f"R{n:05d},Trust {n},Standards Met,2026-05-01\n" for n in range(20000)
    )
    data = body.encode()
    assert len(data) > 500_000
    CountingReader.largest = 0
    result = services.dspt_register_import(
        open_file=lambda: CountingReader(data),
        source="big.csv",
        taken_on=date(2026, 11, 1),
        actor=None,
    )
    assert result.snapshot.entries_count == 20000
    assert 0 < CountingReader.largest <= 1 << 16


def test_an_empty_file_is_refused():
    from dspt_register.parsing import register_rows

    with pytest.raises(RegisterFileError, match="The file is empty"):
        list(register_rows(io.BytesIO(b"")))


@pytest.mark.django_db
def test_control_characters_in_a_name_are_dropped_not_a_database_error(tmp_path):
    path = register_csv(tmp_path, [("RNI", "Northern\x00 Imaging\x07  Trust", "Standards Met", "")])
    run(path, "--date", "2026-11-01")
    assert DsptRegisterEntry.objects.get().name == "Northern Imaging Trust"
