"""Working days: Monday to Friday, except England and Wales bank holidays.

Plain arithmetic on dates, with no Django: the bank holidays come from the maintained
``holidays`` library (England's list, which Wales shares), one year at a time."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def bank_holidays(year: int) -> frozenset[date]:
    """England and Wales bank holidays in ``year``, substitute days included."""
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in bank_holidays(day.year)


def working_days_between(start: date, end: date) -> int:
    """The working days after ``start`` up to and including ``end``: a submission on Monday
    3 March 2025 has been waiting 6 working days on Tuesday 11 March. Zero when ``end`` is
    not after ``start``."""
    if end <= start:
        return 0
    # Whole weeks hold five weekdays each; only the remainder and the holidays are walked.
    days = (end - start).days
    weeks, rest = divmod(days, 7)
    count = weeks * 5
    for offset in range(1, rest + 1):
        if (start + timedelta(days=offset)).weekday() < 5:
            count += 1
    for year in range(start.year, end.year + 1):
        count -= sum(1 for day in bank_holidays(year) if start < day <= end and day.weekday() < 5)
    return count


def add_working_days(start: date, count: int) -> date:
    """The day ``count`` working days after ``start`` (``start`` itself when ``count`` is 0)."""
    if count < 0:
        raise ValueError("count must not be negative")
    day = start
    while count:
        day += timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day
