from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditEntry(models.Model):
    """One change, written by the service that made it. Never updated or deleted.

    Database triggers refuse every UPDATE and DELETE of these rows (migration 0003, re-created by
    0006), so a QuerySet's update() or delete() or raw SQL cannot rewrite the trail either.

    The entries form a hash chain (ADR 0009): each has a gapless `sequence` from 1 and carries
    the SHA-256 of its own content joined with the previous entry's hash (audit/chain.py), so
    `manage.py audit_verify` finds an entry whose content, order or presence was changed. Only
    audit.services.append_entry writes them."""

    # Set by the service inside the chain's lock (not auto_now_add, which would be set after the
    # hash was computed), so `at` rises with `sequence`.
    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=100, db_index=True)
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    # What within the object the entry is about, e.g. the question an answer answers, so the
    # trail stays readable after the object itself is deleted (a discarded answer).
    subject = models.CharField(max_length=100, blank=True)
    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    sequence = models.PositiveBigIntegerField(unique=True)
    previous_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            # What the sign-in lockout, password resets and anonymous entries count: one
            # action's entries within a window, on every such request, in a log that only grows.
            models.Index(fields=["action", "at"], name="audit_action_at"),
        ]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("Audit entries are append-only")
        if self.sequence is None or not self.entry_hash:
            raise ValueError("Audit entries are written through audit.services, which chains them")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ValueError("Audit entries are append-only")


class AuditChainHead(models.Model):
    """The last entry of the chain: one row, locked while an entry is appended (ADR 0009).

    On PostgreSQL `select_for_update()` on this row makes writers take turns; SQLite's writers
    already take turns (every transaction begins IMMEDIATE, config/settings/database.py)."""

    SINGLETON = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON)
    sequence = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"audit chain head {self.sequence} {self.hash}"
