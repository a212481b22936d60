"""A model of a questionnaire definition, to check the engine against: the route, the answers
that count, what is left to answer and the rules' outcomes, from the definition's YAML alone
(conditions read as the dictionaries they are written as, not through the engine's classes)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from questionnaire.engine.dspt import dspt_publication_is_current
from questionnaire.engine.schema import Definition, Outcome, Question, QuestionKind

Answer = dict[str, str]


class Unjudgeable(Exception):
    """The model's word for a rule that cannot be judged (the engine's RuleEvaluationError)."""


def _field(answers: dict[str, Answer], condition: dict[str, Any]) -> Any:
    return answers.get(condition["question"], {}).get(condition.get("field", "value"))


def holds(condition: dict[str, Any], answers: dict[str, Answer], today: date) -> bool:
    """A condition, as the definition's YAML states it, judged against the answers kept."""
    kind = condition["kind"]
    if kind == "answer_is":
        return _field(answers, condition) == condition["value"]
    if kind == "answer_in":
        return _field(answers, condition) in condition["values"]
    if kind == "answered":
        return _field(answers, condition) not in (None, "")
    if kind == "all":
        return all(holds(c, answers, today) for c in condition["conditions"])
    if kind == "any":
        return any(holds(c, answers, today) for c in condition["conditions"])
    if kind == "not":
        return not holds(condition["condition"], answers, today)
    if kind == "dspt_date_not_current":
        raw = _field(answers, {"question": condition["question"]})
        if raw is None:
            return False
        try:
            published = date.fromisoformat(raw)
        except (TypeError, ValueError) as exc:
            raise Unjudgeable(raw) from exc
        return not dspt_publication_is_current(published, today)
    raise AssertionError(f"the model does not know conditions of kind {kind!r}")


@dataclass(frozen=True)
class Expected:
    route: list[str]
    relevant: dict[str, Answer]
    unanswered: list[str]
    outcomes: dict[Outcome, list[str]] | None  # None: the rules cannot be judged


def _complete(question: Question, answer: Answer | None) -> bool:
    if answer is None:
        return False
    if question.kind is QuestionKind.RADIOS and answer["value"] not in [
        o.value for o in question.options
    ]:
        return False
    revealed = [f for f in question.follow_ups if answer["value"] in f.shown_when]
    return all(answer.get(f.id) not in (None, "") for f in revealed)


def expected(definition: Definition, answers: dict[str, Answer], today: date) -> Expected:
    """The route, the answers that count, what is left to answer and the rules' outcomes, from
    the definition alone: questions in order, each kept if its condition holds on the answers
    kept before it; an answer counts when its main value is not empty, with only the follow-ups
    that value reveals."""
    kept: dict[str, Answer] = {}
    route: list[Question] = []
    for question in definition.questions:
        if question.applies_when is not None and not holds(
            question.applies_when.model_dump(), kept, today
        ):
            continue
        answer = answers.get(question.id)
        if answer is not None and answer.get("value") not in (None, ""):
            revealed = {f.id for f in question.follow_ups if answer["value"] in f.shown_when}
            kept[question.id] = {k: v for k, v in answer.items() if k == "value" or k in revealed}
        route.append(question)
    unanswered = [q.id for q in route if q.required and not _complete(q, kept.get(q.id))]
    on_route = {q.id for q in route}
    outcomes: dict[Outcome, list[str]] | None = {o: [] for o in Outcome}
    try:
        for rule in definition.rules:
            if rule.question in on_route and holds(rule.when.model_dump(), kept, today):
                outcomes[rule.outcome].append(rule.id)  # type: ignore[index]
    except Unjudgeable:
        outcomes = None
    return Expected([q.id for q in route], kept, unanswered, outcomes)
