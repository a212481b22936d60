"""HL7 FHIR R4 exports: a questionnaire version as a ``Questionnaire`` and a submission's
snapshot as a ``QuestionnaireResponse`` that refers to it (ADR 0025).

Plain dictionaries, ready for ``json.dumps``: the service does not need a FHIR library to write
them; the tests validate them with ``fhir.resources``. What the engine can say that FHIR
``enableWhen`` cannot (a DSPT publication date judged against today, nested any/all/not) is kept
whole in an extension, and the item is then shown unconditionally to a plain FHIR renderer.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from .engine.conditions import (
    MAIN_FIELD,
    All,
    Answered,
    AnswerIn,
    AnswerIs,
    Any_,
    Condition,
    Not,
)
from .engine.schema import Definition, FollowUp, FollowUpKind, Question, QuestionKind

FHIR_VERSION = "4.0.1"
CANONICAL_BASE = "urn:nhs-england:nir"
# The engine's own condition, as JSON, where FHIR enableWhen cannot say it.
APPLIES_WHEN_EXTENSION = f"{CANONICAL_BASE}:fhir:StructureDefinition:applies-when"

_QUESTION_TYPES = {
    QuestionKind.RADIOS: "choice",
    QuestionKind.DATE: "date",
    QuestionKind.TEXT: "text",
    QuestionKind.CHECKBOX: "boolean",
    QuestionKind.FILE: "attachment",
}
_FOLLOW_UP_TYPES = {
    FollowUpKind.RADIOS: "choice",
    FollowUpKind.TEXT: "text",
    FollowUpKind.INPUT: "string",
}


def canonical_url(definition_id: str) -> str:
    return f"{CANONICAL_BASE}:questionnaire:{definition_id}"


def link_id(question_id: str, field: str = MAIN_FIELD) -> str:
    """A question's main answer is linked by its id; a follow-up by ``question.follow_up``."""
    return question_id if field == MAIN_FIELD else f"{question_id}.{field}"


def option_system(definition: Definition, question_id: str, field: str = MAIN_FIELD) -> str:
    return f"{canonical_url(definition.id)}:{definition.version}:{link_id(question_id, field)}"


# ------------------------------------------------------------------------------- Questionnaire


def questionnaire_resource(definition: Definition) -> dict[str, Any]:
    return {
        "resourceType": "Questionnaire",
        "id": f"{definition.id}-v{definition.version}",
        "url": canonical_url(definition.id),
        "version": str(definition.version),
        "name": "".join(part.capitalize() for part in definition.id.split("-")),
        "title": definition.title,
        "status": "active",
        "subjectType": ["Organization"],
        "publisher": "NHS England",
        "item": [_question_item(definition, q) for q in definition.questions],
    }


def _question_item(definition: Definition, question: Question) -> dict[str, Any]:
    item: dict[str, Any] = {
        "linkId": link_id(question.id),
        "prefix": question.number,
        "text": question.wording(),
        "type": _QUESTION_TYPES[question.kind],
        "required": question.required,
    }
    if question.max_length is not None:
        item["maxLength"] = question.max_length
    if question.options:
        system = option_system(definition, question.id)
        item["answerOption"] = [
            {"valueCoding": {"system": system, "code": o.value, "display": o.label}}
            for o in question.options
        ]
    if question.applies_when is not None:
        _add_condition(definition, item, question.applies_when)
    if question.follow_ups:
        item["item"] = [_follow_up_item(definition, question, f) for f in question.follow_ups]
    return item


def _follow_up_item(definition: Definition, question: Question, follow_up: FollowUp) -> dict:
    # A follow-up is revealed beneath one option: FHIR says the same with enableWhen on the
    # parent's answer.
    item: dict[str, Any] = {
        "linkId": link_id(question.id, follow_up.id),
        "text": follow_up.label,
        "type": _FOLLOW_UP_TYPES[follow_up.kind],
        "required": True,
        "enableWhen": [
            {
                "question": link_id(question.id),
                "operator": "=",
                "answerCoding": {
                    "system": option_system(definition, question.id),
                    "code": value,
                },
            }
            for value in follow_up.shown_when
        ],
    }
    if follow_up.max_length is not None:
        item["maxLength"] = follow_up.max_length
    if follow_up.options:
        system = option_system(definition, question.id, follow_up.id)
        item["answerOption"] = [
            {"valueCoding": {"system": system, "code": o.value, "display": o.label}}
            for o in follow_up.options
        ]
    return item


class _Inexpressible(Exception):
    pass


def _add_condition(definition: Definition, item: dict[str, Any], condition: Condition) -> None:
    try:
        enable_when, behaviour = _enable_when(definition, condition)
    except _Inexpressible:
        item["extension"] = [
            {
                "url": APPLIES_WHEN_EXTENSION,
                "valueString": json.dumps(condition.model_dump(), sort_keys=True),
            }
        ]
        return
    item["enableWhen"] = enable_when
    if len(enable_when) > 1:
        item["enableBehavior"] = behaviour


def _enable_when(definition: Definition, condition: Condition) -> tuple[list[dict], str]:
    """The condition as a flat list of enableWhen and its behaviour ('all' or 'any'), or
    _Inexpressible. FHIR has one level of all-or-any over simple comparisons."""
    if isinstance(condition, All | Any_):
        behaviour = "all" if isinstance(condition, All) else "any"
        clauses: list[dict] = []
        for part in condition.conditions:
            if isinstance(part, AnswerIn) and behaviour == "all" and len(part.values) > 1:
                raise _Inexpressible  # an 'any' inside an 'all'
            clauses.extend(_simple(definition, part))
        return clauses, behaviour
    if isinstance(condition, AnswerIn):
        return _simple(definition, condition), "any"
    return _simple(definition, condition), "all"


def _simple(definition: Definition, condition: Condition) -> list[dict]:
    if isinstance(condition, AnswerIs):
        return [_compare(definition, condition.question, condition.field, "=", condition.value)]
    if isinstance(condition, AnswerIn):
        return [
            _compare(definition, condition.question, condition.field, "=", v)
            for v in condition.values
        ]
    if isinstance(condition, Answered):
        return [
            {
                "question": link_id(condition.question, condition.field),
                "operator": "exists",
                "answerBoolean": True,
            }
        ]
    if isinstance(condition, Not) and isinstance(condition.condition, AnswerIs):
        inner = condition.condition
        return [_compare(definition, inner.question, inner.field, "!=", inner.value)]
    raise _Inexpressible


def _compare(definition: Definition, question_id: str, field: str, operator: str, value: str):
    clause: dict[str, Any] = {"question": link_id(question_id, field), "operator": operator}
    options = definition.question(question_id).fields().get(field)
    if options is not None:
        clause["answerCoding"] = {
            "system": option_system(definition, question_id, field),
            "code": value,
        }
    else:
        clause["answerString"] = value
    return clause


# ------------------------------------------------------------------------ QuestionnaireResponse


def questionnaire_response_resource(
    definition: Definition, snapshot: Mapping[str, Any]
) -> dict[str, Any]:
    """A submission's snapshot (workflow.services.submission_record) as a completed response.

    The wording each answer was given under is the snapshot's, not today's definition's."""
    items = []
    for answer in snapshot["answers"]:
        question = definition.question_or_none(answer["question_id"])
        if question is None:
            continue
        item = _answer_item(definition, question, answer)
        if item is not None:
            items.append(item)
    reference = snapshot["reference"]
    return {
        "resourceType": "QuestionnaireResponse",
        "id": f"{reference}-{snapshot['submission']}".lower(),
        "identifier": {
            "system": f"{CANONICAL_BASE}:application-submission",
            "value": f"{reference}/{snapshot['submission']}",
        },
        "questionnaire": f"{canonical_url(definition.id)}|{definition.version}",
        "status": "completed",
        "authored": snapshot["submitted_at"],
        "author": {"display": snapshot["submitted_by"]},
        "source": {
            "identifier": {
                "system": "https://fhir.nhs.uk/Id/ods-organization-code",
                "value": snapshot["organisation"]["ods_code"],
            },
            "display": snapshot["organisation"]["name"],
        },
        "item": items,
    }


def _answer_item(
    definition: Definition, question: Question, answer: Mapping[str, Any]
) -> dict[str, Any] | None:
    value = answer.get("value") or {}
    main = value.get(MAIN_FIELD)
    if main in (None, ""):
        return None
    item: dict[str, Any] = {"linkId": link_id(question.id), "text": answer["wording"]}
    if question.kind is QuestionKind.RADIOS:
        option = question.option(main)
        entry: dict[str, Any] = {
            "valueCoding": {
                "system": option_system(definition, question.id),
                "code": main,
                "display": option.label if option else main,
            }
        }
        children = [
            child
            for follow_up in question.follow_ups_for(main)
            if (child := _follow_up_answer(definition, question, follow_up, value)) is not None
        ]
        if children:
            entry["item"] = children
        item["answer"] = [entry]
    elif question.kind is QuestionKind.DATE:
        item["answer"] = [{"valueDate": main}]
    elif question.kind is QuestionKind.CHECKBOX:
        item["answer"] = [{"valueBoolean": main == "yes"}]
    elif question.kind is QuestionKind.TEXT:
        item["answer"] = [{"valueString": main}]
    else:
        return None  # evidence files are listed with the application, not answered here
    return item


def _follow_up_answer(
    definition: Definition, question: Question, follow_up: FollowUp, value: Mapping[str, Any]
) -> dict[str, Any] | None:
    raw = value.get(follow_up.id)
    if raw in (None, ""):
        return None
    item: dict[str, Any] = {"linkId": link_id(question.id, follow_up.id), "text": follow_up.label}
    if follow_up.options:
        label = next((o.label for o in follow_up.options if o.value == raw), raw)
        system = option_system(definition, question.id, follow_up.id)
        item["answer"] = [{"valueCoding": {"system": system, "code": raw, "display": label}}]
    else:
        item["answer"] = [{"valueString": raw}]
    return item
