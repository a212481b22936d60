from dataclasses import FrozenInstanceError
from datetime import date

import pytest
from pydantic import TypeAdapter, ValidationError

from questionnaire.engine.conditions import (
    AnswerIs,
    Condition,
    DsptDateNotCurrent,
    EvaluationContext,
    Reference,
)
from questionnaire.engine.errors import RuleEvaluationError
from questionnaire.engine.journey import Journey
from questionnaire.engine.rules import Evaluation, evaluate
from tests.answer_sets import CONTROLLER, SUPPLIER, as_engine_answers
from tests.conftest import TODAY


def evaluation(definition, pages, changes, today=TODAY):
    answers = as_engine_answers(definition, pages, TODAY)
    answers.update(changes)
    return evaluate(Journey(definition=definition, answers=answers, today=today))


def rule_ids(rules):
    return sorted(r.id for r in rules)


@pytest.mark.parametrize("pages", [SUPPLIER, CONTROLLER])
def test_complete_good_answers_have_no_outcomes(definition, pages):
    result = evaluation(definition, pages, {})
    assert (result.blocks, result.pauses, result.flags, result.notes) == ([], [], [], [])
    # `is False`, not falsy: a bound method left where the property was would be truthy.
    assert result.is_blocked is False
    assert result.is_paused is False


def test_an_evaluation_is_paused_or_blocked_only_by_its_own_outcomes(definition):
    rule = definition.rules[0]
    assert Evaluation(pauses=[rule]).is_paused is True
    assert Evaluation(pauses=[rule]).is_blocked is False
    assert Evaluation(blocks=[rule]).is_blocked is True
    assert Evaluation(blocks=[rule]).is_paused is False


def test_an_evaluation_cannot_be_changed_after_it_is_made(definition):
    result = Evaluation()
    with pytest.raises(FrozenInstanceError):
        result.blocks = [definition.rules[0]]


@pytest.mark.parametrize(
    ("question", "value", "rule"),
    [
        ("s_isms", "no", "s_no_isms"),
        ("s_dcb0129", "not_confirmed", "s_not_dcb0129_compliant"),
        ("s_hazard_log", "no", "s_no_hazard_log"),
        ("s_training", "not_confirmed", "s_training_not_updated"),
        ("s_pki", "not_confirmed", "s_no_pki_controls"),
    ],
)
def test_supplier_blocks(definition, question, value, rule):
    result = evaluation(definition, SUPPLIER, {question: {"value": value}})
    assert rule_ids(result.blocks) == [rule]
    assert result.blocks[0].action
    assert not result.pauses


@pytest.mark.parametrize(
    ("question", "value", "rule"),
    [
        ("c_data_management", "not_confirmed", "c_data_management_not_confirmed"),
        ("c_dpia", "not_confirmed", "c_no_dpia"),
        ("c_audit_sops", "not_confirmed", "c_no_audit_sops"),
        ("c_clinical_approval", "not_confirmed", "c_no_clinical_approval"),
        ("c_dcb0160", "not_confirmed", "c_no_dcb0160"),
        ("c_hazard_log", "not_confirmed", "c_no_hazard_log"),
        ("c_incident_management", "no", "c_no_incident_management"),
        ("c_privacy_notice", "no", "c_privacy_notice_not_updated"),
        ("c_service_sops", "not_confirmed", "c_no_service_sops"),
        ("c_nhs_numbers", "not_confirmed", "c_nhs_numbers_not_confirmed"),
    ],
)
def test_controller_blocks(definition, question, value, rule):
    result = evaluation(definition, CONTROLLER, {question: {"value": value}})
    assert rule_ids(result.blocks) == [rule]


@pytest.mark.parametrize("status", ["approaching_standards", "standards_not_met", "not_published"])
@pytest.mark.parametrize(("pages", "prefix"), [(SUPPLIER, "s"), (CONTROLLER, "c")])
def test_dspt_below_standards_met_pauses(definition, pages, prefix, status):
    result = evaluation(definition, pages, {f"{prefix}_dspt_status": {"value": status}})
    assert rule_ids(result.pauses) == [f"{prefix}_dspt_below_standards_met"]
    assert not result.blocks


@pytest.mark.parametrize(("pages", "prefix"), [(SUPPLIER, "s"), (CONTROLLER, "c")])
def test_lapsed_publication_pauses(definition, pages, prefix):
    lapsed = {f"{prefix}_dspt_published": {"value": "2025-06-30"}}
    assert rule_ids(evaluation(definition, pages, lapsed).pauses) == [
        f"{prefix}_dspt_publication_lapsed"
    ]
    current = {f"{prefix}_dspt_published": {"value": "2025-07-01"}}
    assert evaluation(definition, pages, current).pauses == []


def test_publication_lapses_as_time_passes(definition):
    answers = {"c_dspt_published": {"value": "2026-05-01"}}
    assert evaluation(definition, CONTROLLER, answers, today=date(2027, 6, 29)).pauses == []
    later = evaluation(definition, CONTROLLER, answers, today=date(2027, 7, 1))
    assert rule_ids(later.pauses) == ["c_dspt_publication_lapsed"]


@pytest.mark.parametrize(
    ("value", "flags", "notes"),
    [
        ("yes_excludes_special", [], []),
        ("yes_includes_special", [], ["s_special_category_data"]),
        ("no_excludes_special", ["s_personal_data_outside_uk"], []),
        ("no_includes_special", ["s_personal_data_outside_uk"], ["s_special_category_data"]),
    ],
)
def test_uk_processing_flags_only_no_and_notes_special_category_data(
    definition, value, flags, notes
):
    # The source ties further scrutiny to "No" only: special category data is recorded for the
    # reviewer as a note, never flagged to the applicant.
    result = evaluation(definition, SUPPLIER, {"s_uk_processing": {"value": value}})
    assert rule_ids(result.flags) == flags
    assert rule_ids(result.notes) == notes
    assert not result.blocks and not result.pauses


def test_rules_on_the_other_branch_do_not_fire(definition):
    result = evaluation(definition, SUPPLIER, {"c_privacy_notice": {"value": "no"}})
    assert result.blocks == []


def test_a_condition_that_cannot_be_judged_raises():
    ctx = EvaluationContext({"d": {"value": "not a date"}}, TODAY)
    with pytest.raises(RuleEvaluationError, match="not an ISO date"):
        DsptDateNotCurrent(kind="dspt_date_not_current", question="d").evaluate(ctx)


def test_unanswered_question_does_not_match():
    ctx = EvaluationContext({}, TODAY)
    assert AnswerIs(kind="answer_is", question="q", value="no").evaluate(ctx) is False
    assert DsptDateNotCurrent(kind="dspt_date_not_current", question="d").evaluate(ctx) is False


# Each kind of condition on its own, both ways, and the shapes a definition may not take: the
# tests `make mutation` runs against questionnaire/engine/conditions.py (docs/testing.md).
CONDITION = TypeAdapter(Condition)
CONTEXT = EvaluationContext(
    answers={"q": {"value": "yes", "detail": ""}, "empty": {"value": ""}},
    today=TODAY,
)


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ({"kind": "answer_is", "question": "q", "value": "yes"}, True),
        ({"kind": "answer_is", "question": "q", "value": "no"}, False),
        ({"kind": "answer_is", "question": "missing", "value": "yes"}, False),
        ({"kind": "answer_in", "question": "q", "values": ["no", "yes"]}, True),
        ({"kind": "answer_in", "question": "q", "values": ["no"]}, False),
        ({"kind": "answered", "question": "q"}, True),
        ({"kind": "answered", "question": "q", "field": "detail"}, False),
        ({"kind": "answered", "question": "empty"}, False),
        ({"kind": "answered", "question": "missing"}, False),
        ({"kind": "not", "condition": {"kind": "answered", "question": "q"}}, False),
        ({"kind": "not", "condition": {"kind": "answered", "question": "missing"}}, True),
    ]
    + [
        # all and any with one condition, and with a true and a false one each way round.
        (
            {"kind": kind, "conditions": [{"kind": "answered", "question": q} for q in questions]},
            expected,
        )
        for kind, questions, expected in [
            ("all", ["q"], True),
            ("all", ["missing"], False),
            ("all", ["q", "missing"], False),
            ("all", ["missing", "q"], False),
            ("any", ["q"], True),
            ("any", ["missing"], False),
            ("any", ["q", "missing"], True),
            ("any", ["missing", "q"], True),
        ]
    ],
)
def test_each_condition_judges_the_answers(condition, expected):
    assert CONDITION.validate_python(condition).evaluate(CONTEXT) is expected


@pytest.mark.parametrize(
    "condition",
    [
        {"kind": "all", "conditions": []},
        {"kind": "any", "conditions": []},
        {"kind": "answer_in", "question": "q", "values": []},
        {"kind": "answer_is", "question": "q", "value": "yes", "extra": "refused"},
        {"kind": "eval", "question": "q"},
    ],
)
def test_a_condition_of_no_known_shape_is_refused(condition):
    with pytest.raises(ValidationError):
        CONDITION.validate_python(condition)


def test_references_name_every_question_field_and_value():
    condition = CONDITION.validate_python(
        {
            "kind": "all",
            "conditions": [
                {"kind": "answer_is", "question": "a", "field": "f", "value": "x"},
                {
                    "kind": "any",
                    "conditions": [
                        {"kind": "answer_in", "question": "b", "values": ["y", "z"]},
                        {"kind": "not", "condition": {"kind": "answered", "question": "c"}},
                    ],
                },
                {"kind": "dspt_date_not_current", "question": "d"},
            ],
        }
    )
    assert list(condition.references()) == [
        Reference("a", "f", "x"),
        Reference("b", "value", "y"),
        Reference("b", "value", "z"),
        Reference("c", "value", None),
        Reference("d", "value", None),
    ]


def test_an_unanswered_dspt_date_is_not_judged_lapsed():
    condition = CONDITION.validate_python({"kind": "dspt_date_not_current", "question": "none"})
    assert condition.evaluate(CONTEXT) is False


def test_conditions_and_their_context_cannot_be_changed_once_made():
    # A definition's conditions are shared by every journey; one journey must not change them.
    condition = CONDITION.validate_python({"kind": "answered", "question": "q"})
    with pytest.raises(ValidationError):
        condition.question = "other"
    with pytest.raises(FrozenInstanceError):
        CONTEXT.today = TODAY
    with pytest.raises(FrozenInstanceError):
        Reference("q").question = "other"
