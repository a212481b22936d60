"""Benchmark manage.py ods_import on a full XML file the size of ODS's (BENCH_ODS_ORGANISATIONS,
default 250,000 organisations, each with roles and relationships as the real file has), then the
same file again (nothing changes), then as a DSE CSV report. Prints the time, rows a second and
the process's peak memory (ru_maxrss) before and after each, which shows the file is streamed.

Run with `make bench` (SQLite in memory) or against PostgreSQL:
`BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench make bench`. Not a test."""

import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

ORGANISATIONS = int(os.environ.get("BENCH_ODS_ORGANISATIONS", "250000"))

# One organisation as the full file lays it out (long lines: it is data).
ORGANISATION = """    <Organisation orgRecordClass="RC1" refOnly="false">
      <Name>BENCH ORGANISATION {n}</Name>
      <Date><Type value="Legal"/><Start value="1990-01-01"/></Date>
      <Date><Type value="Operational"/><Start value="1994-04-01"/>{end}</Date>
      <OrgId root="2.16.840.1.113883.2.1.3.2.4.18.48" assigningAuthorityName="HSCIC" extension="B{n:06d}"/>
      <Status value="{status}"/>
      <LastChangeDate value="2025-01-01"/>
      <GeoLoc><Location><AddrLn1>1 BENCH ROAD</AddrLn1><Town>LEEDS</Town><PostCode>LS1 4HR</PostCode><Country>ENGLAND</Country></Location></GeoLoc>
      <Roles>
        <Role id="RO197" uniqueRoleId="{n}" primaryRole="true"><Date><Type value="Operational"/><Start value="1994-04-01"/></Date><Status value="Active"/></Role>
        <Role id="RO57" uniqueRoleId="{n}1"><Date><Type value="Operational"/><Start value="1994-04-01"/></Date><Status value="Active"/></Role>
      </Roles>
      <Rels>
        <Rel id="RE5" uniqueRelId="{n}"><Date><Type value="Operational"/><Start value="2020-04-01"/></Date><Status value="Active"/><Target><OrgId root="2.16.840.1.113883.2.1.3.2.4.18.48" assigningAuthorityName="HSCIC" extension="Y56"/><PrimaryRoleId id="RO209" uniqueRoleId="1"/></Target></Rel>
      </Rels>
    </Organisation>
"""  # noqa: E501


def setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", "sqlite:///:memory:")
    os.environ["LOG_LEVEL"] = "ERROR"
    import django

    django.setup()
    from django.core.management import call_command

    if os.environ.get("BENCH_DATABASE_URL"):
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)


def write_files(directory: Path) -> tuple[Path, Path]:
    xml, csv = directory / "HSCOrgRefData_Full_bench.xml", directory / "bench.csv"
    with xml.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<OrgRefData:OrgRefData xmlns:')
        out.write('OrgRefData="http://refdata.hscic.gov.uk/org-ref-data/">\n  <Manifest>')
        out.write('<PublicationDate value="2026-11-01"/></Manifest>\n  <Organisations>\n')
        for n in range(ORGANISATIONS):
            closed = n % 10 == 0
            end = '<End value="2024-03-31"/>' if closed else ""
            status = "Inactive" if closed else "Active"
            out.write(ORGANISATION.format(n=n, end=end, status=status))
        out.write("  </Organisations>\n</OrgRefData:OrgRefData>\n")
    with csv.open("w", encoding="utf-8") as out:
        out.write('"Name","Organisation Code","Status","Start Date","End Date"\n')
        for n in range(ORGANISATIONS):
            closed = n % 10 == 0
            name = f"BENCH ORGANISATION {n}" if n % 100 else f"BENCH ORGANISATION {n}, RENAMED"
            status, end = ("Inactive", "2024-03-31") if closed else ("Active", "")
            out.write(f'"{name}","B{n:06d}","{status}","1994-04-01","{end}"\n')
    return xml, csv


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(label: str, path: Path) -> None:
    from ods.services import ods_import

    before = peak_mib()
    started = time.perf_counter()
    with path.open("rb") as stream:
        result = ods_import(stream=stream, source=path.name)
    seconds = time.perf_counter() - started
    print(
        f"ods import: {label}: {seconds:.1f} s, {ORGANISATIONS / seconds:,.0f} rows/s; peak RSS "
        f"{before:.0f} MiB before, {peak_mib():.0f} MiB after ({result})"
    )


def main() -> None:
    setup()
    from django.db import connection

    with tempfile.TemporaryDirectory() as directory:
        xml, csv = write_files(Path(directory))
        size = xml.stat().st_size / 1e6
        print(
            f"ods import: {ORGANISATIONS:,} organisations on {connection.vendor}, "
            f"XML {size:.0f} MB, CSV {csv.stat().st_size / 1e6:.0f} MB"
        )
        timed("full XML file, new", xml)
        timed("the same XML file again", xml)
        timed("a DSE CSV report, 1% renamed", csv)


if __name__ == "__main__":
    main()
