"""The hazard log as a table: the CSV columns, reading a CSV row by row with every error named,
and writing CSV and XLSX. Plain Python and openpyxl; no database."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from core.text import clean_text

from .risk import RISK_LABELS, Likelihood, Severity

# (CSV header, field name, the words used in errors, maximum characters or None)
COLUMNS: list[tuple[str, str, str, int | None]] = [
    ("ID", "reference", "ID", 20),
    ("Description", "description", "Description", 2000),
    ("Causes", "causes", "Causes", 2000),
    ("Effects", "effects", "Effects", 2000),
    ("Initial likelihood", "initial_likelihood", "Initial likelihood", None),
    ("Initial severity", "initial_severity", "Initial severity", None),
    ("Controls", "controls", "Controls", 2000),
    ("Residual likelihood", "residual_likelihood", "Residual likelihood", None),
    ("Residual severity", "residual_severity", "Residual severity", None),
    ("Justification", "justification", "Justification", 2000),
    ("Owner", "owner", "Owner", 200),
    ("Status", "status", "Status", None),
]
OPTIONAL = {"justification"}
STATUSES = ("Open", "Mitigated", "Closed")
RISK_COLUMNS = ("Initial risk", "Residual risk")  # written on export, ignored on import
MAX_ROWS = 500


@dataclass(frozen=True)
class RowError:
    row: int  # the CSV's line number, the header being line 1
    message: str


@dataclass
class ParsedTable:
    rows: list[dict[str, str]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def _choice_error(label: str, value: str, options: tuple[str, ...], missing: str) -> str | None:
    if value in options:
        return None
    if not value:
        return f"{missing} the {label.lower()}"
    return f"{label} must be one of {', '.join(options)}"


LIKELIHOODS = tuple(x.value for x in Likelihood)
SEVERITIES = tuple(x.value for x in Severity)
_CHOICES = {
    "initial_likelihood": LIKELIHOODS,
    "residual_likelihood": LIKELIHOODS,
    "initial_severity": SEVERITIES,
    "residual_severity": SEVERITIES,
    "status": STATUSES,
}


def hazard_row_problems(row: dict[str, str], *, missing_choice: str = "Enter") -> dict[str, str]:
    """What is wrong with one hazard's values (stripped), by field name in the columns' order:
    the one check of a CSV row and of the hazard form, so the two cannot disagree. A choice left
    empty is "Enter the ..." in a CSV and "Select the ..." (`missing_choice`) on the form."""
    problems = {}
    for _, name, label, limit in COLUMNS:
        value = row.get(name, "")
        if name in _CHOICES:
            problem = _choice_error(label, value, _CHOICES[name], missing_choice)
        elif not value and name not in OPTIONAL:
            problem = f"Enter the {label.lower()}" if name != "reference" else "Enter the ID"
        elif limit is not None and len(value) > limit:
            problem = f"{label} must be {limit:,} characters or fewer"
        else:
            problem = None
        if problem:
            problems[name] = problem
    return problems


def hazard_rows_parse(data: bytes) -> ParsedTable:
    """Every row of a hazard log CSV (as exported), or every error with its row. Headers are
    matched by name, in any order; the risk columns are ignored (they follow from the rest)."""
    parsed = ParsedTable()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        parsed.errors.append(RowError(1, "The file must be a CSV saved as UTF-8"))
        return parsed
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        parsed.errors.append(RowError(1, "The file has no header row"))
        return parsed
    except csv.Error as error:
        parsed.errors.append(RowError(1, f"The row cannot be read as CSV: {error}"))
        return parsed
    names = [h.strip() for h in header]
    missing = [c[0] for c in COLUMNS if c[0] not in names]
    if missing:
        parsed.errors.append(RowError(1, f"The header row is missing: {', '.join(missing)}"))
        return parsed
    index = {name: names.index(name) for name in names}
    seen: dict[str, int] = {}
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            parsed.errors.append(RowError(line, f"The row cannot be read as CSV: {error}"))
            break
        line = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        if len(parsed.rows) + 1 > MAX_ROWS:
            parsed.errors.append(
                RowError(line, f"A hazard log can have {MAX_ROWS:,} hazards or fewer")
            )
            break
        # Cleaned as the hazard form's fields are (ADR 0007), before they are judged.
        row = {
            name: _unsafe_cell(
                clean_text(cells[index[header_name]]).strip()
                if index[header_name] < len(cells)
                else ""
            )
            for header_name, name, _, _ in COLUMNS
        }
        errors = list(hazard_row_problems(row).values())
        if row["reference"] and row["reference"] in seen:
            errors.append(f"ID {row['reference']} is already used on row {seen[row['reference']]}")
        if row["reference"]:
            seen.setdefault(row["reference"], line)
        parsed.errors.extend(RowError(line, message) for message in errors)
        if not errors:
            parsed.rows.append(row)
    return parsed


def _export_rows(hazards: list[Any]) -> list[list[str]]:
    """Each hazard's cells as the exports write them: cleaned (a row stored before the import
    cleaned may hold a control character, which XLSX cannot), then never a formula."""
    rows = []
    for hazard in hazards:
        row = [getattr(hazard, name) for _, name, _, _ in COLUMNS]
        for value in (hazard.initial_risk, hazard.residual_risk):
            row.append(f"{value} {RISK_LABELS[value]}")
        rows.append([_safe_cell(clean_text(str(value))) for value in row])
    return rows


def _safe_cell(value: str) -> str:
    """Stop a spreadsheet reading a cell as a formula (CSV injection): prefix with '. Applied to
    cleaned text, so a control character cannot hide a formula's first character."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _unsafe_cell(value: str) -> str:
    """Undo `_safe_cell`, so that an exported log imports as it was."""
    return value[1:] if value[:1] == "'" and value[1:2] in ("=", "+", "-", "@") else value


def hazards_csv(hazards: list[Any]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow([c[0] for c in COLUMNS] + list(RISK_COLUMNS))
    for row in _export_rows(hazards):
        writer.writerow(row)
    return out.getvalue().encode("utf-8-sig")


def hazards_xlsx(hazards: list[Any]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Hazard log"
    sheet.append([c[0] for c in COLUMNS] + list(RISK_COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in _export_rows(hazards):
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
