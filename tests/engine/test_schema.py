import textwrap

import pytest
import yaml

from questionnaire.engine.errors import DefinitionError
from questionnaire.engine.loader import definition_from_text, load_definition

MINIMAL = """
id: test
version: 1
title: Test
help_and_tips_heading: Help
help_and_tips: [{p: Help text}]
questions:
  - id: colour
    number: "1"
    kind: radios
    title: Colour
    text: Which colour?
    options: [{value: red, label: Red}, {value: blue, label: Blue}]
    error_name: Colour
    required_error: Select a colour
  - id: shade
    number: "2"
    kind: text
    title: Shade
    text: Which shade?
    max_length: 100
    applies_when: {kind: answer_is, question: colour, value: blue}
    error_name: Shade
    required_error: Enter a shade
rules:
  - id: no_red
    outcome: block
    question: colour
    when: {kind: answer_is, question: colour, value: red}
    reason: Red is not allowed.
    action: Choose blue.
"""


def broken(old: str, new: str) -> str:
    assert old in MINIMAL
    return MINIMAL.replace(old, new, 1)


def test_the_stage2_definition_loads_with_both_roles(definition):
    ids = [q.id for q in definition.questions]
    assert ids[0] == "role"
    assert sum(1 for i in ids if i.startswith("s_")) == 10
    assert sum(1 for i in ids if i.startswith("c_")) == 16
    assert definition.version == 1


def test_minimal_definition_loads():
    definition = definition_from_text(MINIMAL)
    assert [q.id for q in definition.questions] == ["colour", "shade"]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("id: shade", "id: colour", "duplicate question ids: ['colour']"),
        (
            "{kind: answer_is, question: colour, value: red}",
            "{kind: answer_is, question: hue, value: red}",
            "rule 'no_red' refers to unknown question 'hue'",
        ),
        (
            "{kind: answer_is, question: colour, value: red}",
            "{kind: answer_is, question: colour, value: green}",
            "rule 'no_red' refers to unknown option 'green' of colour.value",
        ),
        (
            "applies_when: {kind: answer_is, question: colour, value: blue}",
            "applies_when: {kind: answer_is, question: shade, value: blue}",
            "question 'shade' applies_when refers to 'shade', which is not an earlier question",
        ),
        ("max_length: 100", "max_length: 0", "greater than or equal to 1"),
        ("max_length: 100", "max_length: 100000", "less than or equal to 10000"),
        ("    action: Choose blue.\n", "", "rule 'no_red' is a block and needs an action"),
        ("{kind: answer_is, question: colour", "{kind: answer_was, question: colour", "answer_was"),
        ("outcome: block", "outcome: explode", "outcome"),
        ("    max_length: 100\n", "", "question 'shade' is text and needs a max_length"),
    ],
)
def test_broken_definitions_stop_the_load_and_name_where(old, new, message):
    with pytest.raises(DefinitionError) as error:
        definition_from_text(broken(old, new), "test.yaml")
    assert "test.yaml" in str(error.value)
    assert message in str(error.value)


def test_a_string_condition_is_refused_not_evaluated():
    text = broken(
        "when: {kind: answer_is, question: colour, value: red}",
        "when: \"answers['colour'] == 'red'\"",
    )
    with pytest.raises(DefinitionError, match="rules.0.when"):
        definition_from_text(text)


def test_not_yaml_is_reported():
    with pytest.raises(DefinitionError, match="not valid YAML"):
        definition_from_text("questions: [unclosed", "bad.yaml")


def test_missing_file_is_reported(tmp_path):
    with pytest.raises(DefinitionError, match="cannot be read"):
        load_definition(tmp_path / "missing.yaml")


def test_follow_up_shown_for_unknown_option_is_refused():
    data = yaml.safe_load(MINIMAL)
    data["questions"][0]["follow_ups"] = [
        {
            "id": "why",
            "kind": "text",
            "label": "Why?",
            "max_length": 10,
            "shown_when": ["green"],
            "error_name": "Why",
            "required_error": "Enter why",
        }
    ]
    with pytest.raises(DefinitionError, match="shown for unknown options"):
        definition_from_text(yaml.safe_dump(data))


def test_definition_check_command_reports_problems(tmp_path, capsys):
    from django.core.management import CommandError, call_command

    bad = tmp_path / "bad.yaml"
    bad.write_text(textwrap.dedent(broken("id: shade", "id: colour")))
    with pytest.raises(CommandError, match="duplicate question ids"):
        call_command("questionnaire_check", str(bad))
    good = tmp_path / "good.yaml"
    good.write_text(MINIMAL)
    call_command("questionnaire_check", str(good))
    out = capsys.readouterr().out
    assert "test version 1 is valid (2 questions, 1 rules, 0 attestations)" in out
