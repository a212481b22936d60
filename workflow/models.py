"""Holds on Stage 2 and the submissions made of it."""

import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone


class HoldOrigin(models.TextChoices):
    RULE = "rule", "A rule on the answers"
    REVIEWER = "reviewer", "NHS England"
    DSPT_RECHECK = "dspt_recheck", "The daily DSPT re-check"
    CERTIFICATE = "certificate", "An expired certificate"


# What lifts a hold of each origin, in the applicant's words.
WHAT_LIFTS = {
    HoldOrigin.RULE: "Onboarding resumes when your answers no longer pause it.",
    HoldOrigin.REVIEWER: "NHS England will lift this hold when the reason for it has been dealt "
    "with.",
    HoldOrigin.DSPT_RECHECK: "Onboarding resumes when you update your DSPT status and publication "
    "date to a current publication at Standards Met or higher.",
    HoldOrigin.CERTIFICATE: "Onboarding resumes when you upload a renewed certificate.",
}


class Hold(models.Model):
    """One reason Stage 2 is paused. Stage 2 is paused while any hold is open.

    Each origin lifts only its own holds: a rule hold is lifted when the answers no longer
    trigger its rule, a reviewer's hold only by a reviewer."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    application = models.ForeignKey(
        "applications.Application", on_delete=models.PROTECT, related_name="holds"
    )
    origin = models.CharField(max_length=20, choices=HoldOrigin.choices)
    # For a rule hold, the rule that raised it; it is lifted when that rule no longer applies.
    rule_id = models.CharField(max_length=100, blank=True)
    # In words the applicant understands: why onboarding is paused, and what lifts the hold.
    reason = models.TextField()
    action = models.TextField(blank=True)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField(auto_now_add=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lift_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["raised_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "origin", "rule_id"],
                condition=models.Q(lifted_at__isnull=True) & ~models.Q(origin="reviewer"),
                name="one_open_hold_per_cause",
            )
        ]

    def __str__(self) -> str:
        return f"{self.application}: {self.get_origin_display()} hold"

    @property
    def what_lifts(self) -> str:
        return WHAT_LIFTS[HoldOrigin(self.origin)]

    @property
    def is_open(self) -> bool:
        return self.lifted_at is None


class Submission(models.Model):
    """A fixed, provable copy of the whole response at one submission: the snapshot and the
    SHA-256 of its canonical JSON. Never updated."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    application = models.ForeignKey(
        "applications.Application", on_delete=models.PROTECT, related_name="submissions"
    )
    number = models.PositiveIntegerField()
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField()
    snapshot = models.JSONField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["application", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "number"], name="one_submission_per_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.application} submission {self.number}"

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise ValueError("Submissions are append-only")
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class ReviewerAssignment(models.Model):
    """Who has had the application for review, append-only: starting a review and every
    takeover. ``Application.stage2_reviewer`` is the latest."""

    application = models.ForeignKey(
        "applications.Application", on_delete=models.PROTECT, related_name="assignments"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    previous_reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.application}: {self.reviewer}"


class ChangeRequest(models.Model):
    """A reviewer's request to change named answers of one submission. Only those answers (and
    questions the changes bring onto the route) can be edited until the applicant resubmits."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    application = models.ForeignKey(
        "applications.Application", on_delete=models.PROTECT, related_name="change_requests"
    )
    submission = models.ForeignKey(
        Submission, on_delete=models.PROTECT, related_name="change_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    # The resubmission that answered it; None while the applicant is making the changes.
    resubmission = models.OneToOneField(
        Submission,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="answers_change_request",
    )

    class Meta:
        ordering = ["requested_at", "pk"]

    def __str__(self) -> str:
        return f"{self.application}: changes requested"


class ChangeRequestItem(models.Model):
    """One answer the reviewer asked to change, the exact revision they commented on, and why:
    an answer's revision, or for a file question (question 15) the file the reviewer saw."""

    change_request = models.ForeignKey(
        ChangeRequest, on_delete=models.PROTECT, related_name="items"
    )
    question_id = models.CharField(max_length=100)
    revision = models.ForeignKey(
        "questionnaire.AnswerRevision",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    evidence = models.ForeignKey(
        "evidence.EvidenceFile", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    comment = models.TextField()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["change_request", "question_id"], name="one_comment_per_answer"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(revision__isnull=False, evidence__isnull=True)
                    | models.Q(revision__isnull=True, evidence__isnull=False)
                ),
                name="change_request_item_about_an_answer_or_a_file",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.comment[:40]}"


class ChangeRequestDraft(models.Model):
    """A change a reviewer means to ask for on one answer, collected before they send them all
    as one change request. Each reviewer's drafts are their own: no one else sees or sends them,
    and sending turns them into ``ChangeRequestItem`` rows and removes them."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    application = models.ForeignKey(
        "applications.Application", on_delete=models.CASCADE, related_name="change_drafts"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    question_id = models.CharField(max_length=100)
    # The revision of the answer the reviewer read when they wrote the comment; none for a file
    # question (question 15), whose file the sent request points at (ChangeRequestItem.evidence).
    revision = models.PositiveIntegerField(null=True)
    comment = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["updated_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "reviewer", "question_id"],
                name="one_draft_per_answer_and_reviewer",
            )
        ]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.comment[:40]}"


class DocumentRequestStatus(models.TextChoices):
    OPEN = "open", "Open"
    ANSWERED = "answered", "Answered"
    ACCEPTED = "accepted", "Accepted"
    WITHDRAWN = "withdrawn", "Withdrawn"


class DocumentRequest(models.Model):
    """A reviewer's request for a document (the Clinical Safety Case Report, the hazard log, the
    DCB0160 evidence…), at any time, before or after approval."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    application = models.ForeignKey(
        "applications.Application", on_delete=models.PROTECT, related_name="document_requests"
    )
    title = models.CharField(max_length=200)
    note = models.TextField(blank=True)
    due_date = models.DateField()
    status = models.CharField(
        max_length=20, choices=DocumentRequestStatus.choices, default=DocumentRequestStatus.OPEN
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    response_note = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    # How many times the organisation has been asked: 1, then one more each time a reviewer asks
    # again. "Asked again" on the request's tag, without reading its history.
    round = models.PositiveSmallIntegerField(default=1)
    # One more at every change: a reviewer's form posts the version it showed, so a decision
    # made on a page that has changed since (another tab, a new answer) is refused.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["due_date", "requested_at"]

    def __str__(self) -> str:
        return f"{self.application}: {self.title}"

    def is_overdue(self, today: date) -> bool:
        return self.status == DocumentRequestStatus.OPEN and self.due_date < today


class DocumentRequestEventKind(models.TextChoices):
    REQUESTED = "requested", "Requested"
    ANSWERED = "answered", "Answered"
    ASKED_AGAIN = "asked_again", "Asked again"
    ACCEPTED = "accepted", "Accepted"
    WITHDRAWN = "withdrawn", "Withdrawn"


class DocumentRequestEvent(models.Model):
    """One step of a document request's history, append-only: asked for, answered (with the file
    that answered it), asked again (with the reason and the due date), accepted or withdrawn.
    ``DocumentRequest.status`` is kept in step with the latest, in the same transaction."""

    request = models.ForeignKey(DocumentRequest, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=20, choices=DocumentRequestEventKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    # What the reviewer asked for, the organisation's note, or why the reviewer asked again.
    text = models.TextField(blank=True)
    # The due date set when asking, or asking again.
    due_date = models.DateField(null=True, blank=True)
    # The file that answered, for an answer.
    evidence = models.ForeignKey(
        "evidence.EvidenceFile", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=DocumentRequestEventKind.values),
                name="document_request_event_kind_known",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="answered") | models.Q(evidence__isnull=False),
                name="document_request_answer_has_a_file",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request}: {self.get_kind_display()}"

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise ValueError("Document request events are append-only")
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class StageCompletion(models.Model):
    """A reviewer marking one of stages 3 to 5 complete, in order, with a note. Append-only."""

    application = models.ForeignKey(
        "applications.Application", on_delete=models.PROTECT, related_name="stage_completions"
    )
    stage = models.PositiveSmallIntegerField()
    note = models.TextField()
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    completed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["stage"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "stage"], name="one_completion_per_stage"
            ),
            models.CheckConstraint(
                condition=models.Q(stage__gte=3, stage__lte=5), name="only_stages_3_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application}: stage {self.stage} complete"


class WarningSent(models.Model):
    """A warning that has been sent, once ever: the daily jobs (the DSPT re-check, the
    certificate register) insert this row in the same transaction as the outbox rows of the
    warning, and send only when they inserted it
    (``workflow.continuous.warnings.warning_claim``). The unique constraint makes a re-run, or two
    runs at once, send each warning once.

    ``kind`` names the job ("dspt", "certificate"); ``key`` the thing warned about (for the DSPT,
    the application and the publication date; for a certificate, its fingerprint); ``threshold``
    the days-before warning it is (60, 14; 90, 30, 7)."""

    kind = models.CharField(max_length=30)
    key = models.CharField(max_length=200)
    threshold = models.PositiveSmallIntegerField()
    application = models.ForeignKey(
        "applications.Application",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="warnings_sent",
    )
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["sent_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "key", "threshold"], name="one_warning_per_threshold"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key}: {self.threshold} days"


class CommentVisibility(models.TextChoices):
    INTERNAL = "internal", "Internal (NHS England only)"
    APPLICANT = "applicant", "For the applicant"


class ReviewComment(models.Model):
    """A reviewer's note on an application, append-only. An internal one is for NHS England
    alone: only reviewers' pages read it
    (``workflow.decisions.comments.review_comments_visible_to``), and no email, export or
    applicant's page ever carries it (ADR 0018)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    application = models.ForeignKey(
        "applications.Application", on_delete=models.PROTECT, related_name="review_comments"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    visibility = models.CharField(max_length=20, choices=CommentVisibility.choices)
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(visibility__in=["internal", "applicant"]),
                name="review_comment_visibility_known",
            )
        ]

    def __str__(self) -> str:
        return f"{self.application}: {self.get_visibility_display()} comment"

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise ValueError("Review comments are append-only")
        super().save(*args, **kwargs)  # type: ignore[arg-type]


# The organisation's replies (ADR 0037) live with their own code; imported here so that Django
# registers the model with the app.
from workflow.replies.records import Reply, ReplyTo  # noqa: E402, F401
