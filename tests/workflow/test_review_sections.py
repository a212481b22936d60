"""An application's sections for NHS England: the overview names every blocker with a link to
the section where it is put right and who it waits for; each section has its own page, one
marked as current in the sections' navigation; the overview reads a fixed number of queries."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from applications.models import Application
from tests.answer_sets import SUPPLIER
from tests.attestations.support import attest_all
from tests.visible import words
from tests.web.conftest import signed_in
from tests.workflow.test_review_cycle import Reviewer

SECTIONS = {
    "": "Overview",
    "answers": "Answers",
    "evidence": "Evidence and documents",
    "people": "People and attestations",
    "holds": "Holds",
    "comments": "Comments",
    "timeline": "Timeline",
}
OVERVIEW_MAX_QUERIES = 12


@pytest.fixture
def submitted(applicant):
    applicant.answer_all(SUPPLIER)
    assert applicant.submit().status_code == 302
    return Application.objects.get()


@pytest.fixture
def desk(submitted, reviewer):
    return Reviewer(signed_in(reviewer), submitted)


def navigation(page):
    """The sections' navigation as (text, href, aria-current) in order."""
    html = page.content.decode()
    nav = re.search(r'<nav class="app-secondary-navigation".*?</nav>', html, re.S).group(0)
    return [
        (words(text), href, current)
        for href, current, text in re.findall(
            r'<a class="app-secondary-navigation__link" href="([^"]*)"'
            r'(?: aria-current="([^"]*)")?>(.*?)</a>',
            nav,
            re.S,
        )
    ]


@pytest.mark.parametrize("section", list(SECTIONS))
def test_each_section_has_its_page_and_is_the_current_one_in_the_navigation(
    desk, submitted, section
):
    page = desk.page(section)
    assert page.status_code == 200
    items = navigation(page)
    assert [text for text, _, _ in items] == list(SECTIONS.values())
    assert [href for _, href, _ in items] == [
        desk.url + (f"/{name}" if name else "") for name in SECTIONS
    ]
    assert [current for _, _, current in items] == [
        "page" if name == section else "" for name in SECTIONS
    ]
    assert f"Application {submitted.reference}" in words(page)


def test_the_sections_hold_what_the_long_page_held(desk, submitted):
    desk.post("/start")
    desk.post("/holds/new", {"reason": "Checking your DSPT."})
    desk.post("/comments", {"text": "Looks complete", "visibility": "internal"})
    answers = words(desk.page("answers"))
    assert "6. Clinical Safety Officer" in answers
    assert "The rules found no answer that blocks, pauses or is flagged" in answers
    assert "Attestations" in words(desk.page("people"))
    evidence = words(desk.page("evidence"))
    assert "Document requests" in evidence and "DSPT today" in evidence
    assert "Checking your DSPT." in words(desk.page("holds"))
    assert "Looks complete" in words(desk.page("comments"))
    assert "Reviewer assigned" in words(desk.page("timeline"))
    overview = words(desk.page())
    # The overview holds none of the sections' long content.
    assert "6. Clinical Safety Officer" not in overview
    assert "Looks complete" not in overview


def blockers(page, heading):
    """The links under one of the overview's headings, as (text, href)."""
    html = page.content.decode()
    part = re.search(re.escape(heading) + r"(?:\s|</span>)*</h[23]>.*?<ul>(.*?)</ul>", html, re.S)
    assert part, f"no list under {heading}"
    part = part.group(1)
    return [(words(text), href) for href, text in re.findall(r'<a href="([^"]*)">(.*?)</a>', part)]


def test_the_overview_names_every_blocker_with_where_it_is_put_right(desk, submitted):
    desk.post("/start")
    desk.post("/holds/new", {"reason": "Your DSPT is under investigation."})
    desk.post(
        "/documents/new",
        {
            "title": "Clinical Safety Case Report",
            "due-day": "1",
            "due-month": "1",
            "due-year": "2027",
        },
    )
    page = desk.page()
    text = words(page)
    assert "Stage 2 cannot be approved yet" in text
    approval = blockers(page, "Stage 2 cannot be approved yet")
    assert (
        "Onboarding is paused by 1 open hold(s). Lift every hold before approving",
        f"{desk.url}/holds",
    ) in approval
    attestation = [b for b in approval if "needs an attestation" in b[0]]
    assert attestation and all(h == f"{desk.url}/people#attestations" for _, h in attestation)

    organisation = blockers(page, "Waiting for the organisation")
    document = submitted.document_requests.get()
    assert (
        "Document requested: Clinical Safety Case Report (due 1 January 2027)",
        f"{desk.url}/documents/{document.pk}",
    ) in organisation
    assert any(h == f"{desk.url}/people#attestations" for _, h in organisation)
    nhs_england = blockers(page, "Waiting for NHS England")
    assert (
        "Hold (NHS England): Your DSPT is under investigation.",
        f"{desk.url}/holds",
    ) in nhs_england
    assert ("Stage 3 cannot start: Stage 2 has not been approved.", "#decisions") in nhs_england
    # Each link leads to a page that shows the thing named.
    assert "Your DSPT is under investigation." in words(desk.page("holds"))


def test_with_nothing_in_the_way_the_overview_says_what_approval_rests_on(desk, submitted):
    attest_all(submitted)
    desk.post("/start")
    page = desk.page()
    text = words(page)
    assert "Stage 2 cannot be approved yet" not in text
    assert "What approval rests on" in text
    count = len(submitted.submissions.get().snapshot["answers"])
    assert f"Answers {count} answers in submission 1" in text
    assert "Holds 0 open, 0 lifted" in text
    assert "Waiting for the organisation Nothing." in text


def test_a_file_not_passed_its_malware_check_is_a_blocker(desk, submitted):
    from evidence.models import ScanStatus
    from tests.evidence.files import evidence_row

    evidence_row(
        submitted,
        "question:s_isms",
        ScanStatus.PENDING,
        uploaded_by=submitted.created_by,
        name="isms.pdf",
    )
    nhs_england = blockers(desk.page(), "Waiting for NHS England")
    assert any(
        "isms.pdf – waiting for the malware check" in text
        and href == f"{desk.url}/evidence#evidence"
        for text, href in nhs_england
    ), nhs_england


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_the_overview_reads_at_most_twelve_queries_whatever_the_history(
    applicant, desk, submitted, monkeypatch
):
    # The session's expiry is moved on once a minute (one write): on a slow run a minute can
    # pass between two counts, which then differ by that write. Not what this counts.
    monkeypatch.setattr("accounts.middleware.session_refresh_interval", lambda: 10**9)
    desk.post("/start")
    desk.client.get(desk.url)
    first = queries(desk.client, desk.url)
    for round_ in range(3):
        desk.post("/request-changes", {"comment-s_cso": f"Round {round_}"})
        applicant.answer("s_cso", {"answer": f"Dr Ada Lovelace, round {round_}"})
        applicant.submit()
        desk.post("/start")
        desk.post("/holds/new", {"reason": f"Hold {round_}"})
        hold = submitted.holds.filter(lifted_at__isnull=True).get()
        desk.post(f"/holds/{hold.pk}/lift", {"reason": "Done"})
        desk.post(
            "/documents/new",
            {"title": f"Doc {round_}", "due-day": "1", "due-month": "1", "due-year": "2027"},
        )
        desk.post("/comments", {"text": f"Note {round_}", "visibility": "internal"})
    attest_all(submitted)
    assert submitted.submissions.count() == 4
    later = queries(desk.client, desk.url)
    assert later == first
    assert later <= OVERVIEW_MAX_QUERIES
