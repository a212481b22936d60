"""Attestations: where an answer rests on a named person's sign-off, that person attests it.

The definition's ``attestations`` section says, for a question, the condition under which an
attestation is required, which key personnel roles may give it, and the exact words they attest.
This module judges which are required for one walk of the answers; the Django side records who
was asked, and who attested what, against which revision of the answer.
"""

from __future__ import annotations

from .journey import Journey
from .schema import AttestationRule


def attestations_required(journey: Journey) -> list[AttestationRule]:
    """The attestations the answers on the current route need, in definition order.

    Only questions on the route count, as for rules. A condition that cannot be judged raises
    ``RuleEvaluationError``: an attestation silently not required could let approval through.
    """
    ctx = journey.context()
    applicable = {q.id for q in journey.applicable_questions()}
    return [
        rule
        for rule in journey.definition.attestations
        if rule.question in applicable and rule.when.evaluate(ctx)
    ]
