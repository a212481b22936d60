"""The NHS number checker's engine: format, the Modulus 11 check digit (against the `nhs-number`
library), and reading a CSV as it streams (BOM, header, CRLF, blank lines, bad bytes, chunks)."""

import nhs_number
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nhs_numbers.checking import (
    CHECK_DIGIT,
    MISSING,
    NO_CHECK_DIGIT,
    NOT_NUMBERS,
    NOT_UTF8,
    WRONG_GROUPING,
    CheckReport,
    InvalidRow,
    NhsNumberFileCheck,
    NotACsv,
    check_digit,
    digit_count_reason,
    nhs_number_problem,
)


def check(data: bytes, *, chunk: int = 65536, max_listed: int = 1000):
    checker = NhsNumberFileCheck(max_listed=max_listed)
    for start in range(0, len(data), chunk):
        checker.feed(data[start : start + chunk])
    return checker.finish()


@pytest.mark.parametrize("value", ["9434765919", "943 476 5919", "943-476-5919", "4010232137"])
def test_known_valid_numbers_are_valid(value):
    assert nhs_number_problem(value) is None
    assert nhs_number.is_valid(value)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("9434765918", CHECK_DIGIT),
        ("943 476 5918", CHECK_DIGIT),
        ("", MISSING),
        ("943476591", digit_count_reason(9)),
        ("94347659190", digit_count_reason(11)),
        ("943 4765 919", WRONG_GROUPING),
        ("943 476-5919", WRONG_GROUPING),
        ("943476591X", NOT_NUMBERS),
        ("1", digit_count_reason(1)),
    ],
)
def test_invalid_numbers_say_why(value, reason):
    assert nhs_number_problem(value) == reason
    assert not nhs_number.is_valid(value)


def test_digits_other_than_ascii_are_not_numbers():
    # Arabic-Indic digits are digits to Python's str.isdigit and re's \\d, not in an NHS number.
    assert nhs_number_problem("٩٤٣٤٧٦٥٩١٩") == NOT_NUMBERS
    assert nhs_number_problem("٩٤٣ ٤٧٦ ٥٩١٩") == NOT_NUMBERS


def test_a_check_digit_of_ten_means_no_number_has_those_nine_digits():
    assert check_digit("000000006") == 10
    assert nhs_number.calculate_checksum("000000006") == 10
    for last in "0123456789":
        assert nhs_number_problem("000000006" + last) == NO_CHECK_DIGIT


@given(st.from_regex(r"[0-9]{9}", fullmatch=True))
def test_the_check_digit_is_the_librarys(first_nine):
    assert check_digit(first_nine) == nhs_number.calculate_checksum(first_nine) % 11


@given(st.from_regex(r"[0-9]{10}", fullmatch=True))
def test_validity_agrees_with_the_library_outside_scotlands_chi_range(value):
    # nhs-number also refuses a CHI number (010 101 0000 to 311 299 9999) whose first 6 digits
    # are not a date; NIR takes NHS numbers from England, and this checker judges format and
    # check digit only.
    if nhs_number.REGION_SCOTLAND.contains_number(value):
        return
    assert (nhs_number_problem(value) is None) == nhs_number.is_valid(value)


def test_a_file_with_bad_rows_reports_each_with_its_line_and_reason():
    data = (
        b"\xef\xbb\xbfNHS number,Name\r\n"  # BOM and a header
        b"9434765919,Ann\r\n"
        b"\r\n"
        b"943 476 5919\r\n"
        b'"943 476 5919",quoted\r\n'
        b"9434765918\r\n"
        b"  \r\n"
        b"12345\r\n"
        b"caf\xe9\r\n"  # Latin-1, not UTF-8
        b",no number\r\n"
        b"4010232137"  # no line ending at the end
    )
    report = check(data)
    assert report.header_line == 1
    assert (report.valid, report.invalid, report.blank_lines) == (4, 4, 2)
    assert report.checked == 8
    assert report.invalid_rows == [
        InvalidRow(6, CHECK_DIGIT),
        InvalidRow(8, digit_count_reason(5)),
        InvalidRow(9, NOT_UTF8),
        InvalidRow(10, MISSING),
    ]


@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 11, 12, 13, 4096])
def test_chunk_boundaries_do_not_change_the_report(chunk):
    data = b"\xef\xbb\xbfnhs_number\r\n9434765919\r\n9434765918\r\n\r\n943 476 5919\r\n"
    report = check(data, chunk=chunk)
    assert (report.valid, report.invalid, report.blank_lines, report.header_line) == (2, 1, 1, 1)
    assert report.invalid_rows == [InvalidRow(3, CHECK_DIGIT)]


@pytest.mark.parametrize("newline", [b"\n", b"\r\n", b"\r"])
def test_lf_crlf_and_cr_alone_end_lines(newline):
    data = newline.join([b"9434765919", b"9434765918", b"4010232137"]) + newline
    report = check(data, chunk=5)
    assert (report.valid, report.invalid) == (2, 1)
    assert report.invalid_rows == [InvalidRow(2, CHECK_DIGIT)]


def test_a_first_row_with_a_number_is_checked_not_taken_as_a_header():
    report = check(b"9434765918\n9434765919\n")
    assert report.header_line is None
    assert report.invalid_rows == [InvalidRow(1, CHECK_DIGIT)]
    assert report.valid == 1


def test_only_the_first_rows_are_listed_and_the_rest_counted():
    report = check(b"9434765918\n" * 25 + b"9434765919\n", max_listed=10)
    assert report.invalid == 25 and len(report.invalid_rows) == 10
    assert report.unlisted == 15
    assert [row.line for row in report.invalid_rows] == list(range(1, 11))


@pytest.mark.parametrize(
    "data",
    [
        "9434765919\n".encode("utf-16"),  # NUL bytes
        b"%PDF-1.7\n9434765919\n",
        b"PK\x03\x04\x14\x00 an xlsx",
        b"\x89PNG\r\n\x1a\n",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
    ],
)
def test_what_is_not_a_csv_is_refused(data):
    with pytest.raises(NotACsv):
        check(data, chunk=3)


def test_an_empty_or_blank_file_has_nothing_to_check():
    assert check(b"").checked == 0
    assert check(b"\r\n\r\n").blank_lines == 2


def _fed(data: bytes, chunk: int) -> CheckReport:
    check = NhsNumberFileCheck()
    for offset in range(0, len(data), chunk):
        check.feed(data[offset : offset + chunk])
    return check.finish()


@pytest.mark.parametrize("newline", [b"\n", b"\r\n", b"\r"], ids=["LF", "CRLF", "CR"])
@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 64 * 1024])
def test_a_line_longer_than_many_chunks_is_one_row_and_the_lines_after_it_are_numbered_right(
    newline, chunk
):
    """A huge line is held as it streams and judged once it ends (kept in its chunks, so a 19MB
    line is checked in one pass rather than copied once per chunk: bench/nhs_numbers.py)."""
    long_line = b"9" * (3 * 64 * 1024 + 5) if chunk == 64 * 1024 else b"9" * 40
    data = newline.join([b"NHS number", b"9434765919", long_line, b"", b"9434765918", b"x"])
    report = _fed(data, chunk)
    assert (report.header_line, report.valid, report.invalid, report.blank_lines) == (1, 1, 3, 1)
    assert [(row.line, row.reason) for row in report.invalid_rows] == [
        (3, f"Has {len(long_line)} digits: an NHS number has 10"),
        (5, "The check digit is wrong (Modulus 11)"),
        (6, "Contains characters other than numbers, spaces and dashes"),
    ]


@pytest.mark.parametrize("chunk", [1, 11, 12, 13, 64 * 1024])
def test_a_cr_only_file_whose_first_cr_ends_a_chunk_is_split_at_it(chunk):
    data = b"9434765919\r" + b"9434765918\r" + b"943 476 5919"
    report = _fed(data, chunk)
    assert (report.valid, report.invalid) == (2, 1)
    assert [(row.line, row.reason) for row in report.invalid_rows] == [
        (2, "The check digit is wrong (Modulus 11)")
    ]


def test_a_cr_at_the_end_of_a_chunk_then_a_chunk_without_one_is_a_line_ending():
    check = NhsNumberFileCheck()
    for chunk in (b"9434765919\r", b"94347659", b"18"):
        check.feed(chunk)
    report = check.finish()
    assert (report.valid, report.invalid) == (1, 1)
    assert [(row.line, row.reason) for row in report.invalid_rows] == [
        (2, "The check digit is wrong (Modulus 11)")
    ]
