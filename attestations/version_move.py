"""What a move to a new version of the questions ends (ADR 0044): the requests and attestations
of a reworded question, or of a rule whose statement, question or allowed roles changed. Voids
are audited (``attestations.services.attestation_end``)."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from accounts.models import User
from applications.models import Application
from questionnaire.engine.schema import AttestationRule

from .models import HAZARD_LOG_APPROVAL, Attestation, AttestationStatus
from .services import attestation_end

REWORDED_REASON = (
    "The question or the statement was reworded in a new version of the questions, "
    "so it must be attested again."
)
RULE_CHANGED_REASON = (
    "A new version of the questions changed who may attest this or the question it speaks "
    "of, so it must be attested again."
)


def _rule_refuses(attestation: Attestation, rule: AttestationRule | None) -> str:
    """Why the new version's ``rule`` (None: no rule of that id) does not take ``attestation``
    as given, or "": its statement reads differently, it speaks of another question, or the
    role the person was asked in is not one it allows."""
    if rule is None:
        return ""
    if rule.statement != attestation.statement:
        return REWORDED_REASON
    if not rule.takes(attestation.question_id, attestation.role):
        return RULE_CHANGED_REASON
    return ""


def _ended_by_move(
    application: Application, questions: Collection[str], rules: Mapping[str, AttestationRule]
) -> list[tuple[Attestation, str]]:
    found = []
    for attestation in application.attestations.filter(
        status__in=[AttestationStatus.REQUESTED, AttestationStatus.ATTESTED]
    ).exclude(rule_id=HAZARD_LOG_APPROVAL):
        reason = (
            REWORDED_REASON
            if attestation.question_id in questions
            else _rule_refuses(attestation, rules.get(attestation.rule_id))
        )
        if reason:
            found.append((attestation, reason))
    return found


def attestations_reworded(
    *, application: Application, questions: Collection[str], rules: Mapping[str, AttestationRule]
) -> list[Attestation]:
    """The requests and attestations a move to a new version of the questions ends (ADR 0044):
    those of a question in ``questions`` (reworded), or of a rule that in the new version
    (``rules``: rule id to the rule) has another statement, speaks of another question, or no
    longer allows the role the person was asked in."""
    return [a for a, _ in _ended_by_move(application, questions, rules)]


def attestations_void_reworded(
    *,
    application: Application,
    questions: Collection[str],
    rules: Mapping[str, AttestationRule],
    actor: User,
) -> list[Attestation]:
    """Void, audited, what attestations_reworded finds: an attestation given to other words, of
    another question or by a role the rule no longer allows, does not count for the new
    version, though the answer it speaks of was carried unchanged."""
    voided = []
    for attestation, reason in _ended_by_move(application, questions, rules):
        attestation_end(attestation, AttestationStatus.VOID, reason, actor)
        voided.append(attestation)
    return voided
