"""Reading a DSPT register CSV, one row at a time (the file is never held in memory).

Accepted columns (README "DSPT register"), matched without regard to case, spaces or
punctuation, in any order, other columns ignored:
- the organisation's code: "Organisation code", "Org code", "ODS code" or "Code";
- its name: "Organisation name", "Org name" or "Name";
- its status: "Status", "Latest status" or "DSPT status" (a year prefix such as "23/24 " is
  ignored): Standards Exceeded, Standards Met, Approaching Standards, Standards Not Met (or Not
  Met), Not Published;
- its publication date: "Publication date", "Date published", "Published" or "Latest
  publication date", as YYYY-MM-DD or DD/MM/YYYY; it may be empty.
Control characters are dropped from every cell before it is read (ADR 0007). A row that cannot
be read refuses the whole file, naming its line."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import BinaryIO

from core.text import clean_text

from .models import RegisterStatus

CODE_PATTERN = re.compile(r"^[A-Z0-9]{3,10}$")
NAME_MAX = 500

COLUMNS = {
    "code": ("organisationcode", "orgcode", "odscode", "code"),
    "name": ("organisationname", "orgname", "name"),
    "status": ("status", "lateststatus", "dsptstatus"),
    "published": ("publicationdate", "datepublished", "published", "latestpublicationdate"),
}
STATUSES = {
    "standards exceeded": RegisterStatus.STANDARDS_EXCEEDED,
    "standards met": RegisterStatus.STANDARDS_MET,
    "approaching standards": RegisterStatus.APPROACHING_STANDARDS,
    "standards not met": RegisterStatus.STANDARDS_NOT_MET,
    "not met": RegisterStatus.STANDARDS_NOT_MET,
    "not published": RegisterStatus.NOT_PUBLISHED,
}
YEAR_PREFIX = re.compile(r"^\d{2,4}\s*[/-]\s*\d{2,4}\s+")


class RegisterFileError(ValueError):
    """The file is not a DSPT register this service can read; the message says where and why."""


@dataclass(frozen=True)
class RegisterRow:
    line: int
    ods_code: str
    name: str
    status: str
    published: date | None


def _key(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", header.lower())


def _columns(header: list[str]) -> dict[str, int]:
    keys = [_key(h) for h in header]
    found: dict[str, int] = {}
    for field, aliases in COLUMNS.items():
        for alias in aliases:
            if alias in keys:
                found[field] = keys.index(alias)
                break
    missing = [field for field in COLUMNS if field not in found]
    if missing:
        names = {
            "code": "organisation code",
            "name": "organisation name",
            "status": "status",
            "published": "publication date",
        }
        raise RegisterFileError(
            "The file has no " + " or ".join(names[m] for m in missing) + " column"
        )
    return found


def parse_status(text: str) -> str | None:
    words = " ".join(YEAR_PREFIX.sub("", text.strip()).lower().split())
    return STATUSES.get(words)


def parse_date(text: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


def register_rows(binary: BinaryIO) -> Iterator[RegisterRow]:
    """Each row of the register, read as the file streams in (UTF-8, with or without a BOM)."""
    text = io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")
    reader = csv.reader(text)
    try:
        header = next(reader, None)
        if header is None:
            raise RegisterFileError("The file is empty")
        columns = _columns(header)
        for row in reader:
            line = reader.line_num
            # Every cell cleaned before it is judged, as a form's fields are (ADR 0007):
            # PostgreSQL refuses a NUL in the name, and every page and export shows it.
            row = [clean_text(cell) for cell in row]
            if not any(cell.strip() for cell in row):
                continue
            cells = {field: (row[i] if i < len(row) else "") for field, i in columns.items()}
            code = cells["code"].strip().upper()
            if not CODE_PATTERN.match(code):
                raise RegisterFileError(
                    f"Line {line}: the organisation code {cells['code']!r} is not 3 to 10 "
                    "letters and numbers"
                )
            status = parse_status(cells["status"])
            if status is None:
                raise RegisterFileError(
                    f"Line {line}: the status {cells['status']!r} is not a DSPT status"
                )
            try:
                published = parse_date(cells["published"])
            except ValueError:
                raise RegisterFileError(
                    f"Line {line}: the publication date {cells['published']!r} is not a date "
                    "as YYYY-MM-DD or DD/MM/YYYY"
                ) from None
            name = " ".join(cells["name"].split())[:NAME_MAX]
            yield RegisterRow(line, code, name, status, published)
    except UnicodeDecodeError:
        raise RegisterFileError("The file is not UTF-8 text") from None
    except csv.Error as error:
        raise RegisterFileError(f"Line {reader.line_num}: {error}") from None
    finally:
        text.detach()
