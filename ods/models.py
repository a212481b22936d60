"""ODS organisation data as imported (ADR 0017): each import, and the organisations it said.

Written only by ods.services.ods_import; read through ods.selectors."""

from django.db import models


class OdsImport(models.Model):
    """One run of manage.py ods_import: which file, of what date, and what it changed."""

    imported_at = models.DateTimeField()
    source = models.CharField(max_length=255, help_text="the file's name, as given")
    file_format = models.CharField(max_length=3, choices=[("xml", "XML"), ("csv", "CSV")])
    published_on = models.DateField(
        null=True, blank=True, help_text="the publication date the file states (XML only)"
    )
    sha256 = models.CharField(max_length=64)
    record_count = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    skipped_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-imported_at", "-pk"]
        get_latest_by = ["imported_at", "pk"]

    def __str__(self) -> str:
        return f"{self.source} ({self.imported_at:%Y-%m-%d})"


class OdsOrganisation(models.Model):
    """An organisation as ODS last said it: one row per code, updated by each later import."""

    code = models.CharField("ODS code", max_length=10, unique=True)
    name = models.CharField(max_length=200)
    is_active = models.BooleanField()
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    primary_role = models.CharField(max_length=20, blank=True)
    changed_in = models.ForeignKey(
        OdsImport,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="the import that added it or last changed it",
    )

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"
