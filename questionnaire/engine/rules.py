"""Evaluate a definition's rules into blocks, pauses, flags and notes, each with its reason.

Blocks, pauses and flags are shown to the applicant. Notes are for NHS England's reviewer only:
pages for the applicant never show them."""

from __future__ import annotations

from dataclasses import dataclass, field

from .journey import Journey
from .schema import Outcome, Rule


@dataclass(frozen=True)
class Evaluation:
    blocks: list[Rule] = field(default_factory=list)
    pauses: list[Rule] = field(default_factory=list)
    flags: list[Rule] = field(default_factory=list)
    notes: list[Rule] = field(default_factory=list)

    @property
    def is_paused(self) -> bool:
        return bool(self.pauses)

    @property
    def is_blocked(self) -> bool:
        return bool(self.blocks)


def evaluate(journey: Journey) -> Evaluation:
    """Judge every rule against the answers on the current route only.

    A rule whose condition cannot be judged raises ``RuleEvaluationError``; it never counts as
    false, because a silently skipped block or pause could approve an organisation wrongly.
    """
    ctx = journey.context()
    applicable = {q.id for q in journey.applicable_questions()}
    result = Evaluation()
    buckets = {
        Outcome.BLOCK: result.blocks,
        Outcome.PAUSE: result.pauses,
        Outcome.FLAG: result.flags,
        Outcome.NOTE: result.notes,
    }
    for rule in journey.definition.rules:
        if rule.question not in applicable:
            continue
        if rule.when.evaluate(ctx):
            buckets[rule.outcome].append(rule)
    return result
