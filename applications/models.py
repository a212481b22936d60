import secrets
import uuid

from django.conf import settings
from django.db import models

from core.models import TimestampedModel

from .states import Role, Scope, Stage2State

# Crockford's base 32 without I, L, O and U: easy to read aloud over the phone.
REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_reference() -> str:
    """An unguessable reference such as NIR-7KQ2-M9XD-4TPH (60 random bits)."""
    chars = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(12))
    return f"NIR-{chars[0:4]}-{chars[4:8]}-{chars[8:12]}"


class Application(TimestampedModel):
    """One organisation onboarding in one role for one NIR integration scope."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(max_length=20, unique=True, default=new_reference, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="applications"
    )
    scope = models.CharField(max_length=20, choices=Scope.choices)
    # Kept in step with the answer to question 1 (and its follow-ups) by the questionnaire service.
    role = models.CharField(max_length=20, choices=Role.choices, blank=True)
    product_name = models.CharField(max_length=200, blank=True)
    product_version = models.CharField(max_length=100, blank=True)
    # Kept in step with the latest Stage2Transition inside the same transaction.
    stage2_state = models.CharField(
        max_length=30, choices=Stage2State.choices, default=Stage2State.DRAFT
    )
    # When Stage 2 was last submitted (or resubmitted): the queue's "days waiting" counts from it.
    stage2_submitted_at = models.DateTimeField(null=True, blank=True)
    # Kept in step by the workflow: the reviewer who has the application, and whether its latest
    # submission carries a "further scrutiny" flag. The queue filters on both.
    stage2_reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    stage2_flagged = models.BooleanField(default=False)
    # Goes up with every workflow decision, so a decision made on a stale page is refused.
    stage2_version = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["stage2_state", "stage2_submitted_at"])]

    def __str__(self) -> str:
        return self.reference


class Stage2Transition(models.Model):
    """An append-only record of one change of Stage 2 state: from, to, who, when and why.

    Database triggers refuse every UPDATE and DELETE of these rows (migration 0002), so a
    QuerySet's update() or delete() or raw SQL cannot rewrite the history either."""

    # PROTECT: an application with history is never deleted (the trigger would refuse anyway).
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="stage2_transitions"
    )
    from_state = models.CharField(max_length=30, choices=Stage2State.choices)
    to_state = models.CharField(max_length=30, choices=Stage2State.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField()
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.application}: {self.from_state} → {self.to_state}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("Stage 2 transitions are append-only")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ValueError("Stage 2 transitions are append-only")
