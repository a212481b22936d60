"""The organisation's applications list shows each application's status tag and what is waiting
for whom, and the application page opens with a notification banner for the latest thing that
needs the organisation, after each of NHS England's decisions (issue 25, item 1). The list
reads every application's standing in a fixed number of queries."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from applications.models import Application
from questionnaire.engine.answers import format_date
from tests.answer_sets import CONTROLLER
from tests.conftest import TODAY
from tests.visible import parse, rendered, words
from tests.web.conftest import signed_in
from tests.workflow.decisions_support import (
    approved,
    changes_requested,
    document_requested,
    hold_lifted,
    hold_raised,
    reviewing,
    submitted,
)
from workflow.standing import day_text

pytestmark = pytest.mark.usefixtures("fixed_today")
# Decisions are stamped with the real clock; the service's "today" is pinned (fixed_today).
SENT = day_text(timezone.localdate(), TODAY)
REASON = "Your DSPT publication on the register does not match your answer. Tell us why."


def status_cell(page, reference):
    """The visible words of the status cell of the list's row for ``reference``, after the
    column's name, which the responsive table shows in the cell on a narrow screen."""
    for row in parse(page).iter():
        if row.tag == "tr" and reference in rendered(row):
            cell = next(e for e in row.iter() if e.attrs.get("data-testid") == "status")
            shown = " ".join(rendered(cell).split())
            assert shown.startswith("Status "), shown
            return shown.removeprefix("Status ")
    raise AssertionError(f"no row for {reference}")


def banner(page):
    """The standing banner's words, and its links as (text, href)."""
    found = [e for e in parse(page).iter() if e.attrs.get("data-testid") == "standing-banner"]
    if not found:
        return None, []
    (element,) = found
    links = [
        (" ".join(rendered(a).split()), a.attrs["href"]) for a in element.iter() if a.tag == "a"
    ]
    return " ".join(rendered(element).split()), links


def pages(member, application):
    client = signed_in(member)
    return client, client.get("/"), client.get(f"/applications/{application.pk}")


def test_a_submission_is_with_nhs_england_and_has_no_banner(member):
    application = submitted(member)
    _, listed, page = pages(member, application)
    assert status_cell(listed, application.reference) == f"Submitted With NHS England since {SENT}"
    assert banner(page) == (None, [])
    assert f"Status Submitted With NHS England since {SENT}" in words(page)


def test_changes_requested_link_each_answer_to_change(member, reviewer):
    application = submitted(member)
    changes_requested(
        application,
        reviewer,
        {"s_cso": "Give the registration number.", "s_pki": "Say who monitors renewals."},
    )
    client, listed, page = pages(member, application)
    assert status_cell(listed, application.reference) == (
        "Changes requested Changes requested: 2 answers"
    )
    text, links = banner(page)
    assert text.startswith("Important NHS England has asked you to change 2 answers")
    stage2 = f"/applications/{application.pk}/stage-2"
    assert [href for _, href in links] == [
        f"{stage2}/questions/s_cso",
        f"{stage2}/questions/s_pki",
        f"{stage2}/check-answers",
    ]
    assert links[0][0].startswith("Question 6: ")
    for _, href in links:
        assert client.get(href).status_code == 200
    assert "nhsuk-notification-banner--success" not in page.content.decode()


def test_a_hold_shows_in_the_list_and_its_banner_then_goes_when_lifted(member, reviewer):
    application = reviewing(submitted(member), reviewer)
    hold = hold_raised(application, reviewer, REASON)
    _, listed, page = pages(member, application)
    assert status_cell(listed, application.reference) == "Paused Paused by NHS England"
    pause = " ".join(texts_of(page, "pause-banner").split())
    assert pause.startswith("Important Onboarding is paused")
    assert REASON in pause
    assert "NHS England will lift this hold when the reason for it has been dealt with." in pause
    hold_lifted(hold, reviewer)
    _, listed, page = pages(member, application)
    assert status_cell(listed, application.reference) == f"In review With NHS England since {SENT}"
    assert texts_of(page, "pause-banner") == ""
    assert banner(page) == (None, [])


def texts_of(page, test_id):
    found = [e for e in parse(page).iter() if e.attrs.get("data-testid") == test_id]
    return rendered(found[0]) if found else ""


def test_a_document_requested_gives_its_due_date_and_a_link_to_send_it(member, reviewer):
    application = submitted(member)
    document = document_requested(
        application, reviewer, "Clinical Safety Case Report", date(2026, 12, 12)
    )
    client, listed, page = pages(member, application)
    assert status_cell(listed, application.reference) == (
        f"Submitted Document requested: due 12 December With NHS England since {SENT}"
    )
    text, links = banner(page)
    assert text == (
        "Important NHS England has asked for a document: Clinical Safety Case Report "
        "Send it by 12 December 2026. Send the Clinical Safety Case Report"
    )
    assert links == [
        (
            "Send the Clinical Safety Case Report",
            f"/applications/{application.pk}/documents/{document.pk}",
        )
    ]
    assert client.get(links[0][1]).status_code == 200


def test_approval_is_the_one_success_and_says_stage_3_is_open(member, reviewer):
    application = approved(submitted(member), reviewer)
    _, listed, page = pages(member, application)
    assert status_cell(listed, application.reference) == f"Approved Approved on {SENT}"
    text, links = banner(page)
    assert text.startswith(
        f"Success NHS England approved stage 2 on {format_date(timezone.localdate())}"
    )
    assert "Stage 3, Home Community ID integration, is now open." in text
    assert links == [("See your onboarding stages", "#onboarding-stages")]
    assert 'id="onboarding-stages"' in page.content.decode()
    assert "nhsuk-notification-banner--success" in page.content.decode()
    assert "Stage 3 cannot start until" not in words(page)


def test_the_banner_is_for_the_latest_thing_asked(member, reviewer):
    application = submitted(member)
    changes_requested(application, reviewer, {"s_cso": "Give the registration number."})
    _, _, page = pages(member, application)
    assert banner(page)[0].startswith("Important NHS England has asked you to change 1 answer")
    document_requested(application, reviewer, "Hazard log", date(2026, 11, 20))
    _, listed, page = pages(member, application)
    assert status_cell(listed, application.reference) == (
        "Changes requested Changes requested: 1 answer Document requested: was due 20 November"
    )
    text, _ = banner(page)
    assert text.startswith("Important NHS England has asked for a document: Hazard log")
    assert "It was due by 20 November 2026." in text


def test_an_approval_that_stage_3_cannot_follow_yet_says_what_it_waits_for(member, reviewer):
    application = approved(submitted(member, "both", CONTROLLER), reviewer)
    client, _, page = pages(member, application)
    text, links = banner(page)
    assert text.startswith("Success NHS England approved stage 2")
    assert "Stage 3, Home Community ID integration, can start once:" in text
    assert "Your signed Acceptable Usage Policy (question 15) has not been uploaded" in text
    assert links == [
        (
            "Upload your signed Acceptable Usage Policy",
            f"/applications/{application.pk}/stage-2/questions/c_aup",
        )
    ]
    assert client.get(links[0][1]).status_code == 200


def list_queries(client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    return len(queries)


def test_the_list_reads_every_standing_in_the_same_queries_however_many(member, reviewer):
    client = signed_in(member)
    first = submitted(member)
    one = list_queries(client)
    changes_requested(submitted(member), reviewer, {"s_cso": "Give the number."})
    hold_raised(reviewing(submitted(member), reviewer), reviewer, REASON)
    document_requested(first, reviewer, "Hazard log", date(2026, 12, 12))
    assert Application.objects.count() == 3
    assert list_queries(client) == one
    assert one <= 12, f"the list takes {one} queries"
