"""The notifications outbox: one row per email to one person.

A row is written in the caller's transaction, so a decision and the emails about it commit or
roll back together. Sending happens afterwards, from the row, so a failed send never touches the
decision: the row records the attempts, the last error and when the next attempt is due.
"""

from django.db import models
from django.utils import timezone


class NotificationStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class Notification(models.Model):
    template = models.CharField(max_length=50)
    recipient = models.EmailField()
    personalisation = models.JSONField()
    application = models.ForeignKey(
        "applications.Application",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notifications",
    )
    status = models.CharField(
        max_length=10, choices=NotificationStatus.choices, default=NotificationStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    # When the next attempt is due: the time it was queued, then pushed back after each failure.
    next_attempt_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Notify's notification id, or the Message-ID of the email Django sent.
    provider_reference = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="notification_due")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status=NotificationStatus.SENT)
                | models.Q(sent_at__isnull=False),
                name="notification_sent_has_sent_at",
            )
        ]

    def __str__(self) -> str:
        return f"{self.template} to {self.recipient} ({self.status})"
