"""When something happened, as the NHS content style writes it, in the service's time zone
(Europe/London, so British Summer Time is shown as people read their clocks).

    Today at 9am · Yesterday at 2:05pm · 4 December 2026 at midday

Times use the 12-hour clock with "am"/"pm" and no leading zero, ":00" left out, and "midday" and
"midnight" rather than 12pm and 12am (NHS digital service manual, content style guide: numbers,
measurements, dates and time)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from questionnaire.engine.answers import format_date


def time_text(value: datetime) -> str:
    """The local time of day: 9am, 2:05pm, midday, midnight."""
    local = timezone.localtime(value)
    if local.minute == 0 and local.hour in (0, 12):
        return "midnight" if local.hour == 0 else "midday"
    hour = local.hour % 12 or 12
    minutes = f":{local.minute:02d}" if local.minute else ""
    return f"{hour}{minutes}{'am' if local.hour < 12 else 'pm'}"


def when_text(value: datetime | None, now: datetime | None = None) -> str:
    """The local date and time, with "Today" and "Yesterday" for the two most recent days."""
    if value is None:
        return ""
    day = timezone.localtime(value).date()
    today = timezone.localtime(now or timezone.now()).date()
    if day == today:
        date_text = "Today"
    elif day == today - timedelta(days=1):
        date_text = "Yesterday"
    else:
        date_text = format_date(day)
    return f"{date_text} at {time_text(value)}"
