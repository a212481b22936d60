"""The definition's attestations: validated when it loads, judged on the current route only."""

import pytest
import yaml

from questionnaire.engine.attestations import attestations_required
from questionnaire.engine.errors import DefinitionError
from questionnaire.engine.journey import Journey
from questionnaire.engine.loader import definition_from_text
from questionnaire.engine.people import PersonRole
from tests.answer_sets import CONTROLLER, SUPPLIER, as_engine_answers
from tests.conftest import TODAY
from tests.engine.test_schema import MINIMAL

ATTESTATION = {
    "id": "blue_signed_off",
    "question": "colour",
    "when": {"kind": "answer_is", "question": "colour", "value": "blue"},
    "roles": ["cso"],
    "statement": "I approved the blue.",
}


def with_attestations(*attestations):
    data = yaml.safe_load(MINIMAL)
    data["attestations"] = list(attestations)
    return yaml.safe_dump(data)


def required(definition, pages, changes=None):
    answers = as_engine_answers(definition, pages, TODAY)
    answers.update(changes or {})
    journey = Journey(definition=definition, answers=answers, today=TODAY)
    return [rule.id for rule in attestations_required(journey)]


def test_the_stage2_definition_names_who_signs_off_each_answer(definition):
    by_question = {a.question: a for a in definition.attestations}
    assert by_question["c_dpia"].roles == [PersonRole.SIRO, PersonRole.CALDICOTT_GUARDIAN]
    assert by_question["c_clinical_approval"].roles == [
        PersonRole.CSO,
        PersonRole.SOCIAL_CARE_PROFESSIONAL,
        PersonRole.MEDICAL_DIRECTOR,
    ]
    assert by_question["c_dcb0160"].roles == [PersonRole.CSO]
    assert by_question["c_hazard_log"].roles == [PersonRole.CSO]
    assert by_question["s_dcb0129"].roles == [PersonRole.CSO]
    numbers = {definition.question(q).number for q in by_question}
    assert numbers == {"5", "7", "9", "10", "8"}


def test_required_attestations_follow_the_answers_on_the_route(definition):
    assert required(definition, CONTROLLER) == [
        "c_dpia_approved",
        "c_deployment_approved",
        "c_dcb0160_approved",
        "c_hazard_log_approved",
    ]
    assert required(definition, SUPPLIER) == ["s_dcb0129_confirmed"]
    # An answer that does not rest on a sign-off needs none (it blocks instead).
    assert required(definition, SUPPLIER, {"s_dcb0129": {"value": "not_confirmed"}}) == []
    # An answer left off the route by question 1 needs none, even if stored.
    assert required(definition, SUPPLIER, {"c_dpia": {"value": "confirmed"}}) == [
        "s_dcb0129_confirmed"
    ]


def test_a_valid_attestation_loads():
    definition = definition_from_text(with_attestations(ATTESTATION))
    assert definition.attestations[0].roles == [PersonRole.CSO]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"question": "hue"}, "attestation 'blue_signed_off' supports unknown question 'hue'"),
        (
            {"when": {"kind": "answer_is", "question": "colour", "value": "green"}},
            "attestation 'blue_signed_off' refers to unknown option 'green' of colour.value",
        ),
        (
            {"when": {"kind": "answer_is", "question": "hue", "value": "blue"}},
            "attestation 'blue_signed_off' refers to unknown question 'hue'",
        ),
        ({"roles": ["chief_executive"]}, "roles.0"),
        ({"roles": []}, "at least 1 item"),
        ({"roles": ["cso", "cso"]}, "attestation 'blue_signed_off' names a role twice"),
        ({"statement": ""}, "at least 1 character"),
        ({"when": "answers['colour'] == 'blue'"}, "attestations.0.when"),
        ({"signed_by": "anyone"}, "Extra inputs are not permitted"),
    ],
)
def test_broken_attestations_stop_the_load_and_name_where(change, message):
    with pytest.raises(DefinitionError) as error:
        definition_from_text(with_attestations({**ATTESTATION, **change}), "test.yaml")
    assert message in str(error.value)


def test_duplicate_attestation_ids_are_refused():
    with pytest.raises(DefinitionError, match="duplicate attestation ids"):
        definition_from_text(with_attestations(ATTESTATION, ATTESTATION))


def test_the_check_command_counts_attestations(tmp_path, capsys):
    from django.core.management import CommandError, call_command

    good = tmp_path / "good.yaml"
    good.write_text(with_attestations(ATTESTATION))
    call_command("questionnaire_check", str(good))
    assert "(2 questions, 1 rules, 1 attestations)" in capsys.readouterr().out
    bad = tmp_path / "bad.yaml"
    bad.write_text(with_attestations({**ATTESTATION, "roles": ["nobody"]}))
    with pytest.raises(CommandError, match="attestations.0.roles.0"):
        call_command("questionnaire_check", str(bad))
