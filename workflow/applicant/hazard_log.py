"""The hazard log in the clinical safety answer (ADR 0045).

The answer to the hazard log question speaks of the hazard log kept in this service or of a file
(``hazards.models.LogSource``). The lead asks the named Clinical Safety Officer to approve the
in-service log: the approval joins her one request (ADR 0038) as a statement of its own. A
statement that the log is approved (``HAZARD_LOG_RULES``) is refused while the in-service log it
speaks of is empty or has no approval of its current version, and records which log it was."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from accounts.models import User, normalise_email
from applications.models import Application
from attestations import services
from attestations.hazard_log_approval import hazard_log_approval_request
from attestations.models import (
    HAZARD_LOG_APPROVAL,
    HAZARD_LOG_RULES,
    Attestation,
    AttestationStatus,
)
from attestations.selectors import (
    SAME_AS_ANSWERER,
    SAME_AS_ASKER,
    SAME_AS_ASKER_AND_ANSWERER,
    same_person,
)
from hazards.lock import hazard_rows_fingerprint
from hazards.models import HazardLog, LogSource

from .refused import AttestationRefused

NO_CSO = (
    "Add your Clinical Safety Officer to your key personnel before you ask them to approve "
    "the hazard log"
)
NO_HAZARDS = "Add or import at least one hazard before you ask for the log to be approved"
LOG_EMPTY = (
    "You cannot attest this statement because the hazard log it speaks of, the one kept in "
    "this service, has no hazards"
)
# The organisation requires someone else (ADR 0012), for the log as for an answer (ADR 0048):
# who made the version there is now stands where whoever gave the answer does.
ASK_SOMEONE_ELSE = (
    "You cannot ask {who} to approve the hazard log: {organisation} needs the log approved by "
    "someone other than the person who asked for the approval or made this version of the log"
)
NOT_YOURSELF = {
    SAME_AS_ASKER_AND_ANSWERER: "you asked for this approval and made this version of the log",
    SAME_AS_ASKER: "you asked for this approval",
    SAME_AS_ANSWERER: "you made this version of the log",
}
LOG_UNAPPROVED = (
    "You cannot attest this statement because version {version} of the hazard log it speaks "
    "of, the one kept in this service, has not been approved"
)


def hazard_log_for(application: Application) -> HazardLog | None:
    return HazardLog.objects.filter(application=application).select_related("approved_by").first()


def log_refusal(application: Application) -> str:
    """Why a statement that the hazard log is approved cannot be given now, or "": only when
    the answer speaks of the in-service log, and it is empty or not approved as it is now."""
    log = hazard_log_for(application)
    if log is None or log.answer_source != LogSource.IN_SERVICE:
        return ""
    if not log.hazards.exists():
        return LOG_EMPTY
    if not log.is_approved or (
        # Belt and braces (ADR 0048): the rows are still the rows approved.
        log.approved_fingerprint
        and hazard_rows_fingerprint(log.hazards.all()) != log.approved_fingerprint
    ):
        return LOG_UNAPPROVED.format(version=log.version)
    return ""


def log_refusal_for(application: Application, attestations: list[Attestation]) -> str:
    """``log_refusal``, read only when a statement that the log is approved stands attested
    (the only time it can change whether one counts): most applications read nothing more."""
    if not any(
        a.rule_id in HAZARD_LOG_RULES and a.status == AttestationStatus.ATTESTED
        for a in attestations
    ):
        return ""
    return log_refusal(application)


def log_attested(application: Application) -> dict[str, Any]:
    """The hazard log a statement speaks of as it is attested, kept with the attestation."""
    log = hazard_log_for(application)
    if log is None or log.answer_source != LogSource.IN_SERVICE:
        return {"source": LogSource.FILE.value}
    assert log.approved_by is not None and log.approved_at is not None  # log_refusal checked
    return {
        "source": LogSource.IN_SERVICE.value,
        "version": log.version,
        "hazards": log.hazards.count(),
        # What was attested, row by row (ADR 0048): the rows approved, log_refusal checked.
        "fingerprint": hazard_rows_fingerprint(log.hazards.all()),
        "approved_by": f"{log.approved_by.full_name} ({log.approved_by.email})",
        "approved_at": log.approved_at.isoformat(),
    }


def log_approved(application: Application) -> dict[str, Any]:
    """The log as its CSO approved it, kept with her response (ADR 0048): the version and the
    fingerprint of the rows approved."""
    log = hazard_log_for(application)
    assert log is not None and log.is_approved  # hazard_log_approve just approved it
    return {
        "source": LogSource.IN_SERVICE.value,
        "version": log.approved_version,
        "hazards": log.hazards.count(),
        "fingerprint": log.approved_fingerprint,
    }


def approval_asked(application: Application, version: int) -> Attestation | None:
    """The request to approve this version of the log still waiting, if any."""
    return application.attestations.filter(
        rule_id=HAZARD_LOG_APPROVAL, status=AttestationStatus.REQUESTED, answer_revision=version
    ).first()


def approval_ask(*, application: Application, actor: Any) -> tuple[Attestation, bool]:
    """Add "Approve the hazard log, version N" to the CSO's one request (the caller holds the
    application's lock and checked the actor). Her open request already has a live link: the
    statement joins it and nothing is emailed; otherwise she is emailed a new link listing every
    statement waiting. The statement, and whether an email was sent."""
    log = hazard_log_for(application)
    if log is None or not log.hazards.exists():
        raise AttestationRefused(NO_HAZARDS)
    if log.is_approved:
        raise AttestationRefused(f"Version {log.version} of the hazard log is already approved")
    cso = application.key_personnel.filter(role="cso").first()
    if cso is None:
        raise AttestationRefused(NO_CSO)
    if application.organisation.attestation_by_someone_else:
        email = normalise_email(cso.email)
        made_it = ("the person who made this version", log.version_by)
        for who, user in (("yourself", actor), made_it):
            if user is not None and normalise_email(user.email) == email:
                raise AttestationRefused(
                    ASK_SOMEONE_ELSE.format(who=who, organisation=application.organisation.name)
                )
    if approval_asked(application, log.version):
        raise AttestationRefused(
            f"{cso.full_name} has already been asked to approve version {log.version} of the "
            "hazard log"
        )
    attestation = hazard_log_approval_request(
        application=application,
        version=log.version,
        hazards=log.hazards.count(),
        person=cso,
        actor=actor,
    )
    request = attestation.request
    assert request is not None
    live = request.links.filter(replaced_at__isnull=True, expires_at__gt=timezone.now()).exists()
    others = request.attestations.filter(status=AttestationStatus.REQUESTED).exclude(
        pk=attestation.pk
    )
    if live and others.exists():
        return attestation, False
    services.attestation_request_send(request=request, actor=actor)
    return attestation, True


def approval_refusal(attestation: Attestation, actor: User) -> str:
    """Why ``actor`` may not approve the log this statement asks about, or "": when their
    organisation requires someone else (ADR 0012) and they asked for the approval or made the
    version of the log there is now (ADR 0048)."""
    organisation = attestation.application.organisation
    if not organisation.attestation_by_someone_else:
        return ""
    log = hazard_log_for(attestation.application)
    same = same_person(
        attester_id=actor.pk,
        asker_id=attestation.requested_by_id,
        answerer_id=log.version_by_id if log is not None else None,
    )
    if not same:
        return ""
    return (
        f"You cannot approve the hazard log because {NOT_YOURSELF[same]}. {organisation.name} "
        "needs someone else to approve it"
    )
