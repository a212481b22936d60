from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from questionnaire.engine.dspt import (
    MonthDay,
    dspt_publication_is_current,
    dspt_publication_lapses_on,
    latest_deadline_on_or_before,
)

JUNE_30 = MonthDay(6, 30)
FEB_29 = MonthDay(2, 29)


@pytest.mark.parametrize(
    ("published", "today", "deadline", "current"),
    [
        # The worked examples in PRODUCT.md
        (date(2025, 7, 1), date(2026, 11, 27), JUNE_30, True),
        (date(2025, 6, 30), date(2026, 11, 27), JUNE_30, False),
        (date(2026, 5, 1), date(2027, 7, 1), JUNE_30, False),
        # 30 June / 1 July boundary: on the deadline day, that deadline is the latest on or before t
        (date(2026, 5, 1), date(2027, 6, 29), JUNE_30, True),
        (date(2026, 5, 1), date(2027, 6, 30), JUNE_30, False),
        (date(2026, 7, 1), date(2027, 6, 30), JUNE_30, True),
        (date(2026, 6, 30), date(2027, 6, 30), JUNE_30, False),
        (date(2026, 6, 30), date(2027, 6, 29), JUNE_30, True),
        (date(2025, 7, 1), date(2026, 6, 30), JUNE_30, True),
        (date(2025, 7, 1), date(2026, 7, 1), JUNE_30, True),
        # today and the future
        (date(2026, 11, 27), date(2026, 11, 27), JUNE_30, True),
        (date(2026, 11, 28), date(2026, 11, 27), JUNE_30, False),
        # leap days as publication and as today
        (date(2024, 2, 29), date(2025, 2, 28), JUNE_30, True),
        (date(2024, 2, 29), date(2025, 6, 30), JUNE_30, False),
        # a 29 February deadline falls on 28 February in common years
        (date(2025, 3, 1), date(2026, 2, 28), FEB_29, True),
        (date(2025, 2, 28), date(2026, 2, 28), FEB_29, False),
        (date(2024, 3, 1), date(2025, 2, 28), FEB_29, True),
        # published on the 2024 deadline itself, so it belongs to the cycle before
        (date(2024, 2, 29), date(2025, 2, 28), FEB_29, False),
        (date(2024, 2, 29), date(2025, 2, 27), FEB_29, True),
        (date(2024, 2, 29), date(2026, 2, 28), FEB_29, False),
        (date(2027, 3, 1), date(2028, 2, 29), FEB_29, True),
        (date(2027, 3, 1), date(2029, 2, 28), FEB_29, False),
        (date(2027, 3, 1), date(2028, 2, 28), FEB_29, True),
    ],
)
def test_publication_currency_boundaries(published, today, deadline, current):
    assert dspt_publication_is_current(published, today, deadline) is current


@pytest.mark.parametrize(
    ("today", "deadline", "expected"),
    [
        (date(2026, 6, 30), JUNE_30, date(2026, 6, 30)),
        (date(2026, 6, 29), JUNE_30, date(2025, 6, 30)),
        (date(2026, 7, 1), JUNE_30, date(2026, 6, 30)),
        (date(2025, 3, 1), FEB_29, date(2025, 2, 28)),
        (date(2024, 2, 29), FEB_29, date(2024, 2, 29)),
        (date(2024, 2, 28), FEB_29, date(2023, 2, 28)),
    ],
)
def test_latest_deadline_on_or_before(today, deadline, expected):
    assert latest_deadline_on_or_before(today, deadline) == expected


@pytest.mark.parametrize("text", ["6-30", "06-30", " 06-30 "])
def test_deadline_parses(text):
    assert MonthDay.parse(text) == JUNE_30


@pytest.mark.parametrize("text", ["30-06", "06/30", "13-01", "02-30", "june"])
def test_deadline_rejects_nonsense(text):
    with pytest.raises(ValueError):
        MonthDay.parse(text)


deadlines = st.sampled_from([JUNE_30, FEB_29, MonthDay(3, 31), MonthDay(12, 31), MonthDay(1, 1)])
dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))


@given(published=dates, deadline=deadlines)
def test_lapse_date_is_the_first_day_not_current(published, deadline):
    lapses = dspt_publication_lapses_on(published, deadline)
    assert dspt_publication_is_current(published, lapses - timedelta(days=1), deadline)
    assert not dspt_publication_is_current(published, lapses, deadline)


@given(published=dates, today=dates, deadline=deadlines)
def test_current_only_between_publication_and_lapse(published, today, deadline):
    lapses = dspt_publication_lapses_on(published, deadline)
    expected = published <= today < lapses
    assert dspt_publication_is_current(published, today, deadline) is expected
