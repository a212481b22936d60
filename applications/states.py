"""The vocabulary of an application: Stage 2 states, integration scopes and roles.

Which transitions between the states are allowed is the workflow's
(``workflow.state_machine.states``)."""

from django.db import models


class Stage2State(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    IN_REVIEW = "in_review", "In review"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    PAUSED = "paused", "Paused"
    APPROVED = "approved", "Approved"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Scope(models.TextChoices):
    CONSUMER = "consumer", "NIR XCA Consumer"
    PROVIDER = "provider", "NIR XCA Provider"
    BOTH = "both", "Both (Consumer and Provider)"


class Role(models.TextChoices):
    SUPPLIER = "supplier", "Data Processor (Supplier)"
    CONTROLLER = "controller", "Data Controller (End User Organisation)"
