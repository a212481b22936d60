"""The reviewer's timeline reads as a person would write it (issue 24, item 5): each event's date
and time in UK time with "Today" and "Yesterday", the person, the event in words with its question
named as the applicant was asked it, plurals written out; filtered by kind and by who; paged."""

import re
from datetime import UTC, datetime

import pytest
from django.utils import timezone

from applications.models import Application
from core.text import plural
from core.when import time_text, when_text
from tests.answer_sets import SUPPLIER
from tests.visible import texts, visible_text, words
from tests.web.conftest import signed_in
from tests.workflow.test_review_cycle import Reviewer

INTERNAL_ID = re.compile(r"\b[a-z]{1,3}_[a-z_]+\b")


@pytest.mark.parametrize(
    ("utc", "shown"),
    [
        (datetime(2026, 12, 6, 9, 0, tzinfo=UTC), "9am"),
        (datetime(2026, 12, 6, 14, 5, tzinfo=UTC), "2:05pm"),
        (datetime(2026, 12, 6, 12, 0, tzinfo=UTC), "midday"),
        (datetime(2026, 12, 6, 0, 0, tzinfo=UTC), "midnight"),
        (datetime(2026, 12, 6, 0, 30, tzinfo=UTC), "12:30am"),
        (datetime(2026, 12, 6, 12, 30, tzinfo=UTC), "12:30pm"),
        # British Summer Time: 08:00 UTC is 9am in London.
        (datetime(2026, 7, 1, 8, 0, tzinfo=UTC), "9am"),
    ],
)
def test_a_time_is_written_in_the_nhs_style_in_uk_time(utc, shown):
    assert time_text(utc) == shown


def test_today_and_yesterday_are_named_and_older_days_dated_in_uk_time():
    now = datetime(2026, 7, 2, 10, 0, tzinfo=UTC)
    assert when_text(datetime(2026, 7, 2, 8, 15, tzinfo=UTC), now) == "Today at 9:15am"
    # 23:30 UTC on 30 June is 12:30am on 1 July in London: yesterday, not the day before.
    assert when_text(datetime(2026, 6, 30, 23, 30, tzinfo=UTC), now) == "Yesterday at 12:30am"
    assert when_text(datetime(2026, 6, 30, 22, 30, tzinfo=UTC), now) == "30 June 2026 at 11:30pm"
    assert when_text(None, now) == ""


def test_plurals_are_written_out():
    assert plural(1, "answer") == "1 answer"
    assert plural(2, "answer") == "2 answers"
    assert plural(0, "answer") == "0 answers"
    assert plural(3, "person", "people") == "3 people"


@pytest.fixture
def history(applicant, reviewer):
    """An application with a full history: answered, submitted, a change asked for and made, a
    hold raised and lifted, a document requested."""
    applicant.answer_all(SUPPLIER)
    assert applicant.submit().status_code == 302
    application = Application.objects.get()
    desk = Reviewer(signed_in(reviewer), application)
    assert desk.post("/start").status_code == 302
    changes = desk.post("/request-changes", {"comment-s_cso": "Give the registration number."})
    assert changes.status_code == 302
    assert applicant.answer("s_cso", {"answer": "Dr Ada Lovelace, UKCSO 42"}).status_code == 302
    assert applicant.submit().status_code == 302
    assert desk.post("/start").status_code == 302
    assert desk.post("/holds/new", {"reason": "Waiting for the DPIA."}).status_code == 302
    hold = application.holds.get()
    lifted = desk.post(f"/holds/{hold.pk}/lift", {"reason": "The DPIA arrived."})
    assert lifted.status_code == 302
    requested = desk.post(
        "/documents/new",
        {
            "title": "Penetration test report",
            "note": "The latest one.",
            "due-day": "1",
            "due-month": "3",
            "due-year": "2030",
        },
    )
    assert requested.status_code == 302, requested.content.decode()[:2000]
    return desk


def timeline(desk, query=""):
    page = desk.client.get(f"{desk.url}/timeline{query}")
    assert page.status_code == 200
    return page


def entries(page) -> list[str]:
    return texts(page, "app-timeline-entry")


def every_entry(desk, query="?") -> list[str]:
    """The entries of every page of the timeline, in order."""
    found, number = [], 1
    while True:
        page = timeline(desk, f"{query}&page={number}")
        found += entries(page)
        if f"page={number + 1}" not in page.content.decode():
            return found
        number += 1


def test_every_event_reads_in_words_with_its_time_and_person_and_no_internal_id(history, member):
    all_entries = every_entry(history)
    shown = "\n".join(all_entries) + visible_text(timeline(history))
    assert not INTERNAL_ID.findall(shown), INTERNAL_ID.findall(shown)
    assert "(s)" not in shown
    asked = next(e for e in all_entries if e.startswith("Asked for changes to 1 answer\n"))
    assert "Question 6: Clinical Safety Officer – Give the registration number." in asked
    assert re.search(r"\nToday at (\d{1,2}(:\d\d)?(am|pm)|midday|midnight) – ", asked)
    changed = next(
        e for e in all_entries if "Question 6: Clinical Safety Officer: answer changed" in e
    )
    assert "Dr Ada Lovelace, UKCSO 42" in changed
    assert member.email in changed
    titles = [e.split("\n")[0] for e in all_entries]
    for title in (
        "Submitted for review",
        "Resubmitted after changes",
        "Review started",
        "Onboarding paused",
        "Onboarding resumed",
        "Hold raised (NHS England)",
        "Hold lifted (NHS England)",
        "Document requested: Penetration test report",
    ):
        assert title in titles, (title, titles)
    assert any(
        t.startswith("Email sent to ") or t.startswith("Email waiting to be sent to ")
        for t in titles
    )


def test_the_timeline_is_paged_newest_first(history):
    page = timeline(history)
    assert "event" in words(page)
    count = int(re.search(r"(\d+) events, newest first", words(page)).group(1))
    assert count > 8
    assert len(entries(page)) == 8
    second = timeline(history, "?page=2")
    assert len(entries(second)) == min(8, count - 8)
    times = re.findall(r'datetime="([^"]+)"', page.content.decode())
    assert times == sorted(times, reverse=True)
    assert "Next" in words(page)


def test_filter_by_kind_shows_only_that_kind(history):
    holds = entries(timeline(history, "?kind=holds"))
    assert [e.split("\n")[0] for e in holds] == [
        "Hold lifted (NHS England)",
        "Hold raised (NHS England)",
    ]
    assert "The DPIA arrived." in holds[0]
    documents = entries(timeline(history, "?kind=documents"))
    assert [e.split("\n")[0] for e in documents] == ["Document requested: Penetration test report"]
    page = timeline(history, "?kind=holds")
    assert "2 of " in words(page)
    assert "Clear filters" in words(page)


def test_filter_by_who_shows_only_what_that_person_or_the_service_did(history, member, reviewer):
    theirs = entries(timeline(history, f"?who={member.email}"))
    assert theirs and all(member.email in e for e in theirs)
    assert any(e.startswith("Submitted for review") for e in theirs)
    assert not any(e.startswith("Review started") for e in theirs)
    service = entries(timeline(history, "?who=service"))
    assert service and all("– The service" in e for e in service)
    both = entries(timeline(history, f"?who={reviewer.email}&kind=holds"))
    assert len(both) == 2


def test_a_filter_that_is_not_a_choice_is_no_filter(history):
    timeline(history)  # shows, and so ends, the message of the last decision
    everything = words(timeline(history))
    assert words(timeline(history, "?kind=nonsense&who=all")) == everything


def test_an_applicant_cannot_see_the_timeline(history, applicant):
    assert applicant.client.get(f"{history.url}/timeline").status_code == 403  # ADR 0036


def test_times_are_shown_in_uk_time(history, monkeypatch):
    page = timeline(history)
    at = datetime.fromisoformat(re.search(r'datetime="([^"]+)"', page.content.decode()).group(1))
    assert when_text(at) in entries(page)[0]
    assert timezone.localtime(at).tzinfo is not None
