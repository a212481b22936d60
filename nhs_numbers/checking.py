"""Checking a CSV of NHS numbers as it streams: plain Python, no Django.

`NhsNumberFileCheck` takes the file's bytes chunk by chunk (`feed`), never holding more than one
chunk and one unfinished line, and `finish` gives the `CheckReport`: how many rows were checked,
valid and invalid, and each invalid row's line number and reason (the first `MAX_LISTED`; the
rest are counted).

How the file is read:
- One NHS number a row, in the first column; further columns are ignored. A value in double
  quotes has them removed, and spaces around it are ignored.
- A number is 10 digits, written whole (9434765919) or split 3 3 4 by spaces or by dashes
  (943 476 5919, 943-476-5919), the formats `nhs-number`'s `standardise_format` accepts.
- Its 10th digit is the Modulus 11 check digit of the first 9 (weights 10 down to 2; 11 - the
  sum mod 11, 11 meaning 0; 10 meaning no NHS number has those 9 digits).
- A UTF-8 byte order mark is ignored. Lines end with LF or CRLF (or CR alone, when the file has
  no LF at all). Blank lines are counted and skipped. The first non-blank row is a header, and
  skipped, when its first column holds no digit.
- A row that is not UTF-8 text is invalid, and the rest of the file is still checked.
- So is a row whose NHS number holds a control character (core/text.py, ADR 0007), even one that
  spaces round a number would hide (a vertical tab, a form feed): the file is checked before it
  is sent to NIR, so what a person cannot see is named, not cleaned away. The row's other columns
  are not read, and a line of nothing but such characters is not blank.
- What is not a CSV is refused before any row is judged (`NotACsv`): a file with NUL bytes
  (UTF-16, a spreadsheet, an image), or one that starts as a PDF, ZIP (XLSX, DOCX), PNG, JPEG,
  GIF or an old Office document does.

The check digit is computed from two lookup tables (the weighted sums of digits 1 to 5 and 6 to
9), so a million numbers take well under a second (bench/nhs_numbers.py).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from core.text import has_control_characters

MAX_LISTED = 1000
UTF8_BOM = b"\xef\xbb\xbf"

MISSING = "The NHS number is missing"
NOT_NUMBERS = "Contains characters other than numbers, spaces and dashes"
WRONG_GROUPING = "Spaces or dashes must split the number 3, 3 and 4, as in 943 476 5919"
NOT_UTF8 = "The row is not UTF-8 text"
CONTROL_CHARACTER = "Contains an invisible control character, such as an escape or a form feed"
CHECK_DIGIT = "The check digit is wrong (Modulus 11)"
NO_CHECK_DIGIT = "No NHS number starts with these 9 digits (Modulus 11)"

# Files that are something else, by their first bytes.
_BINARY_STARTS = (
    b"%PDF",
    b"PK\x03\x04",
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF8",
    b"\xd0\xcf\x11\xe0",  # an old Office (OLE) document, .xls
)
_GROUPED = re.compile(r"\d{3}([ -])\d{3}\1\d{4}", re.ASCII)
_DIGITS_SPACES_DASHES = re.compile(r"[0-9 -]*")


def digit_count_reason(count: int) -> str:
    return f"Has {count} digit{'' if count == 1 else 's'}: an NHS number has 10"


def _weighted_sums(weights: tuple[int, ...]) -> dict[bytes, int]:
    return {
        bytes(48 + d for d in digits): sum(w * d for w, d in zip(weights, digits, strict=True))
        for digits in itertools.product(range(10), repeat=len(weights))
    }


_FIRST_FIVE = _weighted_sums((10, 9, 8, 7, 6))
_NEXT_FOUR = _weighted_sums((5, 4, 3, 2))


def check_digit(first_nine: str) -> int:
    """The Modulus 11 check digit of 9 digits: 0 to 9, or 10 when no NHS number has them."""
    key = first_nine.encode("ascii")
    remainder = (_FIRST_FIVE[key[:5]] + _NEXT_FOUR[key[5:9]]) % 11
    return (11 - remainder) % 11


def nhs_number_problem(value: str) -> str | None:
    """Why `value` (one CSV field, spaces around it already removed) is not a valid NHS number,
    or None when it is one."""
    if not value:
        return MISSING
    if len(value) == 10 and value.isascii() and value.isdigit():
        digits = value
    elif len(value) == 12 and _GROUPED.fullmatch(value):
        digits = value.replace(value[3], "")
    elif _DIGITS_SPACES_DASHES.fullmatch(value):
        count = len(value) - value.count(" ") - value.count("-")
        return WRONG_GROUPING if count == 10 else digit_count_reason(count)
    else:
        return NOT_NUMBERS
    expected = check_digit(digits[:9])
    if expected == 10:
        return NO_CHECK_DIGIT
    if expected != ord(digits[9]) - 48:
        return CHECK_DIGIT
    return None


class NotACsv(Exception):
    """The file is not a CSV (text): it is refused whole."""


@dataclass(frozen=True)
class InvalidRow:
    line: int
    reason: str


@dataclass
class CheckReport:
    valid: int = 0
    invalid: int = 0
    blank_lines: int = 0
    # The line number of the header row that was skipped, if there was one.
    header_line: int | None = None
    # The first MAX_LISTED invalid rows, in file order.
    invalid_rows: list[InvalidRow] = field(default_factory=list)

    @property
    def checked(self) -> int:
        return self.valid + self.invalid

    @property
    def unlisted(self) -> int:
        """Invalid rows beyond MAX_LISTED, counted but not listed."""
        return self.invalid - len(self.invalid_rows)

    def as_counts(self) -> dict[str, int | None]:
        """The counts alone (never a number from the file), for the audit log."""
        return {
            "checked": self.checked,
            "valid": self.valid,
            "invalid": self.invalid,
            "blank_lines": self.blank_lines,
            "header_line": self.header_line,
        }


class NhsNumberFileCheck:
    """Check a file of NHS numbers fed in chunks of bytes (see the module docstring)."""

    def __init__(self, *, max_listed: int = MAX_LISTED) -> None:
        self.report = CheckReport()
        self.max_listed = max_listed
        self._head: bytes | None = b""  # the first bytes, until there are enough to sniff
        self._seen_row = False
        # The unfinished line, as the chunks it came in: joined once, when it ends, so a line
        # as long as the whole file costs one copy, not one per chunk.
        self._tail: list[bytes] = []
        self._line = 0
        self._newline: bytes | None = None

    def feed(self, chunk: bytes) -> None:
        """Check every whole line in `chunk` (with what was left from the last). Raises NotACsv
        when the file turns out not to be text."""
        if b"\x00" in chunk:
            raise NotACsv("the file holds NUL bytes")
        if self._head is not None:
            self._head += chunk
            if len(self._head) < len(UTF8_BOM) + 8:
                return
            chunk = self._begin()
        self._take(chunk)

    def _take(self, chunk: bytes) -> None:
        if not chunk:
            return
        if self._newline is None:
            # What is held has no LF and no CR but perhaps its last byte: look at the new bytes.
            if b"\n" in chunk:
                self._newline = b"\n"
            elif b"\r" in chunk[:-1] or (self._tail and self._tail[-1].endswith(b"\r")):
                self._newline = b"\r"  # a CR at the very end may be a CRLF's first half
            else:
                self._tail.append(chunk)
                return
        elif self._newline not in chunk:
            self._tail.append(chunk)
            return
        lines = b"".join([*self._tail, chunk]).split(self._newline)
        self._tail = [lines.pop()]
        self._check_lines(lines)

    def finish(self) -> CheckReport:
        """Check the last line (one without a line ending) and give the report."""
        if self._head is not None:
            self._take(self._begin())
        tail, self._tail = b"".join(self._tail), []
        if self._newline is None and tail.endswith(b"\r"):
            self._newline = b"\r"  # the file's only line ending is its last byte
            tail = tail[:-1]
        if tail:
            self._check_lines([tail])
        return self.report

    def _begin(self) -> bytes:
        """Sniff the file's first bytes; give them back without a byte order mark."""
        head, self._head = self._head or b"", None
        if head.startswith(_BINARY_STARTS):
            raise NotACsv("the file starts as a binary format")
        return head.removeprefix(UTF8_BOM)

    def _check_lines(self, lines: list[bytes]) -> None:
        report = self.report
        first_five = _FIRST_FIVE
        next_four = _NEXT_FOUR
        line_number = self._line
        for raw in lines:
            line_number += 1
            # The fast path: a whole line of exactly 10 digits (CRLF's CR removed).
            if raw[-1:] == b"\r":
                raw = raw[:-1]
            if self._seen_row:
                digits = raw
                if len(raw) == 12 and raw[3] == raw[7] == 32:  # 943 476 5919
                    digits = raw[:3] + raw[4:7] + raw[8:]
                if len(digits) == 10 and digits.isdigit():
                    expected = (11 - (first_five[digits[:5]] + next_four[digits[5:9]]) % 11) % 11
                    if expected == digits[9] - 48:
                        report.valid += 1
                        continue
            self._line = line_number
            self._check_slowly(raw)
        self._line = line_number

    def _check_slowly(self, raw: bytes) -> None:
        report = self.report
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            self._seen_row = True
            self._invalid(NOT_UTF8)
            return
        first_column = text.split(",", 1)[0]
        hidden = has_control_characters(first_column)
        if not text.strip() and not hidden:
            report.blank_lines += 1
            return
        value = first_column.strip()
        if len(value) >= 2 and value[0] == '"' and value[-1] == '"':
            value = value[1:-1].strip()
        if not self._seen_row:
            self._seen_row = True
            if not any(c.isdigit() for c in value) and value:
                report.header_line = self._line
                return
        problem = CONTROL_CHARACTER if hidden else nhs_number_problem(value)
        if problem is None:
            report.valid += 1
        else:
            self._invalid(problem)

    def _invalid(self, reason: str) -> None:
        self.report.invalid += 1
        if len(self.report.invalid_rows) < self.max_listed:
            self.report.invalid_rows.append(InvalidRow(self._line, reason))
