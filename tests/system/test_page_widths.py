"""NHS England's queue and dashboard, and an organisation's members page, at the sizes people use
them: a 1280 px wide desktop and a 320 px wide phone (WCAG 1.4.10, reflow). Each page is loaded
full of long names and many rows, and must not scroll sideways; the dashboard's chart labels are
at least the body text's size as drawn, and its table holds the chart's figures. Screenshots at
each width are saved in test-artifacts/screenshots/<test>/, and axe checks every page."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.system.test_reviewer_journey import REVIEWER

pytestmark = pytest.mark.system

LONDON = ZoneInfo("Europe/London")
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 320, "height": 640}
LONG_NAME = "Northern Lincolnshire and Goole Hospitals NHS Foundation Trust"


def page_width(me) -> tuple[int, int]:
    """How wide the document is against the window: wider means a sideways scroll."""
    return tuple(me.page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]"))


def at_size(me, size: dict[str, int], state: str) -> None:
    """Show the current page at ``size``, save it and check it with axe, and find it no wider
    than the window."""
    me.page.set_viewport_size(size)
    me.page.reload()
    me.check_page(state)
    scroll_width, window_width = page_width(me)
    assert scroll_width <= window_width, (
        f"{me.page.url} is {scroll_width}px wide in a {window_width}px window ({state})"
    )


@pytest.fixture
def busy_queue(people):
    """30 submitted applications (more than a page of 25) from organisations with long names, in
    every state, some flagged, some overdue, some with a reviewer whose address is long."""
    from accounts.models import Organisation, UserKind
    from accounts.services import user_create
    from applications.models import Application
    from tests.conftest import PASSWORD

    colleague = user_create(
        email="a.very-long-reviewer-address@england.nhs.example",
        password=PASSWORD,
        kind=UserKind.REVIEWER,
        actor=None,
    )
    organisations = Organisation.objects.bulk_create(
        [Organisation(name=f"{LONG_NAME} {n}", ods_code=f"R{n:04d}") for n in range(10)]
    )
    states = ["submitted", "in_review", "changes_requested", "paused", "approved", "withdrawn"]
    now = timezone.now()
    Application.objects.bulk_create(
        Application(
            organisation=organisations[n % 10],
            scope=["consumer", "provider", "both"][n % 3],
            role="supplier" if n % 2 else "controller",
            stage2_state=states[n % len(states)],
            stage2_submitted_at=now - timedelta(days=n),
            stage2_reviewer=colleague if n % 3 == 0 else None,
            stage2_flagged=n % 4 == 0,
            created_by=people["trust"],
        )
        for n in range(30)
    )


def test_the_queue_fits_a_desktop_and_a_phone(me, busy_queue):
    me.page.set_viewport_size(DESKTOP)
    me.given_i_have_signed_in_as(REVIEWER, lands_on="Applications to review")
    me.then_i_see("30 applications.")
    at_size(me, DESKTOP, "1280px")
    # The reference is the row's link, and every row of the page is there.
    rows = me.page.locator("#queue tbody tr")
    expect(rows).to_have_count(25)
    for row in rows.all():
        link = row.get_by_role("rowheader").get_by_role("link")
        expect(link).to_have_text(re.compile(r"^NIR-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$"))
        expect(link).to_have_attribute("href", re.compile(r"^/review/applications/[0-9a-f-]{36}$"))
    at_size(me, PHONE, "320px")
    # The filters still work at a phone's width.
    me.select("State", "Paused")
    me.press_button("Apply filters")
    me.then_i_see("5 applications match.")
    expect(rows).to_have_count(5)
    scroll_width, window_width = page_width(me)
    assert scroll_width <= window_width
    for row in rows.all():
        expect(row).to_contain_text("Paused")


@pytest.fixture
def history(people, monkeypatch):
    """Applications submitted and decided over the twelve weeks the dashboard shows (today is
    Friday 27 November 2026), the clock set while each move is written."""
    from applications.models import Application
    from workflow.state_machine.transitions import stage2_transition

    real_now = timezone.now
    reviewer = people["reviewer"]

    def application(*moves):
        app = Application.objects.create(
            organisation=people["trust"].membership.organisation,
            scope="both",
            role="controller",
            created_by=people["trust"],
        )
        for when, to_state in moves:
            moment = datetime(*when, 10, 0, tzinfo=LONDON)
            monkeypatch.setattr(timezone, "now", lambda moment=moment: moment)
            stage2_transition(application=app, to_state=to_state, actor=reviewer, reason="test")
        monkeypatch.setattr(timezone, "now", real_now)

    S, R, A, C = "submitted", "in_review", "approved", "changes_requested"
    for week in range(12):
        monday = datetime(2026, 9, 7) + timedelta(weeks=week)
        for n in range(week % 5 + 1):
            day = monday + timedelta(days=n % 3)
            decided = day + timedelta(days=1)
            moves = [((day.year, day.month, day.day), S)]
            if week < 11 and n % 2 == 0:
                moves.append(((decided.year, decided.month, decided.day), R))
                moves.append(((decided.year, decided.month, decided.day), A if n % 4 else C))
            application(*moves)


CHART_AND_TABLE = """() => {
  const body = getComputedStyle(document.querySelector('main p')).fontSize;
  const labels = [...document.querySelectorAll('svg.app-chart text')].map(text => {
    const drawn = text.getBoundingClientRect();
    return {
      text: text.textContent.trim(),
      fontSize: parseFloat(getComputedStyle(text).fontSize),
      scale: text.getScreenCTM().a,
      visible: getComputedStyle(text).display !== 'none' && drawn.width > 0,
    };
  });
  const bars = [...document.querySelectorAll('svg.app-chart rect')].map(
    rect => rect.querySelector('title').textContent);
  const table = [...document.querySelectorAll('#weekly-table tbody tr')].map(
    // Each cell's value, without the heading the responsive table repeats in it for phones.
    row => [...row.children].map(cell => [...cell.childNodes]
      .filter(node => !(node.classList && node.classList.contains('nhsuk-table__heading')))
      .map(node => node.textContent).join('').trim()));
  return {body: parseFloat(body), labels, bars, table};
}"""


def test_the_dashboard_reads_at_a_desktop_and_a_phone(me, history, fixed_today):
    me.page.set_viewport_size(DESKTOP)
    me.given_i_have_signed_in_as(REVIEWER, lands_on="Applications to review")
    me.follow_link("Review times: submissions, decisions and waiting against the target")
    me.then_i_see_heading("Review times")
    for size, body_size in ((DESKTOP, 19), (PHONE, 16)):
        at_size(me, size, f"{size['width']}px")
        found = me.page.evaluate(CHART_AND_TABLE)
        assert found["body"] == body_size
        visible = [label for label in found["labels"] if label["visible"]]
        assert visible, "the chart has no labels"
        for label in visible:
            # As drawn: the font size times the chart's scale on the screen.
            assert label["fontSize"] * label["scale"] >= found["body"], label
        # Every week's figures are in the table, as the chart's bars have them.
        assert len(found["table"]) == 12
        from_bars = [
            tuple(int(re.search(r": (\d+) ", title).group(1)) for title in found["bars"][n : n + 3])
            for n in range(0, 36, 3)
        ]
        from_table = [tuple(int(cell) for cell in row[1:]) for row in found["table"]]
        assert from_bars == from_table
        assert sum(sum(week) for week in from_table) > 12


def test_the_members_page_fits_a_phone(me, people):
    from accounts.models import Membership
    from accounts.people import invitation_create
    from accounts.services import user_create
    from tests.conftest import PASSWORD

    organisation = people["trust"].membership.organisation
    Membership.objects.filter(user=people["trust"]).update(is_onboarding_lead=True)
    user_create(
        email="alexandra.montgomery-fotheringham@northern-lincolnshire.nhs.example",
        full_name="Alexandra Montgomery-Fotheringham",
        password=PASSWORD,
        organisation=organisation,
        actor=None,
    )
    invitation_create(
        email="information.governance.team@northern-lincolnshire.nhs.example",
        organisation=organisation,
        actor=people["trust"],
    )
    me.page.set_viewport_size(PHONE)
    me.given_i_have_signed_in_as("ig.lead@northern.example")
    me.visit("/organisation/members")
    me.then_i_see_heading("Members")
    at_size(me, PHONE, "320px")
    me.then_i_see("Alexandra Montgomery-Fotheringham")
    me.then_i_see("information.governance.team@northern-lincolnshire.nhs.example")
    at_size(me, DESKTOP, "1280px")
