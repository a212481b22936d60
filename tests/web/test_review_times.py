"""Review times in the open: the applicant sees how long their submission has been with NHS
England against the published target; the reviewer's queue and page show the same, and
overdue submissions stand out. Today is pinned to Friday 27 November 2026 (tests/conftest.py)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from applications.models import Application
from tests.answer_sets import SUPPLIER
from tests.web.conftest import signed_in
from tests.web.test_application_page import text_of
from tests.workflow.test_review_cycle import Reviewer

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def submitted(applicant):
    applicant.answer_all(SUPPLIER)
    assert applicant.submit().status_code == 302
    return Application.objects.get()


def submitted_on(application, day: int) -> None:
    """Set when the submission reached NHS England (November 2026), as if it had been then."""
    Application.objects.filter(pk=application.pk).update(
        stage2_submitted_at=datetime(2026, 11, day, 9, 30, tzinfo=LONDON)
    )


def queue_row(client, application) -> str:
    html = client.get("/review").content.decode()
    start = html.index(application.reference)
    return text_of(html[start : html.index("</tr>", start)])


def test_the_applicant_sees_the_working_days_and_the_target(applicant, submitted):
    submitted_on(submitted, 13)  # a Friday: ten working days before Friday 27 November
    page = text_of(applicant.client.get(applicant.application_url).content.decode())
    assert "With NHS England since 13 November 2026, 10 working days." in page
    assert (
        "NHS England aims to decide within 10 working days of a submission: "
        "for yours, by 27 November 2026." in page
    )


def test_the_applicant_is_told_when_the_target_has_passed(applicant, submitted):
    submitted_on(submitted, 12)
    page = text_of(applicant.client.get(applicant.application_url).content.decode())
    assert "With NHS England since 12 November 2026, 11 working days." in page
    assert "Your submission is past this target" in page


def test_the_target_is_a_setting(applicant, submitted, settings):
    settings.REVIEW_TARGET_WORKING_DAYS = 15
    submitted_on(submitted, 12)
    page = text_of(applicant.client.get(applicant.application_url).content.decode())
    assert "aims to decide within 15 working days of a submission: for yours, by 3 December" in page


def test_the_queue_shows_working_days_against_the_target_and_marks_the_overdue(submitted, reviewer):
    client = signed_in(reviewer)
    submitted_on(submitted, 13)
    row = queue_row(client, submitted)
    assert row.endswith("10 of 10")
    assert "Overdue" not in row
    submitted_on(submitted, 12)
    row = queue_row(client, submitted)
    assert row.endswith("11 of 10 Overdue")
    assert 'nhsuk-tag--red">Overdue' in client.get("/review").content.decode()


def test_the_reviewers_page_shows_the_time_with_nhs_england(submitted, reviewer):
    submitted_on(submitted, 12)
    page = text_of(signed_in(reviewer).get(f"/review/applications/{submitted.pk}").content.decode())
    assert (
        "With NHS England 11 working days of the 10-day target (due 26 November 2026) Overdue"
        in (page)
    )


def test_the_clock_stops_when_changes_are_requested(applicant, submitted, reviewer):
    submitted_on(submitted, 12)
    client = signed_in(reviewer)
    desk = Reviewer(client, submitted)
    desk.post("/start")
    assert queue_row(client, submitted).endswith("11 of 10 Overdue")
    desk.post("/request-changes", {"comment-s_cso": "Name the CSO"})
    assert queue_row(client, submitted).endswith("Not with NHS England")
    page = text_of(applicant.client.get(applicant.application_url).content.decode())
    assert "With NHS England since" not in page
    assert "working days" not in page
