"""The NHS number checker's one write: the audit entry of a check (counts only, never a number
from the file, which is not kept)."""

from __future__ import annotations

from django.db import transaction

from accounts.models import User
from applications.models import Application
from audit.services import Auditor

from .checking import CheckReport


def nhs_number_check_record(
    *,
    application: Application,
    actor: User,
    report: CheckReport | None,
    size: int = 0,
    refusal_reason: str = "",
) -> None:
    """Audit that `actor` checked a file for `application`: `nhs_numbers.check` with the counts,
    or `nhs_numbers.check_refused` with why the file was refused (such as the malware found)."""
    with transaction.atomic():
        if report is not None:
            Auditor(actor).record(
                action="nhs_numbers.check",
                obj=application,
                subject=application.reference,
                organisation=application.organisation,
                after={**report.as_counts(), "bytes": size},
            )
        else:
            Auditor(actor).record(
                action="nhs_numbers.check_refused",
                obj=application,
                subject=application.reference,
                organisation=application.organisation,
                after={"reason": refusal_reason},
            )
