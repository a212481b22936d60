"""The applicant updates the DSPT of an application past draft: the two answers only, with the
question pages' checks; it lifts the daily re-check's hold when current at Standards Met or
higher."""

import re
from datetime import date

import pytest

from applications.models import Application
from applications.states import Stage2State
from audit.models import AuditEntry
from questionnaire import definitions
from questionnaire.models import Answer, AnswerRevision
from tests.answer_sets import SUPPLIER
from tests.attestations.support import attest_all
from tests.web.conftest import signed_in
from tests.workflow.test_review_cycle import Reviewer
from workflow.continuous.dspt_recheck import dspt_recheck
from workflow.models import Hold, HoldOrigin, Submission

# SUPPLIER's publication, 15 September 2026, lapses on 30 June 2028.
AFTER_LAPSE = date(2028, 7, 1)


@pytest.fixture
def approved(applicant, reviewer):
    applicant.answer_all(SUPPLIER)
    assert applicant.submit().status_code == 302
    application = Application.objects.get()
    attest_all(application)
    desk = Reviewer(signed_in(reviewer), application)
    assert desk.post("/start").status_code == 302
    assert desk.post("/approve").status_code == 302
    application.refresh_from_db()
    assert application.stage2_state == Stage2State.APPROVED
    return application


@pytest.fixture
def lapsed(approved, monkeypatch):
    """The approved application on 1 July 2028, after the daily re-check has held it."""
    monkeypatch.setattr(definitions, "today", lambda: AFTER_LAPSE)
    assert dspt_recheck(AFTER_LAPSE).holds_raised == 1
    approved.refresh_from_db()
    assert approved.stage2_state == Stage2State.PAUSED
    return approved


def page_url(application):
    return f"/applications/{application.pk}/dspt"


def versions_on(page):
    html = page.content.decode()
    return {
        name: re.search(rf'name="{name}" value="(\d+)"', html).group(1)
        for name in ("status_version", "published_version")
    }


def update(client, application, status, day=None, month=None, year=None):
    versions = versions_on(client.get(page_url(application)))
    data = {"status": status, **versions}
    if day is not None:
        data.update({"published-day": day, "published-month": month, "published-year": year})
    return client.post(page_url(application), data)


def open_holds(application):
    return set(
        Hold.objects.filter(application=application, lifted_at__isnull=True).values_list(
            "origin", "rule_id"
        )
    )


def test_a_current_publication_at_standards_met_lifts_the_recheck_hold(applicant, lapsed, reviewer):
    client = applicant.client
    page = client.get(page_url(lapsed)).content.decode()
    assert "Update your DSPT status" in page
    assert "Lapsed on 30 June 2028" in page
    # The application page says so, and links here; so does the pause banner.
    detail = client.get(f"/applications/{lapsed.pk}").content.decode()
    assert "Lapsed on 30 June 2028" in detail
    assert detail.count(f'href="/applications/{lapsed.pk}/dspt"') == 2
    others = {
        a.question_id: a.version for a in Answer.objects.exclude(question_id__contains="dspt")
    }

    response = update(client, lapsed, "standards_exceeded", "20", "6", "2028")

    assert response.status_code == 302
    assert response["Location"] == f"/applications/{lapsed.pk}"
    lapsed.refresh_from_db()
    assert lapsed.stage2_state == Stage2State.APPROVED
    hold = Hold.objects.get(origin=HoldOrigin.DSPT_RECHECK)
    assert hold.lift_reason == "Your organisation's DSPT is current and at Standards Met or higher."
    assert hold.lifted_by == applicant_user(lapsed)
    # Only the two DSPT answers changed; nothing was submitted again.
    assert {
        a.question_id: a.version for a in Answer.objects.exclude(question_id__contains="dspt")
    } == others
    assert Submission.objects.count() == 1
    assert list(
        AnswerRevision.objects.filter(question_id__startswith="s_dspt")
        .order_by("pk")
        .values_list("question_id", "revision")
    )[-2:] == [("s_dspt_status", 2), ("s_dspt_published", 2)]
    entry = AuditEntry.objects.get(action="dspt.update")
    assert entry.after == {
        "s_dspt_status": {"value": "standards_exceeded"},
        "s_dspt_published": {"value": "2028-06-20"},
    }
    assert entry.before["s_dspt_published"] == {"value": "2026-09-15"}
    # NHS England sees the change and the DSPT as it is today.
    review_page = signed_in(reviewer).get(f"/review/applications/{lapsed.pk}/evidence")
    review_page = review_page.content.decode()
    assert "DSPT updated since the last submission" in review_page
    assert "20 June 2028" in review_page
    assert "Standards Exceeded" in review_page
    assert "Lapses on" in review_page and "30 June 2029" in review_page
    # The applicant's page now counts down.
    detail = client.get(f"/applications/{lapsed.pk}").content.decode()
    assert "Current: 364 days left" in detail


def applicant_user(application):
    return application.created_by


def test_an_update_to_a_date_still_lapsed_keeps_the_hold(applicant, lapsed):
    response = update(applicant.client, lapsed, "standards_met", "1", "5", "2027")
    assert response.status_code == 302
    lapsed.refresh_from_db()
    assert lapsed.stage2_state == Stage2State.PAUSED
    # The re-check's hold stays, and the rule on the answer pauses too.
    assert open_holds(lapsed) == {
        ("dspt_recheck", ""),
        ("rule", "s_dspt_publication_lapsed"),
    }


def test_a_current_date_below_standards_met_keeps_the_hold(applicant, lapsed):
    response = update(applicant.client, lapsed, "approaching_standards", "20", "6", "2028")
    assert response.status_code == 302
    assert open_holds(lapsed) == {
        ("dspt_recheck", ""),
        ("rule", "s_dspt_below_standards_met"),
    }
    # Putting it right lifts both, and Stage 2 is approved again.
    assert update(applicant.client, lapsed, "standards_met", "20", "6", "2028").status_code == 302
    assert open_holds(lapsed) == set()
    lapsed.refresh_from_db()
    assert lapsed.stage2_state == Stage2State.APPROVED


def test_the_same_update_twice_changes_nothing_the_second_time(applicant, lapsed):
    page = applicant.client.get(page_url(lapsed))
    data = {
        "status": "standards_met",
        "published-day": "20",
        "published-month": "6",
        "published-year": "2028",
        **versions_on(page),
    }
    assert applicant.client.post(page_url(lapsed), data).status_code == 302
    assert applicant.client.post(page_url(lapsed), data).status_code == 302
    assert AuditEntry.objects.filter(action="dspt.update").count() == 1
    assert AnswerRevision.objects.filter(question_id="s_dspt_published").count() == 2


def test_a_change_made_meanwhile_is_not_overwritten(applicant, colleague, lapsed):
    page = applicant.client.get(page_url(lapsed))
    assert (
        update(signed_in(colleague), lapsed, "standards_met", "20", "6", "2028").status_code == 302
    )
    stale = applicant.client.post(
        page_url(lapsed),
        {
            "status": "standards_exceeded",
            "published-day": "21",
            "published-month": "6",
            "published-year": "2028",
            **versions_on(page),
        },
    )
    assert stale.status_code == 400
    assert "Someone else in your organisation changed this answer" in stale.content.decode()
    assert Answer.objects.get(question_id="s_dspt_published").value == {"value": "2028-06-20"}


@pytest.mark.parametrize(
    ("data", "message", "href"),
    [
        ({}, "Select your organisation&#39;s current DSPT status", "#status"),
        (
            {"status": "standards_met"},
            "Enter the date your organisation&#39;s DSPT status was published",
            "#published-day",
        ),
        (
            {"status": "standards_met", "published-day": "20", "published-month": "6"},
            "The date your organisation&#39;s DSPT status was published must include a year",
            "#published-year",
        ),
        (
            {
                "status": "standards_met",
                "published-day": "2",
                "published-month": "7",
                "published-year": "2028",
            },
            "The date your organisation&#39;s DSPT status was published must be today or in the "
            "past",
            "#published-day",
        ),
        ({"status": "excellent"}, "Select your organisation&#39;s current DSPT status", "#status"),
    ],
)
def test_the_question_pages_errors_with_the_input_kept(applicant, lapsed, data, message, href):
    posted = {
        "status": "",
        "published-day": "",
        "published-month": "",
        "published-year": "",
        **data,
    }
    response = applicant.client.post(
        page_url(lapsed), {**versions_on(applicant.client.get(page_url(lapsed))), **posted}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert f'<a href="{href}"' in html
    assert html.count(message) == 2  # the error summary and the inline error
    if data.get("published-day"):
        assert f'value="{data["published-day"]}"' in html
    assert Hold.objects.filter(origin=HoldOrigin.DSPT_RECHECK, lifted_at__isnull=True).exists()


def test_not_published_removes_the_date_and_keeps_the_hold(applicant, lapsed):
    response = update(applicant.client, lapsed, "not_published")
    assert response.status_code == 302
    assert not Answer.objects.filter(question_id="s_dspt_published").exists()
    assert (
        AnswerRevision.objects.filter(question_id="s_dspt_published", change="discarded").count()
        == 1
    )
    assert ("dspt_recheck", "") in open_holds(lapsed)


def test_another_organisations_application_is_not_found(lapsed, outsider):
    client = signed_in(outsider)
    assert client.get(page_url(lapsed)).status_code == 404
    assert client.post(page_url(lapsed), {"status": "standards_met"}).status_code == 404


def test_a_reviewer_does_not_update_it(lapsed, reviewer):
    assert signed_in(reviewer).get(page_url(lapsed)).status_code == 404


def test_a_draft_uses_the_question_page(applicant):
    applicant.answer_all(SUPPLIER[:3])
    application = Application.objects.get()
    response = applicant.client.get(page_url(application))
    assert response.status_code == 302
    assert response["Location"] == f"/applications/{application.pk}/stage-2/questions/s_dspt_status"
    detail = applicant.client.get(f"/applications/{application.pk}").content.decode()
    assert "Update your DSPT status" not in detail


def test_an_application_without_a_role_goes_back_to_its_page(applicant):
    application = Application.objects.get()
    response = applicant.client.get(page_url(application))
    assert response.status_code == 302
    assert response["Location"] == f"/applications/{application.pk}"
