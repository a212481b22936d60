"""Reads of applications, always scoped to what the user may see."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from accounts.models import User
from accounts.rules import can_review, is_applicant

from .models import Application


def applications_visible_to(user: User) -> QuerySet[Application]:
    """Applicants see their own organisation's applications. NHS England reviewers and
    administrators see every application that has been submitted at least once; drafts stay
    with the organisation."""
    if is_applicant(user):
        return Application.objects.filter(organisation_id=user.membership.organisation_id)
    if can_review(user):
        return Application.objects.filter(stage2_submitted_at__isnull=False)
    return Application.objects.none()


def _get(queryset: QuerySet[Application], application_id: uuid.UUID) -> Application:
    try:
        return queryset.select_related("organisation").get(pk=application_id)
    except Application.DoesNotExist as exc:
        raise Http404 from exc


def application_get_for_user(
    *, user: User, application_id: uuid.UUID, related: Sequence[str] = ()
) -> Application:
    """The application, or 404 when it does not exist or the user may not see it, so that a
    URL never reveals whether another organisation's application exists. ``related`` reads
    what the page shows of it in the same query (select_related)."""
    return _get(applications_visible_to(user).select_related(*related), application_id)


def application_get_for_member(
    *, user: User, application_id: uuid.UUID, related: Sequence[str] = ()
) -> Application:
    """For the applicant's pages: only a member of the application's organisation, else 404."""
    if not is_applicant(user):
        raise Http404
    return application_get_for_user(user=user, application_id=application_id, related=related)


def application_references(
    application: Application, application_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, str]:
    """The references of those of ``application_ids`` that belong to ``application``'s
    organisation (which answers copied into it came from, ADR 0020), by id."""
    return dict(
        Application.objects.filter(
            organisation_id=application.organisation_id, pk__in=list(application_ids)
        ).values_list("pk", "reference")
    )


def application_get_for_reviewer(
    *, user: User, application_id: uuid.UUID, annotations: dict[str, Any] | None = None
) -> Application:
    """For NHS England's pages: only reviewers and administrators, else 404. ``annotations``
    let a page read more in the same query."""
    if not can_review(user):
        raise Http404
    queryset = applications_visible_to(user).select_related("stage2_reviewer", "stage2_response")
    return _get(queryset.annotate(**(annotations or {})), application_id)
