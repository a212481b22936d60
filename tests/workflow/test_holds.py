"""Holds: several reasons to pause at once, each lifted only by its own origin."""

import pytest

from applications.models import Application
from applications.states import Stage2State
from audit.models import AuditEntry
from questionnaire.models import Answer
from tests.answer_sets import SUPPLIER
from workflow.holds import HoldNotLiftable, hold_lift, hold_raise
from workflow.models import Hold, HoldOrigin
from workflow.services import AnswerNotEditable, answer_save

LAPSED = {"answer-day": "1", "answer-month": "5", "answer-year": "2025"}
CURRENT = {"answer-day": "15", "answer-month": "9", "answer-year": "2026"}


def reviewer_hold(application, reviewer, reason="We are checking your DSPT with the DSPT team."):
    from django.db import transaction

    with transaction.atomic():
        return hold_raise(
            application=Application.objects.select_for_update().get(pk=application.pk),
            origin=HoldOrigin.REVIEWER,
            reason=reason,
            actor=reviewer,
        )


def lift(hold, actor, reason="Done"):
    from django.db import transaction

    with transaction.atomic():
        hold.application = Application.objects.select_for_update().get(pk=hold.application_id)
        hold_lift(hold=hold, actor=actor, reason=reason)


def test_an_answer_lifts_only_the_rule_hold_never_the_reviewers(applicant, reviewer):
    applicant.answer_all(SUPPLIER[:3])
    applicant.answer("s_dspt_published", LAPSED)
    application = Application.objects.get()
    assert application.stage2_state == Stage2State.PAUSED
    rule_hold = Hold.objects.get(origin=HoldOrigin.RULE)
    assert rule_hold.is_open and "lapsed" in rule_hold.reason

    reviewer_hold(application, reviewer)
    assert Hold.objects.filter(lifted_at__isnull=True).count() == 2
    page = applicant.client.get(applicant.stage2).content.decode()
    assert "Onboarding is paused for 2 reasons" in page
    assert "We are checking your DSPT with the DSPT team." in page
    assert "NHS England will lift this hold" in page

    # Putting the answer right lifts the rule hold; the reviewer's stays, so still paused.
    assert applicant.answer("s_dspt_published", CURRENT).status_code == 302
    rule_hold.refresh_from_db()
    assert not rule_hold.is_open
    assert rule_hold.lift_reason == "The answers no longer pause onboarding."
    application.refresh_from_db()
    assert application.stage2_state == Stage2State.PAUSED
    reviewer_one = Hold.objects.get(origin=HoldOrigin.REVIEWER)
    assert reviewer_one.is_open

    # The reviewer lifts theirs: Stage 2 returns to the state it paused from.
    lift(reviewer_one, reviewer, "DSPT confirmed with the DSPT team")
    application.refresh_from_db()
    assert application.stage2_state == Stage2State.DRAFT
    reviewer_one.refresh_from_db()
    assert (reviewer_one.lifted_by, reviewer_one.lift_reason) == (
        reviewer,
        "DSPT confirmed with the DSPT team",
    )
    assert list(application.stage2_transitions.values_list("from_state", "to_state")) == [
        ("draft", "paused"),
        ("paused", "draft"),
    ]
    assert AuditEntry.objects.filter(action="hold.raise").count() == 2
    assert AuditEntry.objects.filter(action="hold.lift").count() == 2


def test_only_a_reviewer_raises_or_lifts_a_reviewers_hold(applicant, member, reviewer):
    application = Application.objects.get()
    with pytest.raises(PermissionError):
        reviewer_hold(application, member)
    hold = reviewer_hold(application, reviewer)
    with pytest.raises(HoldNotLiftable):
        lift(hold, member)
    with pytest.raises(HoldNotLiftable):
        lift(hold, None)
    hold.refresh_from_db()
    assert hold.is_open
    lift(hold, reviewer)
    with pytest.raises(HoldNotLiftable, match="already"):
        lift(hold, reviewer)


def test_a_hold_never_makes_a_submitted_applications_answers_editable(applicant, member, reviewer):
    """The defect: PAUSED used to be editable, so an answer save lifted the pause and put a
    blocking answer into a submitted application."""
    applicant.answer_all(SUPPLIER)
    assert applicant.submit().status_code == 302
    application = Application.objects.get()
    assert application.stage2_state == Stage2State.SUBMITTED
    reviewer_hold(application, reviewer, "We need to see your ISMS certificate.")

    isms = Answer.objects.get(question_id="s_isms")
    response = applicant.client.post(
        applicant.question_url("s_isms"), {"version": isms.version, "answer": "no"}
    )
    assert response.status_code == 302
    assert response["Location"].endswith("/check-answers")
    isms.refresh_from_db()
    assert isms.value == {"value": "yes"}
    application.refresh_from_db()
    assert application.stage2_state == Stage2State.PAUSED
    assert Hold.objects.get().is_open

    # Nor through the service directly.
    with pytest.raises(AnswerNotEditable):
        answer_save(
            application=application,
            question_id="s_isms",
            value={"value": "no"},
            expected_version=isms.version,
            actor=member,
        )
    # The question pages themselves show the answers read-only.
    page = applicant.client.get(f"{applicant.stage2}/check-answers").content.decode()
    assert "Change" not in page.split("Your answers")[1].split("</dl>")[0]
    assert "We need to see your ISMS certificate." in page


def test_a_hold_lifted_on_a_submitted_application_returns_it_to_submitted(applicant, reviewer):
    applicant.answer_all(SUPPLIER)
    applicant.submit()
    application = Application.objects.get()
    submitted_at = application.stage2_submitted_at
    hold = reviewer_hold(application, reviewer)
    lift(hold, reviewer)
    application.refresh_from_db()
    assert application.stage2_state == Stage2State.SUBMITTED
    # Resuming is not a new submission: the waiting time is kept.
    assert application.stage2_submitted_at == submitted_at


def test_one_open_hold_per_rule(applicant):
    applicant.answer_all(SUPPLIER[:3])
    applicant.answer("s_dspt_published", LAPSED)
    applicant.answer(
        "s_dspt_published", {"answer-day": "2", "answer-month": "5", "answer-year": "2025"}
    )
    assert Hold.objects.filter(origin=HoldOrigin.RULE, lifted_at__isnull=True).count() == 1


def test_every_page_of_the_application_shows_each_open_hold(applicant, reviewer):
    from workflow.documents import document_request_create

    applicant.answer_all(SUPPLIER)
    applicant.submit()
    application = Application.objects.get()
    reviewer_hold(application, reviewer, "We are checking your ISMS certificate.")
    from datetime import date

    application.refresh_from_db()
    document = document_request_create(
        application=application,
        actor=reviewer,
        title="ISMS",
        note="",
        due_date=date(2026, 12, 30),
        expected_version=application.stage2_version,
    )
    pages = [
        applicant.application_url,
        applicant.stage2,
        f"{applicant.stage2}/check-answers",
        f"{applicant.stage2}/confirmation",
        f"{applicant.application_url}/withdraw",
        f"{applicant.application_url}/documents/{document.pk}",
    ]
    for url in pages:
        page = applicant.client.get(url)
        assert page.status_code == 200, url
        body = page.content.decode()
        assert "Onboarding is paused" in body, url
        assert "We are checking your ISMS certificate." in body, url
        assert "NHS England will lift this hold" in body, url
