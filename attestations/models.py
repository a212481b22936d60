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


class AttestationRequest(TimestampedModel):
    """Everything one person (by email address) is asked to attest for one application, under
    one link at a time (ADR 0038): they receive one email, sign in once and respond to every
    statement on one page. Asking them for another statement adds it here and sends a new
    link; the old one no longer works."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    application = models.ForeignKey(
        "applications.Application", on_delete=models.PROTECT, related_name="attestation_requests"
    )
    email = models.EmailField()
    full_name = models.CharField(max_length=200)
    # Who last sent the link: the person the named person is told to ask for a new one.
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "email"], name="one_attestation_request_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.application}: {self.email}"


class AttestationLink(models.Model):
    """One emailed link to a request: only the SHA-256 of its token is kept. It works until it
    expires (``ATTESTATION_LINK_DAYS``), a newer link replaces it, or the person has responded
    to everything the request asks."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    request = models.ForeignKey(AttestationRequest, on_delete=models.CASCADE, related_name="links")
    token_hash = models.CharField(max_length=64, unique=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    replaced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.request} link of {self.created_at:%Y-%m-%d}"


class AttestationStatus(models.TextChoices):
    REQUESTED = "requested", "Waiting for a response"
    ATTESTED = "attested", "Attested"
    DECLINED = "declined", "Declined"
    VOID = "void", "Void: the answer changed"
    WITHDRAWN = "withdrawn", "Withdrawn"


LIVE_STATUSES = (AttestationStatus.REQUESTED, AttestationStatus.ATTESTED)

# The CSO's approval of the in-service hazard log, asked in her one request as a statement of
# its own (ADR 0045): no question of the definition, the log's version as its "revision".
HAZARD_LOG_APPROVAL = "hazard_log_approval"
# The statements that a hazard log is approved or in place: given only while the in-service log
# they speak of has hazards and an approval of its current version (ADR 0045).
HAZARD_LOG_RULES = frozenset({"c_hazard_log_approved", "s_dcb0129_confirmed"})


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
    # The question as the person reads it in a list: "Question 9: DCB0160".
    question_label = models.CharField(max_length=300, blank=True)
    answer_display = models.JSONField(default=list)
    statement = models.TextField()
    person = models.ForeignKey(
        KeyPerson, null=True, blank=True, on_delete=models.SET_NULL, related_name="attestations"
    )
    # The one request per person and application this statement is asked in (ADR 0038); none
    # for a statement asked before there were requests, which had a link of its own.
    request = models.ForeignKey(
        AttestationRequest,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="attestations",
    )
    role = models.CharField(max_length=40, choices=ROLE_CHOICES)
    full_name = models.CharField(max_length=200)
    email = models.EmailField()
    # The link of a statement asked before there were requests; a request's links are its own.
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
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
    # Which hazard log (ADR 0045): for the CSO's approval of the in-service log, the version she
    # is asked to approve; for a statement that a log is approved, the log it spoke of when
    # attested ({"source": "in_service", "version", "approved_by", "approved_at"} or
    # {"source": "file"}), kept as it was whatever changes later.
    hazard_log = models.JSONField(default=dict, blank=True)
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

    @property
    def is_hazard_log_approval(self) -> bool:
        return self.rule_id == HAZARD_LOG_APPROVAL
