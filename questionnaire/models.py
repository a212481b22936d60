from django.conf import settings
from django.db import models

from core.models import TimestampedModel


class Response(TimestampedModel):
    """An application's Stage 2 answers, pinned to the questionnaire version it was started on."""

    application = models.OneToOneField(
        "applications.Application", on_delete=models.CASCADE, related_name="stage2_response"
    )
    definition_id = models.CharField(max_length=100)
    definition_version = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.application} ({self.definition_id} v{self.definition_version})"


class Answer(models.Model):
    """One answer: the question's id, the questionnaire version, the exact wording shown and the
    value. ``version`` increases on every change, for optimistic locking across tabs."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question_id = models.CharField(max_length=100)
    definition_version = models.PositiveIntegerField()
    wording = models.TextField()
    value = models.JSONField()
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question_id"], name="one_answer_per_question"
            )
        ]

    def __str__(self) -> str:
        return f"{self.question_id} = {self.value}"
