"""Writes to hazard logs, each in a transaction under the application's row lock, audited."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from applications.models import Application
from audit.services import Auditor

from .lock import (
    HazardLogLocked,
    hazard_log_change_check,
    hazard_log_change_refusal,
    hazard_rows_fingerprint,
)
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
CLOSED = "Stage 2 has been approved or withdrawn, so the hazard log can no longer be approved"
MADE_IT = (
    "You cannot approve this version of the hazard log because you made it. {organisation} "
    "needs someone other than the person who made the log to approve it"
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


def _lock_for_change(application: Application) -> Application:
    """Lock the application's row and refuse with HazardLogLocked unless the answer the hazard
    log belongs to can change now (ADR 0048). The application as it is now."""
    locked = Application.objects.select_for_update().get(pk=application.pk)
    hazard_log_change_check(locked)
    return locked


def _change_refused_record(
    application: Application, actor: User, attempted: str, reason: str
) -> None:
    Auditor(actor).record(
        action="hazard_log.change_refused",
        obj=application,
        subject=application.reference,
        organisation=application.organisation,
        after={
            "attempted": attempted,
            "state": Application.objects.get(pk=application.pk).stage2_state,
            "reason": reason,
        },
    )


@contextmanager
def _refusal_audited(application: Application, actor: User, attempted: str) -> Iterator[None]:
    """Audit a change to the log refused because it cannot change now (ADR 0048), outside the
    transaction that refused it, so the record is kept."""
    try:
        yield
    except HazardLogLocked as refused:
        _change_refused_record(application, actor, attempted, refused.reason)
        raise


def hazard_log_change_refused(*, application: Application, actor: User, attempted: str) -> str:
    """Why the hazard log cannot change now, or "": a page refusing a change before it calls
    the service that would (ADR 0048). A refusal is audited as ``hazard_log.change_refused``
    with what was attempted, the state and the reason."""
    reason = hazard_log_change_refusal(application)
    if reason:
        _change_refused_record(application, actor, attempted, reason)
    return reason


def _lock(application: Application) -> HazardLog:
    _lock_for_change(application)
    log, _ = HazardLog.objects.get_or_create(application=application)
    return log


def _touch(application: Application) -> None:
    """A page NHS England opened before a change to the log is stale (its decisions take the
    ``stage2_version`` the page showed): the log is part of what they decide on (ADR 0048)."""
    from workflow.state_machine.transitions import stage2_touch

    stage2_touch(Application.objects.get(pk=application.pk))


def hazard_log_import(*, application: Application, data: bytes, actor: User) -> int:
    """Replace the application's hazards with the CSV's rows, all or nothing: any row in error
    raises HazardImportRefused with every error (row and what is wrong), and nothing is saved.
    Refused with HazardLogLocked while the answer the log belongs to cannot change (ADR 0048).
    Clears an approval. Returns how many hazards the log now has."""
    with _refusal_audited(application, actor, "import"), transaction.atomic():
        _lock_for_change(application)  # refused before the file is read: it cannot count
    parsed = hazard_rows_parse(data)
    if parsed.errors:
        raise HazardImportRefused(parsed.errors)
    if not parsed.rows:
        raise HazardImportRefused([RowError(2, "The file has no hazards")])
    with _refusal_audited(application, actor, "import"), transaction.atomic():
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


def approval_problems(
    application: Application, hazards: list[Hazard], actor: User, log: HazardLog | None = None
) -> list[str]:
    """Why `actor` cannot approve the log now (empty when they can). Where the organisation
    requires someone else (ADR 0012), not whoever made the version there is now (ADR 0048)."""
    from attestations.models import KeyPerson

    problems = []
    is_cso = KeyPerson.objects.filter(
        application=application, role="cso", email__iexact=actor.email
    ).exists()
    if not is_cso:
        problems.append(NOT_THE_CSO)
    organisation = application.organisation
    if (
        organisation.attestation_by_someone_else
        and log is not None
        and log.version_by_id is not None
        and log.version_by_id == actor.pk
    ):
        problems.append(MADE_IT.format(organisation=organisation.name))
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
    when the log is another version now. Refused once Stage 2 is approved or withdrawn, as her
    statements are; until then the hazards cannot change while NHS England has the answers, so
    she approves the log NHS England sees (ADR 0048). Records the fingerprint of the rows
    approved, and makes a page NHS England opened before it stale. Raises
    HazardApprovalRefused with the reasons; approving an approved log again changes nothing (a
    double submit)."""
    from workflow.selectors import stage2_working_state
    from workflow.state_machine.states import DECIDED_STATES

    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if stage2_working_state(locked) in DECIDED_STATES:
            raise HazardApprovalRefused([CLOSED])
        log = HazardLog.objects.filter(application=application).first()  # never made here
        hazards = list(log.hazards.order_by("position")) if log is not None else []
        problems = approval_problems(application, hazards, actor, log)
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
        log.approved_fingerprint = hazard_rows_fingerprint(hazards)
        log.save()
        Auditor(actor).record(
            action="hazard_log.approve",
            obj=log,
            subject=application.reference,
            organisation=application.organisation,
            before={"approved": False},
            after={
                "approved": True,
                "version": log.version,
                "hazards": len(hazards),
                "fingerprint": log.approved_fingerprint,
            },
        )
        _touch(application)
    return Approved(changed=True)


def hazard_log_source_set(*, application: Application, source: str, actor: User) -> HazardLog:
    """Record which hazard log the answer to the hazard log question speaks of: the log kept
    here, or a file (ADR 0045). Refused with HazardLogLocked while the answer cannot change
    (ADR 0048). Audited when it changes; a change voids every statement attested that the hazard
    log is approved, as it spoke of the other log."""
    from attestations.hazard_log_approval import hazard_log_statements_void

    source = LogSource(source)
    with _refusal_audited(application, actor, "answer_source"), transaction.atomic():
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
            _touch(application)
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
    from attestations.hazard_log_approval import (
        hazard_log_approval_void,
        hazard_log_statements_void,
    )

    was_approved = log.approved_at is not None
    log.approved_at = None
    log.approved_by = None
    log.approved_version = None
    log.approved_fingerprint = ""
    log.version += 1
    log.version_by = actor
    log.save()
    _touch(log.application)
    hazard_log_approval_void(application=log.application, version=log.version, actor=actor)
    hazard_log_statements_void(application=log.application, actor=actor, source_changed=False)
    return was_approved


def hazard_add(*, application: Application, values: dict[str, str], actor: User) -> Hazard:
    """Add one hazard at the end of the log (made with its first hazard). Raises HazardInvalid
    with every field's problem, or a taken ID, and saves nothing; HazardLogLocked while the
    answer the log belongs to cannot change (ADR 0048). Clears an approval."""
    row, problems = _row(values)
    with _refusal_audited(application, actor, "add"), transaction.atomic():
        _lock_for_change(application)
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
    `expected_version` (someone saved it since the form was loaded), HazardLogLocked as
    `hazard_add` does. Saving it unchanged changes
    nothing; a change clears an approval. Whether it changed."""
    row, problems = _row(values)
    with _refusal_audited(application, actor, "change"), transaction.atomic():
        _lock_for_change(application)
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
    """Remove one of the application's hazards (Hazard.DoesNotExist when it is not one of them;
    HazardLogLocked as `hazard_add` does). Clears an approval. The hazard as it was."""
    with _refusal_audited(application, actor, "remove"), transaction.atomic():
        _lock_for_change(application)
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
