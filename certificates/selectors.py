"""Reads of the certificate register, always scoped to the user: a supplier's members see their
organisation's certificates, NHS England's staff see every organisation's, anyone else nothing
(another organisation's certificate is a 404)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse

from accounts.refusals import home_steps, not_a_member, not_a_reviewer
from accounts.rules import is_applicant
from applications.models import Application
from applications.states import Stage2State
from core.refusals import NextStep, Refused

from .models import Certificate
from .rules import can_keep_certificates, can_see_every_certificate

# Question 1 of the questionnaire says the organisation's role (Application.role); the register
# sits below the questionnaire, so names it rather than importing it.
ROLE_QUESTION_ID = "role"

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


def register_refused(user: User | AnonymousUser) -> Refused:
    """Why the user may not keep a certificate register, and what to do: NHS England staff are
    sent to every organisation's register; a member whose organisation has not yet said its
    role (question 1) is told to answer it, with a link; a Data Controller's member is told it
    has no certificate to record here (ADR 0036)."""
    if can_see_every_certificate(user):
        return Refused(
            "This is a supplier's own certificate register. NHS England sees every "
            "organisation's certificates in the certificate register.",
            [NextStep("Go to the certificate register", reverse("certificates:register"))],
        )
    if not is_applicant(user):
        return not_a_member(user)
    unanswered = (
        Application.objects.filter(organisation_id=user.membership.organisation_id, role="")
        .exclude(stage2_state=Stage2State.WITHDRAWN)
        .order_by("-created_at")
        .first()
    )
    if unanswered is not None:
        question_1 = reverse(
            "questionnaire:question",
            kwargs={"application_id": unanswered.pk, "question_id": ROLE_QUESTION_ID},
        )
        return Refused(
            "The certificate register is for suppliers (Data Processors). Your organisation "
            "has not yet said which role it onboards in.",
            [
                NextStep(
                    f"Answer question 1 of application {unanswered.reference} first: "
                    "your organisation's role",
                    question_1,
                )
            ],
        )
    return Refused(
        "The certificate register is for suppliers (Data Processors). Your organisation "
        "onboards as a Data Controller, which has no client certificate to record here.",
        home_steps(user),
    )


def certificates_of_own_organisation(user: User | AnonymousUser) -> QuerySet[Certificate]:
    """The user's supplier organisation's certificates, soonest expiry first; PermissionDenied
    for anyone who may not keep a register."""
    if not can_keep_certificates(user):
        raise register_refused(user)
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
        if is_applicant(user):
            raise not_a_reviewer(user)
        raise Http404
    return (
        Certificate.objects.select_related("organisation")
        .defer("der")
        .order_by("not_after", "organisation__name", "uploaded_at")
    )
