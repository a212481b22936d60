"""The review times dashboard, for NHS England staff: submissions received, approved and returned
per week; working days from submission to decision (median and 90th percentile); how many wait
past the target. Decisions are read from ``Stage2Transition``; every read starts from
``applications_visible_to`` (ADR 0019)."""

from __future__ import annotations

import math
import statistics
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import User
from applications.models import Stage2Transition
from applications.selectors import applications_visible_to
from applications.states import Stage2State
from workflow.decisions.review_times import WITH_NHS_ENGLAND, review_target
from workflow.decisions.working_days import working_days_between

WEEKS = 12
S = Stage2State
COUNTED = (S.SUBMITTED, S.APPROVED, S.CHANGES_REQUESTED)


@dataclass(frozen=True)
class Week:
    start: date
    received: int
    approved: int
    returned: int


@dataclass(frozen=True)
class Dashboard:
    weeks: list[Week]
    since: date
    decisions: int
    median_days: float | None
    p90_days: int | None
    waiting: int
    overdue: int
    target: int


def _local_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _local_day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def nearest_rank(values: list[int], percent: int) -> int:
    """The nearest-rank percentile: the smallest value with ``percent`` per cent at or below it."""
    ordered = sorted(values)
    return ordered[max(math.ceil(percent / 100 * len(ordered)), 1) - 1]


def overdue_cutoff(today: date, target: int) -> date:
    """The latest submission day that is past the target today: every day up to it is overdue,
    every day after it is not (working days only grow with the distance)."""
    day = today
    while working_days_between(day, today) <= target:
        day -= timedelta(days=1)
    return day


def review_dashboard(*, user: User, today: date) -> Dashboard:
    """Three queries, whatever the number of applications: the window's transitions, the
    submissions its decisions decided on, and the counts of those waiting."""
    since = today - timedelta(days=today.weekday() + 7 * (WEEKS - 1))
    visible = applications_visible_to(user)
    moves = list(
        Stage2Transition.objects.filter(
            application__in=visible, at__gte=_local_start(since), to_state__in=COUNTED
        )
        # Resuming a pause restores a state: it is neither a submission nor a decision.
        .exclude(from_state=S.PAUSED)
        .values_list("application_id", "to_state", "at")
    )
    counts: dict[date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    decisions = []
    for application_id, to_state, at in moves:
        day = _local_day(at)
        counts[day - timedelta(days=day.weekday())][to_state] += 1
        if to_state != S.SUBMITTED:
            decisions.append((application_id, at))

    # Each decision decided on the application's latest submission before it.
    submitted: dict[object, list[datetime]] = defaultdict(list)
    for application_id, at in (
        Stage2Transition.objects.filter(
            application_id__in={application_id for application_id, _ in decisions},
            to_state=S.SUBMITTED,
        )
        .exclude(from_state=S.PAUSED)
        .order_by("at")
        .values_list("application_id", "at")
    ):
        submitted[application_id].append(at)
    days = []
    for application_id, decided_at in decisions:
        times = submitted[application_id]
        index = bisect_right(times, decided_at)
        if index:
            days.append(working_days_between(_local_day(times[index - 1]), _local_day(decided_at)))

    target = review_target()
    cutoff = overdue_cutoff(today, target)
    waiting = visible.filter(stage2_state__in=WITH_NHS_ENGLAND).aggregate(
        waiting=Count("pk"),
        overdue=Count("pk", filter=Q(stage2_submitted_at__lt=_local_start(cutoff + timedelta(1)))),
    )
    weeks = [
        Week(
            start=start,
            received=counts[start][S.SUBMITTED],
            approved=counts[start][S.APPROVED],
            returned=counts[start][S.CHANGES_REQUESTED],
        )
        for start in (since + timedelta(weeks=n) for n in range(WEEKS))
    ]
    return Dashboard(
        weeks=weeks,
        since=since,
        decisions=len(days),
        median_days=statistics.median(days) if days else None,
        p90_days=nearest_rank(days, 90) if days else None,
        waiting=waiting["waiting"],
        overdue=waiting["overdue"],
        target=target,
    )


# The chart: numbers only here; the template draws it (review/_weekly_chart.jinja). Across, in
# per cent of the plot's width, so that it fills any screen from a phone's to a desktop's; up, in
# pixels. The SVG has no viewBox, so nothing is scaled: its text is drawn at the size the CSS
# gives it (the body text's, static/css/app.css), never shrunk with the chart. The axis labels sit
# in the SVG's CSS padding, outside the plot.
PLOT_TOP = 10
PLOT_HEIGHT = 240
LABELS_HEIGHT = 40  # below the axis, for the week labels
SERIES = (
    ("received", "Received", "app-chart__bar--received"),
    ("approved", "Approved", "app-chart__bar--approved"),
    ("returned", "Returned for changes", "app-chart__bar--returned"),
)
# Twelve week labels do not fit across a phone or a tablet at the body text's size: a phone shows
# every fourth and a tablet every second, counted back from the latest week, which is always shown.
WEEK_LABEL_CLASSES = (
    "",
    "app-chart__week--desktop",
    "app-chart__week--tablet",
    "app-chart__week--desktop",
)


@dataclass(frozen=True)
class Bar:
    x: float  # per cent
    y: float
    width: float  # per cent
    height: float
    css_class: str
    label: str


@dataclass(frozen=True)
class Tick:
    y: float
    value: int


@dataclass(frozen=True)
class WeekLabel:
    x: float  # per cent, the middle of the week's bars
    text: str
    css_class: str


@dataclass(frozen=True)
class Chart:
    height: int
    bottom: int
    bars: list[Bar]
    ticks: list[Tick]
    week_labels: list[WeekLabel]
    series: tuple[tuple[str, str, str], ...]


def weekly_chart(weeks: list[Week], week_label: object) -> Chart:
    """Grouped bars, one group a week, on a scale from 0 to a whole number of at least 4."""
    top = max([4, *(getattr(w, key) for w in weeks for key, _, _ in SERIES)])
    step = math.ceil(top / 4)
    top = step * 4
    bottom = PLOT_TOP + PLOT_HEIGHT
    group = 100 / len(weeks)
    bar_width = group * 0.8 / len(SERIES)
    bars = []
    labels = []
    for index, week in enumerate(weeks):
        x0 = index * group + group * 0.1
        text = week_label(week.start)  # type: ignore[operator]
        back = len(weeks) - 1 - index
        labels.append(
            WeekLabel(round(index * group + group / 2, 3), text, WEEK_LABEL_CLASSES[back % 4])
        )
        for position, (key, name, css_class) in enumerate(SERIES):
            value = getattr(week, key)
            height = PLOT_HEIGHT * value / top
            bars.append(
                Bar(
                    x=round(x0 + position * bar_width, 3),
                    y=round(bottom - height, 1),
                    width=round(bar_width, 3),
                    height=round(height, 1),
                    css_class=css_class,
                    label=f"Week beginning {text}: {value} {name.lower()}",
                )
            )
    ticks = [
        Tick(y=round(bottom - PLOT_HEIGHT * value / top, 1), value=value)
        for value in range(0, top + 1, step)
    ]
    return Chart(
        height=bottom + LABELS_HEIGHT,
        bottom=bottom,
        bars=bars,
        ticks=ticks,
        week_labels=labels,
        series=SERIES,
    )
