import uuid

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

    # Not a field: the answers by question when a selector read them with the response
    # (questionnaire.selectors.application_with_answers), else None.
    answers_read: "dict[str, Answer] | None" = None

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
    # Set while the answer is one copied from an earlier application of the same organisation
    # and the applicant has not yet confirmed or changed it (ADR 0020): the application it came
    # from and when it was answered there. Both are cleared when the applicant confirms it.
    copied_from = models.ForeignKey(
        "applications.Application",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    copied_answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question_id"], name="one_answer_per_question"
            )
        ]

    def __str__(self) -> str:
        return f"{self.question_id} = {self.value}"


class AnswerChange(models.TextChoices):
    SET = "set", "Answered"
    DISCARDED = "discarded", "Discarded"


class AnswerRevision(models.Model):
    """Every value an answer has had, append-only: what was answered (or that the answer was
    discarded when it left the route), the option labels shown, the exact question wording and
    version, who and when. ``Answer`` is the latest revision of each answer still on the route;
    a reviewer's comment points at a revision."""

    response = models.ForeignKey(Response, on_delete=models.PROTECT, related_name="revisions")
    question_id = models.CharField(max_length=100)
    # The Answer.version this revision gave the answer; a discard is a revision too.
    revision = models.PositiveIntegerField()
    change = models.CharField(max_length=10, choices=AnswerChange.choices)
    definition_version = models.PositiveIntegerField()
    wording = models.TextField()
    value = models.JSONField(null=True)
    # The answer as the applicant saw it: option labels rather than stored values.
    display = models.JSONField(default=list)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField()

    class Meta:
        ordering = ["response", "question_id", "revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question_id", "revision"], name="one_revision_per_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.question_id} revision {self.revision}: {self.change}"

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise ValueError("Answer revisions are append-only")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ValueError("Answer revisions are append-only")


class AnswerReuse(models.Model):
    """A response started from the answers of an earlier application of the same organisation
    (ADR 0020): which one, who chose it and when, and the questions not copied, with why
    (``changed``: the question's wording or options differ between the questionnaire versions;
    ``dspt_not_current``: the DSPT publication is no longer current)."""

    response = models.OneToOneField(Response, on_delete=models.CASCADE, related_name="reuse")
    source = models.ForeignKey(
        "applications.Application", on_delete=models.PROTECT, related_name="+"
    )
    not_copied = models.JSONField(default=dict)
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    chosen_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.response} from {self.source}"


class PublishedVersion(models.Model):
    """A questionnaire version an administrator published (ADR 0044): its YAML exactly as
    checked, the text's SHA-256, who published it, why and when. Immutable: a version is never
    changed once published, and the highest published is the one new applications answer. The
    file QUESTIONNAIRE_CURRENT names is current until the first is published."""

    definition_id = models.CharField(max_length=100)
    version = models.PositiveIntegerField()
    yaml_text = models.TextField()
    sha256 = models.CharField(max_length=64)
    # The file's name when chosen from QUESTIONNAIRE_DIR, else the uploaded file's name.
    source_name = models.CharField(max_length=255)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField()
    published_at = models.DateTimeField()

    class Meta:
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["definition_id", "version"], name="one_published_version_per_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.definition_id} v{self.version}"

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise ValueError("Published questionnaire versions are immutable")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ValueError("Published questionnaire versions are immutable")


class VersionCandidate(models.Model):
    """A questionnaire version that passed every check (ADR 0044), kept while an administrator
    reads its differences and preview before publishing it. Refused files are never kept."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    definition_id = models.CharField(max_length=100)
    version = models.PositiveIntegerField()
    yaml_text = models.TextField()
    sha256 = models.CharField(max_length=64)
    source_name = models.CharField(max_length=255)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField()
    published = models.OneToOneField(
        PublishedVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.definition_id} v{self.version} ({self.source_name})"


class VersionMove(models.Model):
    """A draft response moved to a newer questionnaire version by its onboarding lead
    (ADR 0044): from which version to which, the answers carried over and those to be given
    again (the answer type changed) or no longer asked, who and when."""

    response = models.ForeignKey(Response, on_delete=models.PROTECT, related_name="moves")
    from_version = models.PositiveIntegerField()
    to_version = models.PositiveIntegerField()
    carried = models.JSONField(default=list)
    to_answer_again = models.JSONField(default=list)
    no_longer_asked = models.JSONField(default=list)
    moved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    moved_at = models.DateTimeField()

    class Meta:
        ordering = ["-moved_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.response} v{self.from_version} to v{self.to_version}"
