"""Key personnel and their attestations (ADR 0012).

An application records its key personnel. Where an answer rests on a named person's sign-off (the
definition's ``attestations``), the applicant asks one of them to attest it: the person is sent a
single-use link, and attests or declines the exact statement against the exact revision of the
answer they were shown. A later change to the answer voids the attestation."""

import uuid

from django.conf import settings
from django.db import models

from core.models import TimestampedModel
from questionnaire.engine.people import ROLE_LABELS

ROLE_CHOICES = [(role.value, label) for role, label in ROLE_LABELS.items()]


class KeyPerson(TimestampedModel):
    """One of the application's key personnel: who they are and how to reach them."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    application = models.ForeignKey(
        "applications.Application", on_delete=models.PROTECT, related_name="key_personnel"
    )
    role = models.CharField(max_length=40, choices=ROLE_CHOICES)
    full_name = models.CharField(max_length=200)
    job_title = models.CharField(max_length=200)
    email = models.EmailField()
    # For a Clinical Safety Officer (and an HCPC-registered Social Care Professional).
    professional_body = models.CharField(max_length=200, blank=True)
    registration_number = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.get_role_display()})"


class AttestationStatus(models.TextChoices):
    REQUESTED = "requested", "Waiting for a response"
    ATTESTED = "attested", "Attested"
    DECLINED = "declined", "Declined"
    VOID = "void", "Void: the answer changed"
    WITHDRAWN = "withdrawn", "Withdrawn"


LIVE_STATUSES = (AttestationStatus.REQUESTED, AttestationStatus.ATTESTED)


class Attestation(models.Model):
    """One request to one person to attest one statement about one revision of one answer, and
    their response. The statement, the question's wording and the answer as shown are copied
    here, so what was attested stays provable whatever changes later; only a hash of the link's
    token is kept."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    application = models.ForeignKey(
        "applications.Application", on_delete=models.PROTECT, related_name="attestations"
    )
    rule_id = models.CharField(max_length=100)
    question_id = models.CharField(max_length=100)
    definition_version = models.PositiveIntegerField()
    # The answer's version (its revision number) the person was shown and attests.
    answer_revision = models.PositiveIntegerField()
    question_wording = models.TextField()
    answer_display = models.JSONField(default=list)
    statement = models.TextField()
    person = models.ForeignKey(
        KeyPerson, null=True, blank=True, on_delete=models.SET_NULL, related_name="attestations"
    )
    role = models.CharField(max_length=40, choices=ROLE_CHOICES)
    full_name = models.CharField(max_length=200)
    email = models.EmailField()
    token_hash = models.CharField(max_length=64, unique=True)
    status = models.CharField(
        max_length=20, choices=AttestationStatus.choices, default=AttestationStatus.REQUESTED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    # Why a void or withdrawn attestation no longer counts, in words both sides read.
    end_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["requested_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "rule_id"],
                condition=models.Q(status__in=["requested", "attested"]),
                name="one_live_attestation_per_rule",
            )
        ]

    def __str__(self) -> str:
        return f"{self.application}: {self.rule_id} ({self.status})"

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_STATUSES
