"""Writes to hazard logs, each in a transaction under the application's row lock, audited."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from applications.models import Application
from audit.services import Auditor

from .models import Hazard, HazardLog, LogSource
from .risk import RISK_NEEDS_JUSTIFICATION
from .table import COLUMNS, MAX_ROWS, RowError, hazard_row_problems, hazard_rows_parse

NOT_THE_CSO = "Only the Clinical Safety Officer named in your key personnel can approve the log"
NO_HAZARDS = "Add or import at least one hazard before approving the log"
REFERENCE_TAKEN = "A hazard with this ID already exists in the log"
LOG_FULL = f"The hazard log already has {MAX_ROWS} hazards, the most it can have"
LOG_CHANGED = (
    "The hazard log changed since you were asked to approve it. The organisation will ask you "
    "again if needed"
)
FIELDS = [name for _, name, _, _ in COLUMNS]


class HazardImportRefused(Exception):
    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} errors")
        self.errors = errors


class HazardInvalid(Exception):
    """What is wrong with a hazard's values, by field name; nothing was saved."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("; ".join(problems.values()))
        self.problems = problems


class StaleHazard(Exception):
    """Someone else changed the hazard since the form was loaded; nothing was saved."""

    def __init__(self, current: Hazard) -> None:
        super().__init__("The hazard changed since the form was loaded")
        self.current = current


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
        _clear_approval(log, actor)
        Auditor(actor).record(
            action="hazard_log.import",
            obj=log,
            subject=application.reference,
            organisation=application.organisation,
            before=before,
            after={
                "version": log.version,
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


def hazard_log_approve(
    *, application: Application, actor: User, version: int | None = None
) -> Approved:
    """Mark the log approved by `actor`, its CSO, recording the version approved. With
    `version` (the version the CSO was asked to approve, ADR 0045), refused with LOG_CHANGED
    when the log is another version now. Raises HazardApprovalRefused with the reasons;
    approving an approved log again changes nothing (a double submit)."""
    with transaction.atomic():
        Application.objects.select_for_update().get(pk=application.pk)
        log = HazardLog.objects.filter(application=application).first()  # never made here
        hazards = list(log.hazards.order_by("position")) if log is not None else []
        problems = approval_problems(application, hazards, actor)
        if version is not None and log is not None and log.version != version:
            problems.insert(0, LOG_CHANGED)
        if problems:
            raise HazardApprovalRefused(problems)
        assert log is not None  # it has hazards
        if log.is_approved:
            return Approved(changed=False)
        log.approved_at = timezone.now()
        log.approved_by = actor
        log.approved_version = log.version
        log.save()
        Auditor(actor).record(
            action="hazard_log.approve",
            obj=log,
            subject=application.reference,
            organisation=application.organisation,
            before={"approved": False},
            after={"approved": True, "version": log.version, "hazards": len(hazards)},
        )
    return Approved(changed=True)


def hazard_log_source_set(*, application: Application, source: str, actor: User) -> HazardLog:
    """Record which hazard log the answer to the hazard log question speaks of: the log kept
    here, or a file (ADR 0045). Audited when it changes; a change voids every statement attested
    that the hazard log is approved, as it spoke of the other log."""
    from attestations.services import hazard_log_statements_void

    source = LogSource(source)
    with transaction.atomic():
        log = _lock(application)
        before = log.answer_source
        if before != source:
            log.answer_source = source
            log.save(update_fields=["answer_source", "updated_at"])
            Auditor(actor).record(
                action="hazard_log.answer_source",
                obj=log,
                subject=application.reference,
                organisation=application.organisation,
                before={"source": before},
                after={"source": source.value},
            )
            hazard_log_statements_void(application=application, actor=actor, source_changed=True)
    return log


def hazard_values(hazard: Hazard) -> dict[str, str]:
    """A hazard's values as the form and the CSV hold them."""
    return {name: getattr(hazard, name) for name in FIELDS}


def _row(values: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """The values stripped, every field present, and their problems by field: the CSV import's
    row check (ADR 0022), a choice left empty being "Select the ..." on the form."""
    row = {name: str(values.get(name, "")).strip() for name in FIELDS}
    return row, hazard_row_problems(row, missing_choice="Select")


def _refuse(
    log: HazardLog | None,
    row: dict[str, str],
    problems: dict[str, str],
    hazard_id: uuid.UUID | None = None,
) -> None:
    """Raise HazardInvalid with the row's problems and an ID another hazard of the log has."""
    taken = (
        log is not None
        and log.hazards.filter(reference=row["reference"]).exclude(pk=hazard_id).exists()
    )
    if taken:
        problems = {"reference": REFERENCE_TAKEN, **problems}
    if problems:
        raise HazardInvalid(problems)


def _clear_approval(log: HazardLog, actor: User) -> bool:
    """Any change to the log clears its approval (ADR 0022) and makes a new version, so a
    request to approve an earlier version no longer counts (ADR 0045); saves the log. Whether
    it was approved."""
    from attestations.services import hazard_log_approval_void, hazard_log_statements_void

    was_approved = log.approved_at is not None
    log.approved_at = None
    log.approved_by = None
    log.approved_version = None
    log.version += 1
    log.save()
    hazard_log_approval_void(application=log.application, version=log.version, actor=actor)
    hazard_log_statements_void(application=log.application, actor=actor, source_changed=False)
    return was_approved


def hazard_add(*, application: Application, values: dict[str, str], actor: User) -> Hazard:
    """Add one hazard at the end of the log (made with its first hazard). Raises HazardInvalid
    with every field's problem, or a taken ID, and saves nothing. Clears an approval."""
    row, problems = _row(values)
    with transaction.atomic():
        Application.objects.select_for_update().get(pk=application.pk)
        existing = HazardLog.objects.filter(application=application).first()
        _refuse(existing, row, problems)
        if existing is not None and existing.hazards.count() >= MAX_ROWS:
            raise HazardInvalid({"reference": LOG_FULL})
        log = existing or HazardLog.objects.create(application=application)
        last = log.hazards.order_by("-position").values_list("position", flat=True).first()
        hazard = Hazard.objects.create(log=log, position=(last or 0) + 1, **row)
        was_approved = _clear_approval(log, actor)
        Auditor(actor).record(
            action="hazard.add",
            obj=hazard,
            subject=application.reference,
            organisation=application.organisation,
            before={"approved": was_approved},
            after={**row, "approved": False},
        )
    return hazard


def hazard_change(
    *,
    application: Application,
    hazard_id: uuid.UUID,
    values: dict[str, str],
    expected_version: int,
    actor: User,
) -> bool:
    """Change one of the application's hazards. Raises Hazard.DoesNotExist when it is not one of
    them (any more), HazardInvalid as `hazard_add` does, and StaleHazard when its version is not
    `expected_version` (someone saved it since the form was loaded). Saving it unchanged changes
    nothing; a change clears an approval. Whether it changed."""
    row, problems = _row(values)
    with transaction.atomic():
        Application.objects.select_for_update().get(pk=application.pk)
        hazard = Hazard.objects.select_related("log").get(
            log__application=application, pk=hazard_id
        )
        _refuse(hazard.log, row, problems, hazard_id=hazard.pk)
        if hazard.version != expected_version:
            raise StaleHazard(hazard)
        before = hazard_values(hazard)
        changed = [name for name in FIELDS if before[name] != row[name]]
        if not changed:
            return False
        for name in changed:
            setattr(hazard, name, row[name])
        hazard.version += 1
        hazard.save()
        was_approved = _clear_approval(hazard.log, actor)
        Auditor(actor).record(
            action="hazard.change",
            obj=hazard,
            subject=application.reference,
            organisation=application.organisation,
            before={
                "reference": before["reference"],
                **{name: before[name] for name in changed},
                "approved": was_approved,
            },
            after={
                "reference": row["reference"],
                **{name: row[name] for name in changed},
                "approved": False,
            },
        )
    return True


def hazard_remove(*, application: Application, hazard_id: uuid.UUID, actor: User) -> Hazard:
    """Remove one of the application's hazards (Hazard.DoesNotExist when it is not one of them).
    Clears an approval. The hazard as it was."""
    with transaction.atomic():
        Application.objects.select_for_update().get(pk=application.pk)
        hazard = Hazard.objects.select_related("log").get(
            log__application=application, pk=hazard_id
        )
        was_approved = _clear_approval(hazard.log, actor)
        Auditor(actor).record(
            action="hazard.remove",
            obj=hazard,
            subject=application.reference,
            organisation=application.organisation,
            before={**hazard_values(hazard), "approved": was_approved},
            after={"approved": False},
        )
        hazard.delete()
    return hazard
