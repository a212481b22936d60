"""Moments on pages read as the NHS writes them, in Europe/London (config/jinja2_env.py)."""

from datetime import UTC, datetime

import pytest

from config.jinja2_env import localdatetime_text


@pytest.mark.parametrize(
    ("moment", "text"),
    [
        (datetime(2026, 12, 6, 9, 5, tzinfo=UTC), "6 December 2026 at 9:05am"),
        (datetime(2026, 12, 6, 12, 0, tzinfo=UTC), "6 December 2026 at midday"),
        (datetime(2026, 12, 6, 0, 0, tzinfo=UTC), "6 December 2026 at midnight"),
        (datetime(2026, 12, 6, 17, 0, tzinfo=UTC), "6 December 2026 at 5pm"),
        # British Summer Time: 23:30 UTC is half past midnight the next day in London.
        (datetime(2026, 7, 1, 23, 30, tzinfo=UTC), "2 July 2026 at 12:30am"),
        (None, ""),
    ],
)
def test_a_moment_reads_as_date_and_time_in_london(moment, text):
    assert localdatetime_text(moment) == text
