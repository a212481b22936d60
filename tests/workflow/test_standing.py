"""Where an application stands (workflow/standing.py): the tag and the plain words of what is
waiting for whom, computed once from the application's state, holds, change request and
document requests."""

from datetime import UTC, date, datetime

import pytest

from applications.states import Stage2State
from workflow.continuous.dspt_register_check import REGISTER_HOLD_ACTION
from workflow.models import Hold, HoldOrigin
from workflow.standing import StandingFacts, day_text, standing_of

TODAY = date(2026, 12, 6)
SENT = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)


def hold(origin, rule_id="", action=""):
    return Hold(origin=origin, rule_id=rule_id, reason="Why", action=action)


def standing(state, **facts):
    facts.setdefault("submitted_at", SENT)
    facts.setdefault("has_answers", True)
    return standing_of(StandingFacts(state=state, **facts), TODAY)


def test_a_new_application_has_not_started_and_is_with_the_organisation():
    result = standing(Stage2State.DRAFT, submitted_at=None, has_answers=False)
    assert result.tag == {"text": "Not started", "classes": "nhsuk-tag--grey"}
    assert result.waiting == ("Not sent to NHS England yet",)


def test_an_answered_draft_is_in_progress():
    result = standing(Stage2State.DRAFT, submitted_at=None)
    assert result.tag["text"] == "In progress"
    assert result.waiting == ("Not sent to NHS England yet",)


@pytest.mark.parametrize(
    ("state", "tag"), [(Stage2State.SUBMITTED, "Submitted"), (Stage2State.IN_REVIEW, "In review")]
)
def test_a_submission_is_with_nhs_england_since_the_day_it_was_sent(state, tag):
    result = standing(state)
    assert result.tag == {"text": tag, "classes": "nhsuk-tag--purple"}
    assert result.waiting == ("With NHS England since 3 December",)


def test_a_date_of_another_year_keeps_its_year():
    assert day_text(date(2026, 12, 3), TODAY) == "3 December"
    assert day_text(date(2027, 1, 15), TODAY) == "15 January 2027"


@pytest.mark.parametrize(("answers", "words"), [(1, "1 answer"), (3, "3 answers")])
def test_changes_requested_says_how_many_answers(answers, words):
    result = standing(Stage2State.CHANGES_REQUESTED, change_answers=answers)
    assert result.tag == {"text": "Changes requested", "classes": "nhsuk-tag--orange"}
    assert result.waiting == (f"Changes requested: {words}",)


@pytest.mark.parametrize(
    ("paused_by", "words"),
    [
        (hold(HoldOrigin.RULE, "s_dspt_publication_lapsed"), "Paused: DSPT lapsed"),
        (hold(HoldOrigin.RULE, "c_dspt_below_standards_met"), "Paused: DSPT below Standards Met"),
        (hold(HoldOrigin.DSPT_RECHECK), "Paused: DSPT lapsed"),
        (
            hold(HoldOrigin.DSPT_RECHECK, action=REGISTER_HOLD_ACTION),
            "Paused: DSPT below Standards Met on the register",
        ),
        (hold(HoldOrigin.CERTIFICATE), "Paused: certificate expired"),
        (hold(HoldOrigin.REVIEWER), "Paused by NHS England"),
    ],
    ids=["rule lapsed", "rule below", "recheck lapsed", "register", "certificate", "reviewer"],
)
def test_a_pause_says_what_paused_it_in_a_few_words(paused_by, words):
    result = standing(Stage2State.PAUSED, holds=[paused_by])
    assert result.tag == {"text": "Paused", "classes": "nhsuk-tag--red"}
    assert result.waiting == (words,)


def test_a_pause_for_several_reasons_counts_the_others():
    holds = [hold(HoldOrigin.RULE, "s_dspt_publication_lapsed"), hold(HoldOrigin.REVIEWER)]
    result = standing(Stage2State.PAUSED, holds=holds)
    assert result.waiting == ("Paused: DSPT lapsed, and 1 other reason",)


def test_a_pause_of_changes_requested_still_names_the_answers_to_change():
    result = standing(Stage2State.PAUSED, holds=[hold(HoldOrigin.REVIEWER)], change_answers=2)
    assert result.waiting == ("Paused by NHS England", "Changes requested: 2 answers")


def test_a_document_requested_gives_its_due_date_beside_where_stage_2_is():
    result = standing(Stage2State.IN_REVIEW, documents_due=[date(2026, 12, 12)])
    assert result.tag["text"] == "In review"
    assert result.waiting == (
        "Document requested: due 12 December",
        "With NHS England since 3 December",
    )


def test_several_documents_give_the_first_due_and_an_overdue_one_says_it_was_due():
    result = standing(Stage2State.APPROVED, documents_due=[date(2026, 12, 20), date(2026, 12, 1)])
    assert result.waiting[0] == "2 documents requested: first was due 1 December"


def test_approval_says_when():
    result = standing(Stage2State.APPROVED, approved_at=datetime(2026, 12, 5, 11, 0, tzinfo=UTC))
    assert result.tag == {"text": "Approved", "classes": "nhsuk-tag--green"}
    assert result.waiting == ("Approved on 5 December",)


def test_a_withdrawn_application_waits_for_no_one():
    result = standing(Stage2State.WITHDRAWN, change_answers=1, documents_due=[TODAY])
    assert result.tag == {"text": "Withdrawn", "classes": "nhsuk-tag--grey"}
    assert result.waiting == ("Withdrawn",)
