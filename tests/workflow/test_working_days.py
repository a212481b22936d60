"""Working days skip weekends and England and Wales bank holidays
(workflow/decisions/working_days.py)."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workflow.decisions.working_days import (
    add_working_days,
    bank_holidays,
    is_working_day,
    working_days_between,
)

DAYS = st.dates(min_value=date(2020, 1, 1), max_value=date(2032, 12, 31))


def walked(start: date, end: date) -> int:
    """The definition, one day at a time, to check the arithmetic's shortcut against."""
    return sum(
        1
        for offset in range(1, (end - start).days + 1)
        if is_working_day(start + timedelta(offset))
    )


@pytest.mark.parametrize(
    ("start", "end", "expected", "why"),
    [
        (date(2025, 3, 3), date(2025, 3, 11), 6, "the issue's example: Monday to next Tuesday"),
        (date(2025, 3, 3), date(2025, 3, 3), 0, "the day of submission counts for nothing"),
        (date(2025, 3, 7), date(2025, 3, 10), 1, "Friday to Monday: the weekend is skipped"),
        (date(2025, 3, 8), date(2025, 3, 9), 0, "Saturday to Sunday"),
        # Christmas 2025: Thursday 25 and Friday 26 December are bank holidays.
        (date(2025, 12, 24), date(2025, 12, 29), 1, "over Christmas, Boxing Day and a weekend"),
        # 2026: Boxing Day is a Saturday; Monday 28 December is the substitute day.
        (date(2026, 12, 24), date(2026, 12, 29), 1, "a substitute bank holiday is skipped"),
        # Easter 2025: Good Friday 18 April, Easter Monday 21 April.
        (date(2025, 4, 17), date(2025, 4, 22), 1, "over Easter"),
        (date(2025, 12, 31), date(2026, 1, 2), 1, "New Year's Day, across a year's end"),
        (date(2025, 5, 2), date(2025, 5, 6), 1, "the early May bank holiday"),
        (date(2025, 3, 11), date(2025, 3, 3), 0, "an end before the start"),
    ],
)
def test_working_days_between(start, end, expected, why):
    assert working_days_between(start, end) == expected, why


@pytest.mark.parametrize(
    ("start", "count", "expected"),
    [
        (date(2025, 3, 3), 10, date(2025, 3, 17)),
        (date(2025, 12, 19), 10, date(2026, 1, 7)),  # Christmas, Boxing Day, New Year's Day
        (date(2025, 4, 14), 5, date(2025, 4, 23)),  # Good Friday and Easter Monday
        (date(2025, 3, 8), 0, date(2025, 3, 8)),
    ],
)
def test_add_working_days(start, count, expected):
    assert add_working_days(start, count) == expected


def test_bank_holidays_are_england_and_wales():
    days_2025 = bank_holidays(2025)
    assert date(2025, 12, 25) in days_2025
    assert date(2025, 4, 21) in days_2025  # Easter Monday: not a Scottish bank holiday
    assert date(2025, 1, 2) not in days_2025  # a Scottish bank holiday
    assert date(2025, 3, 17) not in days_2025  # St Patrick's Day: Northern Ireland's
    assert date(2025, 8, 25) in days_2025  # late summer (Scotland's is 4 August)


def test_a_negative_count_is_refused():
    with pytest.raises(ValueError):
        add_working_days(date(2025, 3, 3), -1)


@given(start=DAYS, length=st.integers(min_value=0, max_value=800))
def test_the_arithmetic_agrees_with_walking_each_day(start, length):
    end = start + timedelta(days=length)
    assert working_days_between(start, end) == walked(start, end)


@given(a=DAYS, b=DAYS, c=DAYS)
def test_spans_add_up(a, b, c):
    a, b, c = sorted((a, b, c))
    assert working_days_between(a, b) + working_days_between(b, c) == working_days_between(a, c)


@given(start=DAYS, count=st.integers(min_value=0, max_value=300))
def test_adding_n_working_days_is_n_working_days_later_on_a_working_day(start, count):
    end = add_working_days(start, count)
    assert working_days_between(start, end) == count
    if count:
        assert is_working_day(end)
        # and it is the first such day: the day before is one working day short
        assert working_days_between(start, end - timedelta(days=1)) == count - 1


@given(start=DAYS, length=st.integers(min_value=0, max_value=800))
def test_never_more_than_the_weekdays(start, length):
    end = start + timedelta(days=length)
    weekdays = sum(1 for i in range(1, length + 1) if (start + timedelta(i)).weekday() < 5)
    between = working_days_between(start, end)
    assert between <= weekdays
    # Usually 8 bank holidays a year; 2022 had 10 (the Platinum Jubilee and the State Funeral).
    assert weekdays - between <= 10 * (end.year - start.year + 1)
