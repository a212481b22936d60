"""The clinical safety officer's approval of the hazard log kept in this service (ADR 0045): a
statement of its own in her one request, voided when the log changes, and the statements that a
hazard log is approved voided when the log they spoke of changed. A request is audited as
``attestation.request``; each end through ``attestations.services.attestation_end``."""

from __future__ import annotations

from accounts.models import User
from applications.models import Application
from audit.services import Auditor

from .models import (
    HAZARD_LOG_APPROVAL,
    HAZARD_LOG_RULES,
    Attestation,
    AttestationStatus,
    KeyPerson,
)
from .services import REPLACED_REASON, attestation_end, attestation_request_for

LOG_CHANGED_REASON = "The hazard log changed after the request was made."
LOG_STATEMENT_CHANGED_REASON = (
    "The hazard log kept in this service changed, so its approval no longer stands: this "
    "statement needs attesting again."
)
LOG_SOURCE_CHANGED_REASON = (
    "The answer now speaks of another hazard log: this statement needs attesting again."
)


def hazard_log_approval_request(
    *, application: Application, version: int, hazards: int, person: KeyPerson, actor: User
) -> Attestation:
    """Ask the CSO to approve version ``version`` of the in-service hazard log: a statement of
    its own in her one request (ADR 0045). An earlier approval still waiting is withdrawn."""
    for earlier in application.attestations.filter(
        rule_id=HAZARD_LOG_APPROVAL,
        status__in=[AttestationStatus.REQUESTED, AttestationStatus.ATTESTED],
    ):
        attestation_end(earlier, AttestationStatus.WITHDRAWN, REPLACED_REASON, actor)
    attestation = Attestation.objects.create(
        application=application,
        request=attestation_request_for(application=application, person=person, actor=actor),
        rule_id=HAZARD_LOG_APPROVAL,
        question_id=HAZARD_LOG_APPROVAL,
        question_label=f"Hazard log, version {version}",
        definition_version=0,
        answer_revision=version,
        question_wording="The hazard log kept in this service",
        answer_display=[f"Version {version}: {hazards} hazard{'' if hazards == 1 else 's'}"],
        statement=f"Approve the hazard log, version {version}",
        person=person,
        role=person.role,
        full_name=person.full_name,
        email=person.email,
        token_hash=None,
        requested_by=actor,
        hazard_log={"version": version},
    )
    Auditor(actor).record(
        action="attestation.request",
        obj=attestation,
        subject=HAZARD_LOG_APPROVAL,
        organisation=application.organisation,
        after={"email": attestation.email, "role": attestation.role, "version": version},
    )
    return attestation


def hazard_log_approval_void(*, application: Application, version: int, actor: User) -> None:
    """A change to the hazard log (now ``version``) voids a request to approve an earlier
    version (ADR 0045)."""
    for waiting in application.attestations.filter(
        rule_id=HAZARD_LOG_APPROVAL, status=AttestationStatus.REQUESTED
    ).exclude(answer_revision=version):
        attestation_end(waiting, AttestationStatus.VOID, LOG_CHANGED_REASON, actor)


def hazard_log_statements_void(
    *, application: Application, actor: User, source_changed: bool
) -> list[Attestation]:
    """Void the attested statements that a hazard log is approved (``HAZARD_LOG_RULES``) which
    a change has made stale (ADR 0045): when the answer's source changed, every one attested
    (it spoke of the other log); when the in-service log changed (its approval cleared), those
    that recorded the in-service log. One still waiting records no log and is left: it is
    checked against the log as it is when it is attested."""
    voided = []
    for attestation in application.attestations.filter(
        rule_id__in=HAZARD_LOG_RULES, status=AttestationStatus.ATTESTED
    ):
        if source_changed:
            reason = LOG_SOURCE_CHANGED_REASON
        elif attestation.hazard_log.get("source") == "in_service":
            reason = LOG_STATEMENT_CHANGED_REASON
        else:
            continue
        attestation_end(attestation, AttestationStatus.VOID, reason, actor)
        voided.append(attestation)
    return voided
