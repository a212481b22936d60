"""A `note` rule outcome: recorded for NHS England's reviewer, never shown to the applicant."""

import pytest

from questionnaire.engine.errors import DefinitionError
from questionnaire.engine.journey import Journey
from questionnaire.engine.loader import definition_from_text
from questionnaire.engine.rules import evaluate
from questionnaire.engine.schema import Outcome
from tests.conftest import TODAY
from tests.engine.test_schema import MINIMAL

NOTE = """
  - id: blue_noted
    outcome: note
    question: colour
    when: {kind: answer_is, question: colour, value: blue}
    reason: The applicant chose blue.
"""


def with_note(extra=""):
    return MINIMAL + NOTE + extra


def test_a_note_is_evaluated_into_notes_and_nowhere_else():
    definition = definition_from_text(with_note())
    assert definition.rules[1].outcome is Outcome.NOTE
    blue = evaluate(
        Journey(definition=definition, answers={"colour": {"value": "blue"}}, today=TODAY)
    )
    assert [r.id for r in blue.notes] == ["blue_noted"]
    assert (blue.blocks, blue.pauses, blue.flags) == ([], [], [])
    red = evaluate(
        Journey(definition=definition, answers={"colour": {"value": "red"}}, today=TODAY)
    )
    assert red.notes == []
    assert [r.id for r in red.blocks] == ["no_red"]


def test_a_note_has_nothing_for_the_organisation_to_do():
    with pytest.raises(
        DefinitionError, match="rule 'blue_noted' is a note and cannot have an action"
    ):
        definition_from_text(with_note("    action: Tell the reviewer.\n"), "test.yaml")


def test_a_note_is_checked_like_any_rule_when_it_loads():
    text = with_note().replace(
        "question: colour, value: blue}\n    reason: The applicant",
        "question: colour, value: green}\n    reason: The applicant",
    )
    with pytest.raises(DefinitionError, match="rule 'blue_noted' refers to unknown option 'green'"):
        definition_from_text(text, "test.yaml")
