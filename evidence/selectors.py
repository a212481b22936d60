"""Reads of evidence. What a user may download is decided here, and only here.

`evidence_get_for_user` is the one way to a file's bytes: whoever may see the application (the
same selector as its pages, ``applications_visible_to``: its organisation's members, and NHS
England staff once Stage 2 has been submitted; a draft stays with its organisation) gets an
accepted file; anyone else, and anyone asking for a file that is not accepted (pending,
infected, refused: it has no bytes in storage), gets Http404, never a hint that it exists.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import Http404

from accounts.models import User
from applications.selectors import applications_visible_to

from .models import ACCEPTED_STATUSES, EvidenceFile

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from applications.models import Application


def evidence_get_for_user(user: User | AnonymousUser, evidence_id: uuid.UUID) -> EvidenceFile:
    """The accepted file `evidence_id` if `user` may see it; otherwise Http404."""
    if not isinstance(user, User):
        raise Http404("No such evidence")
    evidence = (
        EvidenceFile.objects.select_related("application__organisation")
        .filter(
            pk=evidence_id,
            scan_status__in=ACCEPTED_STATUSES,
            application__in=applications_visible_to(user),
        )
        .first()
    )
    if evidence is None:
        raise Http404("No such evidence")
    return evidence


def evidence_latest(
    application: Application, purpose: str, *, accepted_only: bool = True
) -> EvidenceFile | None:
    """The latest revision for `purpose`: the latest accepted one by default, or with
    `accepted_only=False` the latest sent whatever its scan status (to show "pending" or
    "contains a virus" beside it). The caller has already scoped `application` to the user."""
    rows = EvidenceFile.objects.filter(application=application, purpose=purpose)
    if accepted_only:
        rows = rows.filter(scan_status__in=ACCEPTED_STATUSES)
    return rows.order_by("-revision").first()


def evidence_history(application: Application, purpose: str) -> QuerySet[EvidenceFile]:
    """Every revision for `purpose`, the first first, whatever its scan status."""
    return EvidenceFile.objects.filter(application=application, purpose=purpose).order_by(
        "revision"
    )


def evidence_for_application(application: Application) -> QuerySet[EvidenceFile]:
    """Every revision of every purpose of `application` (for a reviewer's list)."""
    return EvidenceFile.objects.filter(application=application).order_by("purpose", "revision")
