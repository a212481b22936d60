"""Stage 2 states and the transitions allowed between them."""

from django.db import models


class Stage2State(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    IN_REVIEW = "in_review", "In review"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    PAUSED = "paused", "Paused"
    APPROVED = "approved", "Approved"
    WITHDRAWN = "withdrawn", "Withdrawn"


S = Stage2State
ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    S.DRAFT: {S.SUBMITTED, S.PAUSED, S.WITHDRAWN},
    S.SUBMITTED: {S.IN_REVIEW, S.PAUSED, S.WITHDRAWN},
    S.IN_REVIEW: {S.CHANGES_REQUESTED, S.APPROVED, S.PAUSED, S.WITHDRAWN},
    S.CHANGES_REQUESTED: {S.SUBMITTED, S.PAUSED, S.WITHDRAWN},
    # A pause returns to the state it paused (recorded on the transition into it).
    S.PAUSED: {S.DRAFT, S.SUBMITTED, S.IN_REVIEW, S.CHANGES_REQUESTED, S.APPROVED, S.WITHDRAWN},
    S.APPROVED: {S.PAUSED},
    S.WITHDRAWN: set(),
}

# States in which the applicant may change answers.
EDITABLE_STATES = {S.DRAFT, S.PAUSED, S.CHANGES_REQUESTED}
# States from which the applicant may submit (a paused Stage 2 must resume first).
SUBMITTABLE_STATES = {S.DRAFT, S.CHANGES_REQUESTED}


class Scope(models.TextChoices):
    CONSUMER = "consumer", "NIR XCA Consumer"
    PROVIDER = "provider", "NIR XCA Provider"
    BOTH = "both", "Both (Consumer and Provider)"


class Role(models.TextChoices):
    SUPPLIER = "supplier", "Data Processor (Supplier)"
    CONTROLLER = "controller", "Data Controller (End User Organisation)"
