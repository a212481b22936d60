"""Two questionnaire versions compared (ADR 0044): what an administrator reads before publishing
a version, and what decides which answers a draft carries over when it moves to it.

Plain Python, like the rest of the engine."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .conditions import MAIN_FIELD
from .journey import Journey
from .schema import Definition, Question


def answer_shape(question: Question) -> tuple[object, ...]:
    """What an answer to ``question`` must look like: its kind, each field with the option
    values it accepts (or None for free text and dates), and the longest text. An answer given
    to one version's question fits another's when their shapes are equal, whatever the wording."""
    return (
        question.kind,
        tuple(sorted((field, tuple(values or ())) for field, values in question.fields().items())),
        question.max_length,
        tuple((f.id, f.max_length) for f in question.follow_ups),
    )


@dataclass(frozen=True)
class QuestionChange:
    question_id: str
    number: str
    title: str
    what: str  # in words: "Its wording changed", "Its answers changed", …


@dataclass(frozen=True)
class RuleChange:
    rule_id: str
    what: str  # "Added", "Removed", "Changed"
    reason: str


@dataclass(frozen=True)
class VersionDifferences:
    added: list[Question]
    removed: list[Question]
    changed: list[QuestionChange]
    rules: list[RuleChange]

    def any(self) -> bool:
        return bool(self.added or self.removed or self.changed or self.rules)


def _options_as_worded(question: Question) -> tuple[object, ...]:
    """Its options' and follow-ups' words: what asked_as compares besides the question's own."""
    return (
        tuple((o.value, o.label, o.hint) for o in question.options),
        tuple(
            (f.id, f.label, f.hint, tuple(o.label for o in f.options)) for f in question.follow_ups
        ),
    )


def _question_changes(old: Question, new: Question) -> list[str]:
    changes = []
    if old.wording() != new.wording():
        changes.append("Its wording changed")
    if old.title != new.title or old.number != new.number:
        changes.append("Its number or title changed")
    if answer_shape(old) != answer_shape(new):
        changes.append("The answers it takes changed: answers to it are not carried over")
    elif _options_as_worded(old) != _options_as_worded(new):
        changes.append("Its options or follow-up questions are worded differently")
    if old.hint != new.hint or old.supporting_information != new.supporting_information:
        changes.append("Its hint or supporting information changed")
    if old.applies_when != new.applies_when:
        changes.append("When it is asked changed")
    if old.required != new.required:
        changes.append("It is now required" if new.required else "It is now optional")
    return changes


def version_differences(current: Definition, new: Definition) -> VersionDifferences:
    """What ``new`` asks differently from ``current``: questions added, removed and changed
    (each change in words), and rules added, removed or changed."""
    old_questions = {q.id: q for q in current.questions}
    new_questions = {q.id: q for q in new.questions}
    changed = [
        QuestionChange(question.id, question.number, question.title, what)
        for question in new.questions
        if question.id in old_questions
        for what in _question_changes(old_questions[question.id], question)
    ]
    old_rules = {r.id: r for r in current.rules}
    new_rules = {r.id: r for r in new.rules}
    rules = [RuleChange(r.id, "Added", r.reason) for r in new.rules if r.id not in old_rules]
    rules += [RuleChange(r.id, "Removed", r.reason) for r in current.rules if r.id not in new_rules]
    rules += [
        RuleChange(r.id, "Changed", r.reason)
        for r in new.rules
        if r.id in old_rules and old_rules[r.id] != r
    ]
    return VersionDifferences(
        added=[q for q in new.questions if q.id not in old_questions],
        removed=[q for q in current.questions if q.id not in new_questions],
        changed=changed,
        rules=rules,
    )


ROLE_QUESTION = "role"


def questions_for_role(definition: Definition, role: str, today: date) -> list[Question]:
    """The questions someone onboarding as ``role`` is asked before any other answer branches
    their route: the questionnaire as that role first sees it."""
    answers = (
        {ROLE_QUESTION: {MAIN_FIELD: role}} if definition.question_or_none(ROLE_QUESTION) else {}
    )
    return Journey(definition, answers, today).applicable_questions()


@dataclass(frozen=True)
class MovePlan:
    """What moving a draft's answers from one version to another does, question by question
    (ids in the new version's order, then the removed in the old's): ``carried`` keep their
    answers (``reworded``, those of them asked in other words: the question's own, its options'
    or its follow-ups'), ``to_answer_again`` lose them (the answer type changed),
    ``no_longer_asked`` lose them (the question is gone)."""

    carried: list[str]
    reworded: list[str]
    to_answer_again: list[str]
    no_longer_asked: list[str]


def move_plan(current: Definition, new: Definition, answered: set[str]) -> MovePlan:
    """Which of the ``answered`` questions of ``current`` carry their answers to ``new``: those
    whose question id is still asked and whose answer type (answer_shape) is unchanged."""
    carried, reworded, again = [], [], []
    for question in new.questions:
        old = current.question_or_none(question.id)
        if question.id not in answered or old is None:
            continue
        if answer_shape(old) == answer_shape(question):
            carried.append(question.id)
            # asked_as, not wording: an option's or a follow-up's words changed change what
            # the answer (and any attestation of it) was given to.
            if old.asked_as() != question.asked_as():
                reworded.append(question.id)
        else:
            again.append(question.id)
    gone = [
        q.id for q in current.questions if q.id in answered and new.question_or_none(q.id) is None
    ]
    return MovePlan(carried, reworded, again, gone)
