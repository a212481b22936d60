"""Two questionnaire versions compared (ADR 0044), without a database: the differences an
administrator reads before publishing, the questions each role is shown first, and which answers
a draft carries when it moves."""

from datetime import date

from questionnaire.engine.loader import definition_from_text
from questionnaire.engine.versions import (
    answer_shape,
    move_plan,
    questions_for_role,
    version_differences,
)
from tests.questionnaire_versions.support import version_2_text

TODAY = date(2026, 12, 1)


def version_2():
    return definition_from_text(version_2_text())


def test_the_same_version_has_no_differences(definition):
    assert not version_differences(definition, definition).any()


def test_a_reworded_and_an_added_question_are_told_apart(definition):
    differences = version_differences(definition, version_2())
    assert [q.id for q in differences.added] == ["s_cso_deputy"]
    assert differences.removed == []
    assert [(c.question_id, c.what) for c in differences.changed] == [
        ("s_cso", "Its wording changed")
    ]
    assert differences.rules == []
    back = version_differences(version_2(), definition)
    assert [q.id for q in back.removed] == ["s_cso_deputy"]


def test_a_changed_rule_and_a_changed_answer_type_are_named(definition):
    isms = definition.question("s_isms")
    other_options = isms.model_copy(
        update={"options": [*isms.options, isms.options[0].model_copy(update={"value": "partly"})]}
    )
    rule = definition.rules[0].model_copy(update={"reason": "Another reason"})
    changed = definition.model_copy(
        update={
            "questions": [other_options if q.id == "s_isms" else q for q in definition.questions],
            "rules": [rule, *definition.rules[1:]],
        }
    )
    differences = version_differences(definition, changed)
    assert [c.what for c in differences.changed if c.question_id == "s_isms"] == [
        "The answers it takes changed: answers to it are not carried over"
    ]
    assert [(r.rule_id, r.what) for r in differences.rules] == [(rule.id, "Changed")]
    assert answer_shape(isms) != answer_shape(other_options)
    assert answer_shape(isms) == answer_shape(isms.model_copy(update={"text": "Reworded?"}))


def test_each_role_is_shown_its_own_questions_first(definition):
    supplier = [q.id for q in questions_for_role(version_2(), "supplier", TODAY)]
    controller = [q.id for q in questions_for_role(version_2(), "controller", TODAY)]
    assert supplier[0] == controller[0] == "role"
    assert "s_cso_deputy" in supplier and "s_cso_deputy" not in controller
    assert all(not qid.startswith("s_") for qid in controller)


def test_a_move_carries_matching_answers_and_lists_the_rest(definition):
    answered = {"role", "s_isms", "s_cso", "s_no_such_question_in_v2"}
    plan = move_plan(definition, version_2(), answered)
    assert plan.carried == ["role", "s_isms", "s_cso"]
    assert plan.reworded == ["s_cso"]
    assert plan.to_answer_again == []
    # An id the old version does not ask is not the old version's answer: nothing to list.
    assert plan.no_longer_asked == []
    gone = move_plan(version_2(), definition, {"role", "s_cso_deputy"})
    assert gone.carried == ["role"] and gone.no_longer_asked == ["s_cso_deputy"]


def _with_question(definition, question):
    return definition.model_copy(
        update={"questions": [question if q.id == question.id else q for q in definition.questions]}
    )


def test_a_move_marks_an_answer_reworded_when_only_its_options_words_changed(definition):
    """An option's label is part of what the answer was given to (asked_as), though not of the
    question's own wording: the answer is carried, and marked reworded, so an attestation of it
    is asked for again."""
    dcb0129 = definition.question("s_dcb0129")
    relabelled = dcb0129.model_copy(
        update={
            "options": [
                dcb0129.options[0].model_copy(update={"label": "Yes, we are fully compliant"}),
                *dcb0129.options[1:],
            ]
        }
    )
    assert relabelled.wording() == dcb0129.wording()
    plan = move_plan(definition, _with_question(definition, relabelled), {"role", "s_dcb0129"})
    assert plan.carried == ["role", "s_dcb0129"]
    assert plan.reworded == ["s_dcb0129"]


def test_a_move_marks_an_answer_reworded_when_only_a_follow_ups_words_changed(definition):
    asked = next(q for q in definition.questions if q.follow_ups)
    follow_up = asked.follow_ups[0]
    reworded = asked.model_copy(
        update={
            "follow_ups": [
                follow_up.model_copy(update={"label": f"{follow_up.label} (reworded)"}),
                *asked.follow_ups[1:],
            ]
        }
    )
    assert reworded.wording() == asked.wording()
    plan = move_plan(definition, _with_question(definition, reworded), {asked.id})
    assert plan.carried == [asked.id]
    assert plan.reworded == [asked.id]
