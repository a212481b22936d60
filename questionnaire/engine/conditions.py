"""Typed conditions: the building blocks of ``applies_when``, follow-up reveals and rules.

Each condition is a small tree node that evaluates against the answers so far. There is no
expression language and nothing is passed to ``eval``: a condition that cannot be judged raises
``RuleEvaluationError`` instead of quietly counting as false.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .dspt import DEFAULT_DEADLINE, MonthDay, dspt_publication_is_current
from .errors import RuleEvaluationError

# An answer is a mapping of field id to value: "value" holds the main answer and each revealed
# follow-up has its own id.
AnswerFields = Mapping[str, Any]
Answers = Mapping[str, AnswerFields]
MAIN_FIELD = "value"


@dataclass(frozen=True)
class EvaluationContext:
    answers: Answers
    today: date
    dspt_deadline: MonthDay = DEFAULT_DEADLINE

    def field(self, question: str, field: str = MAIN_FIELD) -> Any:
        answer = self.answers.get(question)
        if answer is None:
            return None
        return answer.get(field)


@dataclass(frozen=True)
class Reference:
    """A question (and field, and optionally option value) that a condition refers to."""

    question: str
    field: str = MAIN_FIELD
    value: str | None = None


class _Condition(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    def evaluate(self, ctx: EvaluationContext) -> bool:  # pragma: no cover - abstract
        raise NotImplementedError

    def references(self) -> Iterator[Reference]:  # pragma: no cover - abstract
        raise NotImplementedError


class AnswerIs(_Condition):
    kind: Literal["answer_is"]
    question: str
    field: str = MAIN_FIELD
    value: str

    def evaluate(self, ctx: EvaluationContext) -> bool:
        return bool(ctx.field(self.question, self.field) == self.value)

    def references(self) -> Iterator[Reference]:
        yield Reference(self.question, self.field, self.value)


class AnswerIn(_Condition):
    kind: Literal["answer_in"]
    question: str
    field: str = MAIN_FIELD
    values: list[str] = Field(min_length=1)

    def evaluate(self, ctx: EvaluationContext) -> bool:
        return ctx.field(self.question, self.field) in self.values

    def references(self) -> Iterator[Reference]:
        for value in self.values:
            yield Reference(self.question, self.field, value)


class Answered(_Condition):
    kind: Literal["answered"]
    question: str
    field: str = MAIN_FIELD

    def evaluate(self, ctx: EvaluationContext) -> bool:
        return ctx.field(self.question, self.field) not in (None, "")

    def references(self) -> Iterator[Reference]:
        yield Reference(self.question, self.field)


class DsptDateNotCurrent(_Condition):
    """True when the question holds a DSPT publication date that is not current today."""

    kind: Literal["dspt_date_not_current"]
    question: str

    def evaluate(self, ctx: EvaluationContext) -> bool:
        raw = ctx.field(self.question)
        if raw is None:
            return False
        try:
            published = date.fromisoformat(raw)
        except (TypeError, ValueError) as exc:
            raise RuleEvaluationError(
                f"{self.kind} on {self.question!r}: {raw!r} is not an ISO date"
            ) from exc
        return not dspt_publication_is_current(published, ctx.today, ctx.dspt_deadline)

    def references(self) -> Iterator[Reference]:
        yield Reference(self.question)


class All(_Condition):
    kind: Literal["all"]
    conditions: list[Condition] = Field(min_length=1)

    def evaluate(self, ctx: EvaluationContext) -> bool:
        return all(c.evaluate(ctx) for c in self.conditions)

    def references(self) -> Iterator[Reference]:
        for c in self.conditions:
            yield from c.references()


class Any_(_Condition):
    kind: Literal["any"]
    conditions: list[Condition] = Field(min_length=1)

    def evaluate(self, ctx: EvaluationContext) -> bool:
        return any(c.evaluate(ctx) for c in self.conditions)

    def references(self) -> Iterator[Reference]:
        for c in self.conditions:
            yield from c.references()


class Not(_Condition):
    kind: Literal["not"]
    condition: Condition

    def evaluate(self, ctx: EvaluationContext) -> bool:
        return not self.condition.evaluate(ctx)

    def references(self) -> Iterator[Reference]:
        yield from self.condition.references()


Condition = Annotated[
    AnswerIs | AnswerIn | Answered | DsptDateNotCurrent | All | Any_ | Not,
    Field(discriminator="kind"),
]

for _model in (All, Any_, Not):
    _model.model_rebuild()
