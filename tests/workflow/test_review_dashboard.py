"""The review times dashboard: submissions received, approved and returned per week, working
days from submission to decision (median and 90th percentile), and those waiting past the
target, all read from the Stage 2 transitions. Today is Friday 27 November 2026
(tests/conftest.py); the twelve weeks shown begin on Monday 7 September 2026."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from applications.models import Application
from review.dashboard import nearest_rank, overdue_cutoff, review_dashboard
from tests.web.conftest import signed_in
from tests.web.test_application_page import text_of
from workflow.state_machine.transitions import stage2_transition

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def history(organisation, member, reviewer, monkeypatch, fixed_today):
    """Applications moved through Stage 2 at set times (the transitions are append-only, so the
    clock is set while each is written)."""
    real_now = timezone.now

    def application(*moves):
        app = Application.objects.create(
            organisation=organisation, scope="both", role="controller", created_by=member
        )
        for when, to_state in moves:
            moment = datetime(*when, 10, 0, tzinfo=LONDON)
            monkeypatch.setattr(timezone, "now", lambda moment=moment: moment)
            stage2_transition(application=app, to_state=to_state, actor=reviewer, reason="test")
        monkeypatch.setattr(timezone, "now", real_now)
        return app

    S, R, A, C, P = "submitted", "in_review", "approved", "changes_requested", "paused"
    application(((2026, 11, 2), S), ((2026, 11, 3), R), ((2026, 11, 9), A))  # 5 working days
    application(
        ((2026, 11, 2), S),
        ((2026, 11, 3), R),
        ((2026, 11, 13), C),  # 9 working days
        ((2026, 11, 16), S),
        ((2026, 11, 17), R),
        ((2026, 11, 20), A),  # 4 working days after the resubmission
    )
    application(((2026, 11, 12), S), ((2026, 11, 13), R))  # 11 working days: overdue
    application(((2026, 11, 20), S))  # 5 working days
    # Submitted before the twelve weeks, decided in the first: 25 working days (with the
    # August bank holiday, Monday 31 August 2026, not counted).
    application(((2026, 8, 3), S), ((2026, 8, 4), R), ((2026, 9, 8), A))
    # Paused and resumed: one submission, not two.
    application(((2026, 11, 23), S), ((2026, 11, 24), P), ((2026, 11, 25), S))
    # A draft no one has submitted is not NHS England's.
    Application.objects.create(
        organisation=organisation, scope="consumer", role="controller", created_by=member
    )


def weeks_by_start(dashboard):
    return {
        week.start.isoformat(): (week.received, week.approved, week.returned)
        for week in dashboard.weeks
        if (week.received, week.approved, week.returned) != (0, 0, 0)
    }


def test_the_figures(history, reviewer, fixed_today):
    with CaptureQueriesContext(connection) as captured:
        dashboard = review_dashboard(user=reviewer, today=fixed_today)
    assert len(captured.captured_queries) == 3
    assert dashboard.since.isoformat() == "2026-09-07"
    assert len(dashboard.weeks) == 12
    assert weeks_by_start(dashboard) == {
        "2026-09-07": (0, 1, 0),
        "2026-11-02": (2, 0, 0),
        "2026-11-09": (1, 1, 1),
        "2026-11-16": (2, 1, 0),
        "2026-11-23": (1, 0, 0),
    }
    assert dashboard.decisions == 4  # 4, 5, 9 and 25 working days
    assert dashboard.median_days == 7
    assert dashboard.p90_days == 25
    assert (dashboard.waiting, dashboard.overdue, dashboard.target) == (3, 1, 10)


def test_the_target_setting_moves_what_is_overdue(history, reviewer, fixed_today, settings):
    settings.REVIEW_TARGET_WORKING_DAYS = 4
    dashboard = review_dashboard(user=reviewer, today=fixed_today)
    assert (dashboard.waiting, dashboard.overdue) == (3, 2)


def test_an_applicant_reads_nothing_of_other_organisations(history, outsider, fixed_today):
    dashboard = review_dashboard(user=outsider, today=fixed_today)
    assert weeks_by_start(dashboard) == {}
    assert (dashboard.decisions, dashboard.waiting, dashboard.overdue) == (0, 0, 0)


def test_the_page_has_the_figures_a_table_and_an_accessible_chart(history, reviewer):
    page = signed_in(reviewer).get("/review/dashboard")
    assert page.status_code == 200
    html = page.content.decode()
    text = text_of(html)
    assert "Median time to decision 7 working days" in text
    assert "90th percentile time to decision 25 working days" in text
    assert "Waiting past the target 1 of 3 with NHS England" in text
    assert "Week beginning Received Approved Returned for changes" in text
    # The responsive table repeats each column's heading in its cell, for a phone.
    assert "Week beginning 9 November 2026 Received 1 Approved 1 Returned for changes 1" in text
    svg = re.search(r"<svg class=\"app-chart\".*?</svg>", html, re.S).group(0)
    assert 'role="img"' in svg
    assert 'aria-labelledby="weekly-chart-title weekly-chart-desc"' in svg
    assert '<title id="weekly-chart-title">Submissions received, approved and returned' in svg
    assert "6 received, 3 approved and 1 returned for changes in all" in svg
    assert len(re.findall(r"<rect ", svg)) == 36
    assert "Week beginning 9 Nov: 1 returned for changes" in svg


def test_the_queue_links_to_the_dashboard(reviewer):
    assert 'href="/review/dashboard"' in signed_in(reviewer).get("/review").content.decode()


def test_no_decisions_yet(reviewer, fixed_today):
    page = text_of(signed_in(reviewer).get("/review/dashboard").content.decode())
    assert "Median time to decision No decisions yet" in page
    assert "Waiting past the target 0 of 0 with NHS England" in page


@pytest.mark.parametrize(
    ("values", "percent", "expected"),
    [([1], 90, 1), ([4, 5, 9, 25], 90, 25), (list(range(1, 11)), 90, 9), ([3, 1, 2], 50, 2)],
)
def test_nearest_rank(values, percent, expected):
    assert nearest_rank(values, percent) == expected


def test_overdue_cutoff_is_the_last_overdue_day(fixed_today):
    from workflow.decisions.working_days import working_days_between

    cutoff = overdue_cutoff(fixed_today, 10)
    assert cutoff.isoformat() == "2026-11-12"
    assert working_days_between(cutoff, fixed_today) == 11
    assert working_days_between(cutoff.replace(day=13), fixed_today) == 10
