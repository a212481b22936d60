"""Holds: several reasons to pause at once, each lifted only by its own origin."""

import pytest

from applications.models import Application
from applications.states import Stage2State
from audit.models import AuditEntry
from questionnaire.engine.rules import Evaluation
from questionnaire.models import Answer
from tests.answer_sets import SUPPLIER
from tests.visible import words
from workflow.models import Hold, HoldOrigin
from workflow.services import AnswerNotEditable, answer_save
from workflow.state_machine.holds import HoldNotLiftable, hold_lift, hold_raise

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
    assert response.status_code == 409
    assert "Your onboarding is paused. You have sent your answers to NHS England." in words(
        response
    )
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
    from workflow.decisions.documents import document_request_create

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


# The service itself, without pages: `make mutation MODULE=workflow/state_machine/holds.py`
# (docs/testing.md).


@pytest.fixture
def draft(organisation, member):
    return Application.objects.create(
        organisation=organisation, scope="both", role="supplier", created_by=member
    )


def fresh(application):
    """The application as the database gives it back, its state a plain string."""
    return Application.objects.get(pk=application.pk)


def state_and_version(application):
    application.refresh_from_db()
    return application.stage2_state, application.stage2_version


@pytest.mark.parametrize("origin", [HoldOrigin.DSPT_RECHECK, HoldOrigin.CERTIFICATE])
def test_the_service_raises_and_lifts_its_own_holds(draft, reviewer, origin):
    """The DSPT re-check and certificate expiry raise and lift their holds with no person as the
    actor (only a reviewer's hold needs a reviewer). Each raise and lift changes the version
    once: a pause or a resume, or a touch while another hold stays open."""
    own = hold_raise(application=fresh(draft), origin=origin, reason="Expired", actor=None)
    assert state_and_version(draft) == (Stage2State.PAUSED, 1)
    theirs = reviewer_hold(draft, reviewer)
    assert state_and_version(draft) == (Stage2State.PAUSED, 2)

    own = Hold.objects.get(pk=own.pk)  # its origin a plain string, as the service reads it
    own.application = fresh(draft)
    hold_lift(hold=own, actor=None, reason="Renewed")
    assert state_and_version(draft) == (Stage2State.PAUSED, 3)
    lift(Hold.objects.get(pk=theirs.pk), reviewer)
    assert state_and_version(draft) == (Stage2State.DRAFT, 4)
    assert not Hold.objects.filter(lifted_at__isnull=True).exists()


def test_a_rules_hold_is_never_lifted_by_hand(draft, reviewer):
    hold = hold_raise(
        application=fresh(draft), origin=HoldOrigin.RULE, reason="Lapsed", actor=None, rule_id="r"
    )
    hold = Hold.objects.get(pk=hold.pk)  # its origin a plain string, as the pages read it
    hold.application = fresh(draft)
    with pytest.raises(HoldNotLiftable, match="rule"):
        hold_lift(hold=hold, actor=reviewer, reason="No")
    assert Hold.objects.get(pk=hold.pk).is_open
    assert state_and_version(draft) == (Stage2State.PAUSED, 1)


def test_a_reviewers_hold_read_back_is_still_a_reviewers(draft, member, reviewer):
    """The origin as a form or the database gives it ("reviewer"), not the enum member."""
    with pytest.raises(PermissionError):
        hold_raise(application=fresh(draft), origin="reviewer", reason="No", actor=member)
    hold = hold_raise(application=fresh(draft), origin="reviewer", reason="Yes", actor=reviewer)
    hold = Hold.objects.get(pk=hold.pk)
    hold.application = fresh(draft)
    with pytest.raises(HoldNotLiftable, match="reviewers"):
        hold_lift(hold=hold, actor=member, reason="No")
    assert Hold.objects.get(pk=hold.pk).is_open


def test_the_audit_names_the_rule_or_the_origin(draft, reviewer, definition):
    from workflow.state_machine.holds import holds_sync_rules

    rule = next(rule for rule in definition.rules if rule.outcome == "pause")
    holds_sync_rules(application=fresh(draft), evaluation=Evaluation(pauses=[rule]), actor=reviewer)
    held = Hold.objects.get()
    assert (held.rule_id, held.reason, held.action) == (rule.id, rule.reason, rule.action)
    holds_sync_rules(application=fresh(draft), evaluation=Evaluation(), actor=reviewer)
    hold = reviewer_hold(draft, reviewer)
    lift(Hold.objects.get(pk=hold.pk), reviewer)
    subjects = list(
        AuditEntry.objects.filter(action__startswith="hold.")
        .order_by("sequence")
        .values_list("action", "subject")
    )
    assert subjects == [
        ("hold.raise", rule.id),
        ("hold.lift", rule.id),
        ("hold.raise", "reviewer"),
        ("hold.lift", "reviewer"),
    ]


NOT_PAUSED = [state for state in Stage2State.values if state != Stage2State.PAUSED]


def test_nothing_to_resume_when_not_paused(draft):
    from workflow.state_machine.holds import stage2_resume_if_clear

    for state in NOT_PAUSED:
        Application.objects.filter(pk=draft.pk).update(stage2_state=state, stage2_version=5)
        assert stage2_resume_if_clear(application=fresh(draft), actor=None) is False, state
        assert state_and_version(draft) == (state, 5)
    assert not draft.stage2_transitions.exists()


def test_answers_that_pause_nothing_read_no_holds_when_not_paused(
    draft, member, django_assert_num_queries
):
    """Issue 12: most answers pause nothing, and then no hold is read (there can be none open
    while Stage 2 is not paused)."""
    from workflow.state_machine.holds import holds_sync_rules

    for state in NOT_PAUSED:
        Application.objects.filter(pk=draft.pk).update(stage2_state=state)
        application = fresh(draft)
        with django_assert_num_queries(0):
            holds_sync_rules(application=application, evaluation=Evaluation(), actor=member)
