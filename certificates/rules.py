"""Who may keep a certificate register: members of a supplier organisation, one with an
application in the Data Processor (supplier) role. A Data Controller has no mTLS client
certificate of its own to record."""

from __future__ import annotations

from typing import TYPE_CHECKING

from accounts.rules import can_review, is_applicant
from applications.models import Application
from applications.states import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import Organisation, User


def organisation_is_supplier(organisation: Organisation | int) -> bool:
    return Application.objects.filter(organisation=organisation, role=Role.SUPPLIER).exists()


def can_keep_certificates(user: User | AnonymousUser) -> bool:
    return is_applicant(user) and organisation_is_supplier(user.membership.organisation_id)


def can_see_every_certificate(user: User | AnonymousUser) -> bool:
    return can_review(user)
