"""Reads of the audit log for administrators (issue 26; ADR 0039): its entries newest first,
narrowed by who, organisation, application, action and dates; one entry; the CSV of a filtered
list; and the last `manage.py audit_verify` run. Every read asks `can_administer` first.

The one accounts module that knows applications and the questionnaire's rows, to find the
entries about an application from its reference: a page's reads, not accounts' models, rules or
selectors, which stay below applications (pyproject.toml's import contracts)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from applications.models import Application
from audit.models import AuditEntry
from audit.services import Auditor
from questionnaire.models import Answer, Response

from .audit_words import about_text, action_text, changes, who_text
from .models import ChainCheck, Organisation, User
from .refusals import administrator_required

PER_PAGE = 25


@dataclass(frozen=True)
class AuditFilters:
    """What the administrator asked for; dates already checked (the page parses them)."""

    who: str = ""
    organisation: str = ""
    application: str = ""
    action: str = ""
    date_from: date | None = None
    date_to: date | None = None

    @property
    def active(self) -> bool:
        return any(
            (self.who, self.organisation, self.application, self.action, self.date_from)
        ) or bool(self.date_to)


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _application_entries(reference: str) -> Q:
    """Entries about the application with this reference (any case), its response and its
    answers; none when no application has it."""
    application = Application.objects.filter(reference__iexact=reference.strip()).first()
    if application is None:
        return Q(pk__in=[])
    responses = Response.objects.filter(application=application).values_list("pk", flat=True)
    answers = Answer.objects.filter(response__application=application).values_list("pk", flat=True)
    return (
        Q(object_type=Application._meta.label, object_id=str(application.pk))
        | Q(object_type=Response._meta.label, object_id__in=[str(pk) for pk in responses])
        | Q(object_type=Answer._meta.label, object_id__in=[str(pk) for pk in answers])
    )


def entries_filtered(filters: AuditFilters) -> QuerySet[AuditEntry]:
    entries = AuditEntry.objects.select_related("actor", "organisation").order_by("-sequence")
    if filters.who:
        entries = entries.filter(
            Q(actor__full_name__icontains=filters.who) | Q(actor__email__icontains=filters.who)
        )
    if filters.organisation.isdigit():
        entries = entries.filter(organisation_id=int(filters.organisation))
    if filters.application:
        entries = entries.filter(_application_entries(filters.application))
    if filters.action:
        entries = entries.filter(action=filters.action)
    if filters.date_from:
        entries = entries.filter(at__gte=_day_start(filters.date_from))
    if filters.date_to:
        entries = entries.filter(at__lt=_day_start(filters.date_to + timedelta(days=1)))
    return entries


@dataclass(frozen=True)
class AuditRow:
    entry: AuditEntry
    action: str
    who: str
    about: str


def _row(entry: AuditEntry) -> AuditRow:
    return AuditRow(entry, action_text(entry.action), who_text(entry.actor), about_text(entry))


def audit_page(*, user: User, filters: AuditFilters, page: str) -> tuple[Page[Any], list[AuditRow]]:
    administrator_required(user)
    found = Paginator(entries_filtered(filters), PER_PAGE).get_page(page)
    return found, [_row(entry) for entry in found.object_list]


def audit_choices(user: User) -> tuple[list[tuple[str, str]], list[Organisation]]:
    """The actions the log holds (in words, alphabetically) and every organisation."""
    administrator_required(user)
    actions = AuditEntry.objects.order_by().values_list("action", flat=True).distinct()
    labelled = sorted(((action, action_text(action)) for action in actions), key=lambda a: a[1])
    return labelled, list(Organisation.objects.order_by("name", "pk"))


def audit_entry(*, user: User, sequence: int) -> tuple[AuditRow, list[tuple[str, str, str]]]:
    """One entry, and what changed in words: (what, before, after) for each field."""
    administrator_required(user)
    entry = (
        AuditEntry.objects.select_related("actor", "organisation").filter(sequence=sequence).first()
    )
    if entry is None:
        raise Http404
    return _row(entry), changes(entry)


CSV_HEADINGS = ["Entry", "When", "Who", "What happened", "Organisation", "About", "Details"]


def audit_csv_rows(
    *, user: User, filters: AuditFilters, before: int | None = None
) -> Iterator[list[str]]:
    """The filtered entries' cells for the CSV, newest first, read in batches as it is written;
    only those before the entry `before` (the download's own) when given."""
    administrator_required(user)
    entries = entries_filtered(filters)
    if before is not None:
        entries = entries.filter(sequence__lt=before)
    return _csv_rows(entries)


def audit_csv_download_record(*, user: User, filters: AuditFilters, name: str) -> AuditEntry:
    """Audit that an administrator downloaded the audit log as a CSV, as every other download
    is: who, the file's name and the filters it was drawn with, never its rows."""
    administrator_required(user)
    return Auditor(user).record(
        action="audit_log.download",
        obj=None,
        subject=name,
        after={
            "name": name,
            **{
                field: str(value)
                for field, value in dataclasses.asdict(filters).items()
                if value not in ("", None)
            },
        },
    )


def _csv_rows(entries: QuerySet[AuditEntry]) -> Iterator[list[str]]:
    for entry in entries.iterator(chunk_size=500):
        row = _row(entry)
        details = "; ".join(
            f"{what}: {before} to {after}" if before else f"{what}: {after}"
            for what, before, after in changes(entry)
        )
        yield [
            str(entry.sequence),
            timezone.localtime(entry.at).strftime("%Y-%m-%d %H:%M:%S"),
            row.who,
            row.action,
            entry.organisation.name if entry.organisation else "",
            row.about,
            details,
        ]


def filters_query(filters: AuditFilters, data: Mapping[str, str]) -> str:
    """The filters as a query string, for the pages and the CSV link."""
    keys = ["who", "organisation", "application", "action"]
    keys += [f"{prefix}-{part}" for prefix in ("from", "to") for part in ("day", "month", "year")]
    return urlencode({key: data[key] for key in keys if data.get(key)})


def last_verification(user: User) -> ChainCheck | None:
    """The last `manage.py audit_verify` run, or None when it has never run."""
    administrator_required(user)
    return ChainCheck.objects.order_by("-at", "-pk").first()
