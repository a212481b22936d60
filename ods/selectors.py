"""Reads of ODS data (ADR 0017). ODS data is public reference data, the same for everyone who
may see it: these selectors take no user; the pages that call them decide who may."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from django.utils import timezone

from .models import OdsImport, OdsOrganisation


class OdsOutcome(StrEnum):
    NOT_CHECKED = "not_checked"  # no ODS data has been imported: nothing to check against
    ACTIVE = "active"
    CLOSED = "closed"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class OdsData:
    """Which ODS data a check was made against, and how old it is."""

    latest: OdsImport
    today: date

    @property
    def dated(self) -> date:
        """The data's own date: the file's publication date, else the day it was imported."""
        return self.latest.published_on or timezone.localdate(self.latest.imported_at)

    @property
    def age_days(self) -> int:
        return max((self.today - self.dated).days, 0)


@dataclass(frozen=True)
class OdsCheck:
    code: str
    outcome: OdsOutcome
    organisation: OdsOrganisation | None
    data: OdsData | None

    @property
    def refused(self) -> bool:
        return self.outcome in (OdsOutcome.UNKNOWN, OdsOutcome.CLOSED)

    @property
    def official_name(self) -> str | None:
        """The name ODS gives an active code; None when there is nothing to take it from."""
        if self.outcome == OdsOutcome.ACTIVE and self.organisation is not None:
            return self.organisation.name
        return None


def ods_data(*, today: date | None = None) -> OdsData | None:
    """The ODS data checks are made against (the latest import), or None when none was ever
    imported: then nothing is checked."""
    latest = OdsImport.objects.order_by("-imported_at", "-pk").first()
    if latest is None:
        return None
    return OdsData(latest=latest, today=today or timezone.localdate())


def ods_code_check(code: str, *, today: date | None = None) -> OdsCheck:
    """Whether ``code`` is an active organisation in the imported ODS data."""
    code = code.strip().upper()
    data = ods_data(today=today)
    if data is None:
        return OdsCheck(code, OdsOutcome.NOT_CHECKED, None, None)
    found = OdsOrganisation.objects.filter(code=code).first()
    if found is None:
        return OdsCheck(code, OdsOutcome.UNKNOWN, None, data)
    return OdsCheck(code, OdsOutcome.ACTIVE if found.is_active else OdsOutcome.CLOSED, found, data)


def ods_organisations_by_code(codes: Iterable[str]) -> dict[str, OdsOrganisation]:
    """What the imported ODS data says of each of ``codes`` (those it has), in one query."""
    return {found.code: found for found in OdsOrganisation.objects.filter(code__in=set(codes))}
