"""Writes of applications themselves. Each records an audit entry.

The Stage 2 workflow (state, holds, submission) lives in ``workflow``, which calls these."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from accounts.models import User
from accounts.rules import is_applicant
from audit.services import Auditor

from .models import Application

ROLE_FIELDS = ("role", "product_name", "product_version")


@transaction.atomic
def application_create(*, actor: User, scope: str) -> Application:
    """An application for the actor's organisation, in draft. Only members may start one."""
    if not is_applicant(actor):
        raise PermissionError("Only members of an organisation can start an application")
    organisation = actor.membership.organisation
    application = Application.objects.create(
        organisation=organisation, scope=scope, created_by=actor
    )
    Auditor(actor).record(
        action="application.create",
        obj=application,
        organisation=organisation,
        after={"reference": application.reference, "scope": scope},
    )
    return application


def application_role_set(
    *, application: Application, role: str, product_name: str, product_version: str, actor: User
) -> None:
    """Keep the application's copy of question 1 (role, and a supplier's product) in step."""
    before = {name: getattr(application, name) for name in ROLE_FIELDS}
    after = {"role": role, "product_name": product_name, "product_version": product_version}
    if before == after:
        return
    for name, new in after.items():
        setattr(application, name, new)
    application.save(update_fields=[*ROLE_FIELDS, "updated_at"])
    Auditor(actor).record(
        action="application.role_change",
        obj=application,
        organisation=application.organisation,
        before=before,
        after=after,
    )


def application_lock(application: Application) -> Application:
    """Re-read the application with its row locked for the rest of the transaction."""
    # The response (one to one, made with the application) is read in the same query; only the
    # application's and its organisation's rows are locked, as before: PostgreSQL cannot lock the
    # nullable side of the outer join that reads the response.
    return (
        Application.objects.select_for_update(of=("self", "organisation"))
        .select_related("organisation", "stage2_response")
        .get(pk=application.pk)
    )


def application_download_record(
    *, application: Application, actor: User, action: str, name: str, details: dict[str, Any]
) -> None:
    """Audit that ``actor`` downloaded one of the application's files (``action``: the entry's
    action, such as "hazard_log.download", written out so it can be searched for; ``name``: the
    file name sent). Who and which file, never the bytes: the caller has already scoped the
    application to the actor."""
    Auditor(actor).record(
        action=action,
        obj=application,
        subject=name,
        organisation=application.organisation,
        after={"name": name, **details},
    )
