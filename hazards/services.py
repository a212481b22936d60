"""Writes to hazard logs, each in a transaction under the application's row lock, audited."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from applications.models import Application
from audit.services import Auditor

from .models import Hazard, HazardLog
from .risk import RISK_NEEDS_JUSTIFICATION
from .table import RowError, hazard_rows_parse

NOT_THE_CSO = "Only the Clinical Safety Officer named in your key personnel can approve the log"
NO_HAZARDS = "Import at least one hazard before approving the log"


class HazardImportRefused(Exception):
    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} errors")
        self.errors = errors


class HazardApprovalRefused(Exception):
    def __init__(self, reasons: list[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = reasons


def _lock(application: Application) -> HazardLog:
    Application.objects.select_for_update().get(pk=application.pk)
    log, _ = HazardLog.objects.get_or_create(application=application)
    return log


def hazard_log_import(*, application: Application, data: bytes, actor: User) -> int:
    """Replace the application's hazards with the CSV's rows, all or nothing: any row in error
    raises HazardImportRefused with every error (row and what is wrong), and nothing is saved.
    Clears an approval. Returns how many hazards the log now has."""
    parsed = hazard_rows_parse(data)
    if parsed.errors:
        raise HazardImportRefused(parsed.errors)
    if not parsed.rows:
        raise HazardImportRefused([RowError(2, "The file has no hazards")])
    with transaction.atomic():
        log = _lock(application)
        before = {"hazards": log.hazards.count(), "approved": log.approved_at is not None}
        log.hazards.all().delete()
        Hazard.objects.bulk_create(
            Hazard(log=log, position=position, **row)
            for position, row in enumerate(parsed.rows, start=1)
        )
        log.approved_at = None
        log.approved_by = None
        log.save()
        Auditor(actor).record(
            action="hazard_log.import",
            obj=log,
            subject=application.reference,
            organisation=application.organisation,
            before=before,
            after={
                "hazards": len(parsed.rows),
                "references": [row["reference"] for row in parsed.rows],
                "approved": False,
            },
        )
    return len(parsed.rows)


def approval_problems(application: Application, hazards: list[Hazard], actor: User) -> list[str]:
    """Why `actor` cannot approve the log now (empty when they can)."""
    from attestations.models import KeyPerson

    problems = []
    is_cso = KeyPerson.objects.filter(
        application=application, role="cso", email__iexact=actor.email
    ).exists()
    if not is_cso:
        problems.append(NOT_THE_CSO)
    if not hazards:
        problems.append(NO_HAZARDS)
    for hazard in hazards:
        if hazard.residual_risk >= RISK_NEEDS_JUSTIFICATION and not hazard.justification.strip():
            problems.append(
                f"Hazard {hazard.reference} has a residual risk of {hazard.residual_risk}: "
                "enter a justification for it before the log can be approved"
            )
    return problems


@dataclass(frozen=True)
class Approved:
    changed: bool


def hazard_log_approve(*, application: Application, actor: User) -> Approved:
    """Mark the log approved by `actor`, its CSO. Raises HazardApprovalRefused with the reasons;
    approving an approved log again changes nothing (a double submit)."""
    with transaction.atomic():
        Application.objects.select_for_update().get(pk=application.pk)
        log = HazardLog.objects.filter(application=application).first()  # never made here
        hazards = list(log.hazards.order_by("position")) if log is not None else []
        problems = approval_problems(application, hazards, actor)
        if problems:
            raise HazardApprovalRefused(problems)
        assert log is not None  # it has hazards
        if log.approved_at is not None:
            return Approved(changed=False)
        log.approved_at = timezone.now()
        log.approved_by = actor
        log.save()
        Auditor(actor).record(
            action="hazard_log.approve",
            obj=log,
            subject=application.reference,
            organisation=application.organisation,
            before={"approved": False},
            after={"approved": True, "hazards": len(hazards)},
        )
    return Approved(changed=True)
