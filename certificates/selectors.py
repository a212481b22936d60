"""Reads of the certificate register, always scoped to the user: a supplier's members see their
organisation's certificates, NHS England's staff see every organisation's, anyone else nothing
(another organisation's certificate is a 404)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from .models import Certificate
from .rules import can_keep_certificates, can_see_every_certificate

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

EXPIRING_SOON = timedelta(days=30)


class CertificateStatus(StrEnum):
    VALID = "Valid"
    EXPIRING_SOON = "Expiring soon"
    EXPIRED = "Expired"
    REPLACED = "Replaced"
    WITHDRAWN = "Withdrawn"


# nhsuk-tag colours for each status.
STATUS_CLASSES = {
    CertificateStatus.VALID: "nhsuk-tag--green",
    CertificateStatus.EXPIRING_SOON: "nhsuk-tag--orange",
    CertificateStatus.EXPIRED: "nhsuk-tag--red",
    CertificateStatus.REPLACED: "nhsuk-tag--grey",
    CertificateStatus.WITHDRAWN: "nhsuk-tag--grey",
}


def certificate_status(certificate: Certificate, now: datetime) -> CertificateStatus:
    """Expired once not_after has passed; expiring soon in its last 30 days; replaced once a
    renewal has been uploaded (while it has not expired); withdrawn once taken out of the
    register."""
    if certificate.withdrawn_at is not None:
        return CertificateStatus.WITHDRAWN
    if certificate.not_after <= now:
        return CertificateStatus.EXPIRED
    if certificate.replaced_by_id is not None:
        return CertificateStatus.REPLACED
    if certificate.not_after - now < EXPIRING_SOON:
        return CertificateStatus.EXPIRING_SOON
    return CertificateStatus.VALID


@dataclass(frozen=True)
class CertificateRow:
    certificate: Certificate
    status: CertificateStatus

    @property
    def tag_classes(self) -> str:
        return STATUS_CLASSES[self.status]


def certificate_rows(certificates: QuerySet[Certificate], now: datetime) -> list[CertificateRow]:
    return [CertificateRow(c, certificate_status(c, now)) for c in certificates]


def certificates_of_own_organisation(user: User | AnonymousUser) -> QuerySet[Certificate]:
    """The user's supplier organisation's certificates, soonest expiry first; PermissionDenied
    for anyone who may not keep a register."""
    if not can_keep_certificates(user):
        raise PermissionDenied
    return (
        Certificate.objects.filter(organisation_id=user.membership.organisation_id)
        .select_related("uploaded_by")
        .defer("der")
        .order_by("not_after", "uploaded_at")
    )


def certificate_get_for_user(user: User | AnonymousUser, certificate_id: uuid.UUID) -> Certificate:
    """One certificate for its organisation's members and NHS England staff; Http404 otherwise."""
    if can_see_every_certificate(user):
        queryset = Certificate.objects.all()
    elif can_keep_certificates(user):
        queryset = Certificate.objects.filter(organisation_id=user.membership.organisation_id)
    else:
        raise Http404
    certificate = (
        queryset.select_related("organisation", "uploaded_by", "replaced_by")
        .filter(pk=certificate_id)
        .first()
    )
    if certificate is None:
        raise Http404
    return certificate


def certificate_get_for_member(
    user: User | AnonymousUser, certificate_id: uuid.UUID
) -> Certificate:
    """One of the user's supplier organisation's certificates, for changes; Http404 otherwise
    (NHS England staff included: the register is the supplier's to change)."""
    if not can_keep_certificates(user):
        raise Http404
    certificate = (
        Certificate.objects.filter(organisation_id=user.membership.organisation_id)
        .select_related("organisation")
        .defer("der")
        .filter(pk=certificate_id)
        .first()
    )
    if certificate is None:
        raise Http404
    return certificate


def certificates_register(user: User | AnonymousUser) -> QuerySet[Certificate]:
    """Every certificate of every organisation, soonest expiry first, for NHS England staff."""
    if not can_see_every_certificate(user):
        raise Http404
    return (
        Certificate.objects.select_related("organisation")
        .defer("der")
        .order_by("not_after", "organisation__name", "uploaded_at")
    )
