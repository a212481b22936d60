"""Personal API tokens (ADR 0024): only a SHA-256 hash of the secret is kept."""

from django.conf import settings
from django.db import models


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    # The first characters of the secret, shown on the account page so the user can tell tokens
    # apart; too short to guess the rest from.
    prefix = models.CharField(max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class ApiRequestCount(models.Model):
    """How many requests a token made in one minute: the rate limit's count (ADR 0024), kept in
    the database so that every web process counts the same requests."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="+")
    # Minutes since the epoch.
    minute = models.BigIntegerField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["token", "minute"], name="api_request_count_once")
        ]

    def __str__(self) -> str:
        return f"{self.token_id} minute {self.minute}: {self.count}"
