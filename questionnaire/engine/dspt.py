"""Data Security and Protection Toolkit (DSPT) publication currency.

The DSPT is published yearly against a deadline (30 June unless configured otherwise). A
publication date ``p`` is current on day ``t`` when ``p <= t`` and ``p`` falls after the deadline
one year before the latest deadline on or before ``t``.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class MonthDay:
    """A yearly deadline such as 30 June. 29 February falls back to 28 February in common years."""

    month: int
    day: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise ValueError(f"month must be 1 to 12, not {self.month}")
        # 2000 is a leap year, so this accepts 29 February and rejects 30 February.
        if not 1 <= self.day <= calendar.monthrange(2000, self.month)[1]:
            raise ValueError(f"day {self.day} does not exist in month {self.month}")

    @classmethod
    def parse(cls, text: str) -> MonthDay:
        """Parse ``MM-DD`` (for example ``06-30``)."""
        match = re.fullmatch(r"(\d{1,2})-(\d{1,2})", text.strip())
        if not match:
            raise ValueError(f"expected a deadline as MM-DD, got {text!r}")
        return cls(int(match.group(1)), int(match.group(2)))

    def in_year(self, year: int) -> date:
        day = min(self.day, calendar.monthrange(year, self.month)[1])
        return date(year, self.month, day)


DEFAULT_DEADLINE = MonthDay(6, 30)


def latest_deadline_on_or_before(today: date, deadline: MonthDay = DEFAULT_DEADLINE) -> date:
    this_year = deadline.in_year(today.year)
    return this_year if this_year <= today else deadline.in_year(today.year - 1)


def dspt_publication_is_current(
    published: date, today: date, deadline: MonthDay = DEFAULT_DEADLINE
) -> bool:
    """True when a DSPT publication dated ``published`` is current on ``today``."""
    if published > today:
        return False
    latest = latest_deadline_on_or_before(today, deadline)
    return published > deadline.in_year(latest.year - 1)


def dspt_publication_lapses_on(published: date, deadline: MonthDay = DEFAULT_DEADLINE) -> date:
    """The first day on which a publication dated ``published`` is no longer current.

    With D(y) the first deadline on or after publication, the publication is current until the
    day before D(y+1): on D(y+1) itself that deadline is the latest on or before today, and the
    publication no longer falls after the deadline a year before it.
    """
    first_deadline = deadline.in_year(published.year)
    if first_deadline < published:
        first_deadline = deadline.in_year(published.year + 1)
    return deadline.in_year(first_deadline.year + 1)
