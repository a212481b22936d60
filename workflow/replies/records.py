"""The reply record. Registered through ``workflow.models``, which imports it."""

import uuid

from django.conf import settings
from django.db import models

REPLY_TEXT_MAX = 2000


class ReplyTo(models.TextChoices):
    """What a reply answers: each names the one foreign key the reply fills."""

    HOLD = "hold", "A hold"
    COMMENT = "comment", "A comment from NHS England"
    CHANGE_REQUEST = "change_request", "A change request"
    DOCUMENT_REQUEST = "document_request", "A document request"


# The foreign key each kind fills; the others stay empty (a database constraint holds it).
TARGET_FIELDS = {
    ReplyTo.HOLD: "hold",
    ReplyTo.COMMENT: "comment",
    ReplyTo.CHANGE_REQUEST: "change_item",
    ReplyTo.DOCUMENT_REQUEST: "document_request",
}


def _only(field: str) -> models.Q:
    return models.Q(**{f"{f}__isnull": f != field for f in TARGET_FIELDS.values()})


class Reply(models.Model):
    """A member of the organisation answering something NHS England said, append-only: who,
    when, the words, and the one thing it answers (a hold, a comment for the applicant, one
    answer's change request, or a document request)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    application = models.ForeignKey(
        "applications.Application", on_delete=models.PROTECT, related_name="replies"
    )
    to = models.CharField(max_length=20, choices=ReplyTo.choices)
    hold = models.ForeignKey(
        "workflow.Hold", null=True, blank=True, on_delete=models.PROTECT, related_name="replies"
    )
    comment = models.ForeignKey(
        "workflow.ReviewComment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replies",
    )
    change_item = models.ForeignKey(
        "workflow.ChangeRequestItem",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replies",
    )
    document_request = models.ForeignKey(
        "workflow.DocumentRequest",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replies",
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    (models.Q(to=ReplyTo.HOLD) & _only("hold"))
                    | (models.Q(to=ReplyTo.COMMENT) & _only("comment"))
                    | (models.Q(to=ReplyTo.CHANGE_REQUEST) & _only("change_item"))
                    | (models.Q(to=ReplyTo.DOCUMENT_REQUEST) & _only("document_request"))
                ),
                name="reply_answers_one_thing_of_its_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.application}: reply to {self.get_to_display().lower()}"

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise ValueError("Replies are append-only")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def target_id(self) -> object:
        return getattr(self, f"{TARGET_FIELDS[ReplyTo(self.to)]}_id")
