"""Reads of the DSPT register. The register is public data: what the DSPT publishes about every
organisation. Callers show an entry only beside an application the user may already see."""

from __future__ import annotations

from django.db.models import Subquery

from .models import DsptRegisterEntry, DsptSnapshot


def latest_snapshot() -> DsptSnapshot | None:
    """The register as last taken: the latest date, and of two taken on one day the later
    import."""
    return DsptSnapshot.objects.order_by("-taken_on", "-imported_at").first()


def register_entry(snapshot: DsptSnapshot, ods_code: str) -> DsptRegisterEntry | None:
    return snapshot.entries.filter(ods_code=ods_code).first()


def register_entries(snapshot: DsptSnapshot, ods_codes: list[str]) -> dict[str, DsptRegisterEntry]:
    """Many organisations' entries in one query, by code: for the daily re-check."""
    return {e.ods_code: e for e in snapshot.entries.filter(ods_code__in=ods_codes)}


def latest_snapshot_id_subquery() -> Subquery:
    return Subquery(DsptSnapshot.objects.order_by("-taken_on", "-imported_at").values("pk")[:1])
