"""Reading ODS organisation files as a stream of records, one organisation at a time (ADR 0017).

Plain Python, no Django. Two formats are accepted, told apart by their first bytes:

- XML: ODS's monthly full file ("OrgRefData", e.g. HSCOrgRefData_Full_YYYYMMDD.xml). Each
  ``Organisations/Organisation`` gives the code (``OrgId/@extension``), ``Name``,
  ``Status/@value`` ("Active" or "Inactive"), the operational dates (``Date`` with
  ``Type/@value="Operational"``, ``Start/@value``, ``End/@value``; "Legal" when there is no
  operational one) and the primary role (``Roles/Role[@primaryRole="true"]/@id``). The
  publication date comes from ``Manifest/PublicationDate/@value``. Read as a stream of parser
  events, each organisation dropped once read, so a file of any size takes little memory.
- CSV: the reports of ODS's Data Search and Export (DSE). With a header row, columns are found
  by name (case, spaces and punctuation ignored): the code ("Organisation Code", "ODS Code",
  "Code"), "Name", "Status", the start ("Start Date", "Operational Start Date", "Open Date"),
  the end ("End Date", "Operational End Date", "Close Date") and the role ("Primary Role").
  Without a header row (DSE's predefined reports downloaded without headers, the legacy CSV
  layout): column 1 is the code, 2 the name, 11 the open date and 12 the close date.
  Dates as YYYY-MM-DD, YYYYMMDD or DD/MM/YYYY. Without a Status column an organisation is
  active unless its end date has passed.
"""

from __future__ import annotations

import codecs
import csv
import io
import pyexpat
import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import IO

from core.text import clean_text

CODE_PATTERN = re.compile(r"^[A-Z0-9]{3,10}$")
NAME_MAX = 200


class OdsFileInvalid(Exception):
    """The file is not one of the ODS formats this service reads; the message says why."""


@dataclass(frozen=True)
class OdsRecord:
    code: str
    name: str
    is_active: bool
    start_date: date | None
    end_date: date | None
    primary_role: str


RECORD_FIELDS = ("name", "is_active", "start_date", "end_date", "primary_role")


@dataclass
class OdsFile:
    """What a file says about itself, filled in as it is read."""

    file_format: str
    published_on: date | None = None
    skipped: int = 0
    # The record fields the file gives; a CSV without a role or a date column leaves those as
    # an earlier import set them.
    fields: tuple[str, ...] = RECORD_FIELDS


def ods_date(text: str | None) -> date | None:
    """YYYY-MM-DD, YYYYMMDD or DD/MM/YYYY (a time after the date is ignored); None if neither."""
    text = (text or "").strip()[:10]
    try:
        if len(text) == 10 and text[4] == "-":
            return date.fromisoformat(text)
        if len(text) == 10 and text[2] == "/":
            return date(int(text[6:]), int(text[3:5]), int(text[:2]))
        if len(text) >= 8 and text[:8].isdigit():
            return date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return None
    return None


def clean_name(text: str | None) -> str:
    """Control characters dropped as from any form field (ADR 0007), then white space collapsed:
    a name from a file is shown on pages, in emails and in exports as any typed one is."""
    return " ".join(clean_text(text or "").split())


def _local(tag: str) -> str:
    return tag[tag.rfind("}") + 1 :]


def _child(element: ElementTree.Element, name: str) -> ElementTree.Element | None:
    for child in element:
        if _local(child.tag) == name:
            return child
    return None


def _value(element: ElementTree.Element | None, name: str) -> str:
    found = _child(element, name) if element is not None else None
    return clean_text(found.get("value") or "").strip() if found is not None else ""


def _record_from_xml(element: ElementTree.Element, today: date) -> OdsRecord | None:
    org_id = _child(element, "OrgId")
    code = clean_text(org_id.get("extension") or "").strip().upper() if org_id is not None else ""
    name_element = _child(element, "Name")
    name = clean_name(name_element.text) if name_element is not None else ""
    if not CODE_PATTERN.match(code) or not name:
        return None
    dates: dict[str, tuple[date | None, date | None]] = {}
    for child in element:
        if _local(child.tag) == "Date":
            dates[_value(child, "Type")] = (
                ods_date(_value(child, "Start")),
                ods_date(_value(child, "End")),
            )
    start, end = dates.get("Operational") or dates.get("Legal") or (None, None)
    status = _value(element, "Status").lower()
    is_active = status == "active" if status else (end is None or end > today)
    role = ""
    roles = _child(element, "Roles")
    if roles is not None:
        for candidate in roles:
            if candidate.get("primaryRole", "").lower() == "true":
                role = (candidate.get("id") or "").strip()
                break
    return OdsRecord(code, name[:NAME_MAX], is_active, start, end, clean_name(role)[:20])


def _entities_refused(*args: object) -> None:
    raise OdsFileInvalid("The XML file declares entities, which ODS files never do")


class _OrgRefReader:
    """Expat's handlers, building each ``Organisations/Organisation`` into an element with
    ElementTree's TreeBuilder and handing it over once it ends, then dropping it from the tree:
    the tree never holds more than one organisation. Everything else at the top (the manifest,
    the code systems) is cleared as it ends, once its publication date has been read."""

    def __init__(self) -> None:
        self.builder = ElementTree.TreeBuilder()
        self.depth = 0
        self.container: ElementTree.Element | None = None
        self.ended: list[ElementTree.Element] = []
        self.published_on: date | None = None

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        self.depth += 1
        element = self.builder.start(tag, attrs)
        if self.depth == 2 and _local(tag) == "Organisations":
            self.container = element

    def end(self, tag: str) -> None:
        element = self.builder.end(tag)
        self.depth -= 1
        if self.depth == 2 and self.container is not None and _local(tag) == "Organisation":
            self.container.remove(element)
            self.ended.append(element)
        elif self.depth <= 3 and _local(tag) == "PublicationDate":
            self.published_on = self.published_on or ods_date(element.get("value"))
        elif self.depth == 1:
            if element is self.container:
                self.container = None
            element.clear()


def _xml_records(stream: IO[bytes], info: OdsFile, today: date) -> Iterator[OdsRecord]:
    """Expat fed in 64 KiB chunks, refusing any entity declaration or external reference as
    defusedxml does (no entity expansion, no file or network read): ElementTree's own parser
    cannot be told to."""
    reader = _OrgRefReader()
    expat = pyexpat.ParserCreate(namespace_separator="}")
    expat.SetParamEntityParsing(pyexpat.XML_PARAM_ENTITY_PARSING_NEVER)
    expat.EntityDeclHandler = _entities_refused
    expat.UnparsedEntityDeclHandler = _entities_refused
    expat.ExternalEntityRefHandler = _entities_refused
    expat.StartElementHandler = reader.start
    expat.EndElementHandler = reader.end
    expat.CharacterDataHandler = reader.builder.data
    expat.buffer_text = True
    final = False
    while not final:
        chunk = stream.read(1 << 16)
        final = not chunk
        try:
            expat.Parse(chunk, final)
        except pyexpat.ExpatError as error:
            raise OdsFileInvalid(f"The XML file cannot be read: {error}") from None
        info.published_on = reader.published_on
        for element in reader.ended:
            record = _record_from_xml(element, today)
            if record is None:
                info.skipped += 1
            else:
                yield record
        reader.ended.clear()


CODE_HEADERS = {"organisationcode", "orgcode", "odscode", "code", "organisationid", "orgid"}
NAME_HEADERS = {"name", "organisationname", "orgname"}
STATUS_HEADERS = {"status", "recordstatus", "organisationstatus"}
START_HEADERS = {"startdate", "operationalstartdate", "opendate", "legalstartdate"}
END_HEADERS = {"enddate", "operationalenddate", "closedate", "legalenddate"}
ROLE_HEADERS = {"primaryrole", "primaryroleid", "primaryrolecode", "role"}


def _header_key(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.lower())


def _find(headers: list[str], names: set[str]) -> int | None:
    for index, header in enumerate(headers):
        if header in names:
            return index
    return None


def _csv_records(stream: IO[bytes], info: OdsFile, today: date) -> Iterator[OdsRecord]:
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="replace", newline="")
    rows = csv.reader(text)
    first = next(rows, None)
    if first is None:
        return
    headers = [_header_key(cell) for cell in first]
    code_at = _find(headers, CODE_HEADERS)
    if code_at is not None:
        name_at = _find(headers, NAME_HEADERS)
        if name_at is None:
            raise OdsFileInvalid("The CSV file has an organisation code column but no Name column")
        status_at = _find(headers, STATUS_HEADERS)
        start_at = _find(headers, START_HEADERS)
        end_at = _find(headers, END_HEADERS)
        role_at = _find(headers, ROLE_HEADERS)
        given = {"start_date": start_at, "end_date": end_at, "primary_role": role_at}
        info.fields = ("name", "is_active", *(f for f, at in given.items() if at is not None))
        body: Iterator[list[str]] = rows
    else:
        # No header: the predefined reports' (and the legacy files') fixed columns.
        name_at, status_at, start_at, end_at, role_at = 1, None, 10, 11, None
        code_at = 0
        info.fields = ("name", "is_active", "start_date", "end_date")
        body = _chain_first(first, rows)

    def cell(row: list[str], at: int | None) -> str:
        # Every cell cleaned before it is judged, as a form's fields are (ADR 0007).
        return clean_text(row[at]).strip() if at is not None and at < len(row) else ""

    try:
        for row in body:
            code = cell(row, code_at).upper()
            name = clean_name(cell(row, name_at))
            if not CODE_PATTERN.match(code) or not name:
                if any(c.strip() for c in row):
                    info.skipped += 1
                continue
            end = ods_date(cell(row, end_at))
            status = cell(row, status_at).lower()
            is_active = status == "active" if status else (end is None or end > today)
            yield OdsRecord(
                code,
                name[:NAME_MAX],
                is_active,
                ods_date(cell(row, start_at)),
                end,
                clean_name(cell(row, role_at))[:20],
            )
    except csv.Error as error:
        raise OdsFileInvalid(f"The CSV file cannot be read: {error}") from None


def _chain_first(first: list[str], rows: Iterator[list[str]]) -> Iterator[list[str]]:
    yield first
    yield from rows


def ods_records(stream: IO[bytes], *, today: date) -> tuple[OdsFile, Iterator[OdsRecord]]:
    """The file's description and an iterator over its organisations. The format is told by
    content, not by name: XML starts with ``<`` (after a byte order mark and white space)."""
    buffered = stream if isinstance(stream, io.BufferedReader) else io.BufferedReader(stream)  # type: ignore[arg-type]
    head = buffered.peek(64)[:64]
    if head.startswith(codecs.BOM_UTF8):
        head = head[len(codecs.BOM_UTF8) :]
    if head.lstrip().startswith(b"<"):
        info = OdsFile("xml")
        return info, _xml_records(buffered, info, today)
    info = OdsFile("csv")
    return info, _csv_records(buffered, info, today)
