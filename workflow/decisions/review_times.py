"""How long a submission has been with NHS England, in working days, against the published
target (``REVIEW_TARGET_WORKING_DAYS``). The clock starts at the latest submission
(``Application.stage2_submitted_at``) and runs while the application waits on NHS England:
submitted or in review. A pause, a change request, an approval or a withdrawal stops it
(ADR 0016)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils import timezone

from applications.models import Application
from applications.states import Stage2State
from workflow.decisions.working_days import add_working_days, working_days_between

WITH_NHS_ENGLAND = frozenset({Stage2State.SUBMITTED, Stage2State.IN_REVIEW})


def review_target() -> int:
    """The published target for a decision, in working days."""
    return int(settings.REVIEW_TARGET_WORKING_DAYS)


@dataclass(frozen=True)
class ReviewTime:
    since: date
    working_days: int
    target: int
    due: date

    @property
    def overdue(self) -> bool:
        return self.working_days > self.target


def review_time(application: Application, today: date) -> ReviewTime | None:
    """The application's time with NHS England today, or None when it is not waiting on them."""
    submitted_at = application.stage2_submitted_at
    if submitted_at is None or application.stage2_state not in WITH_NHS_ENGLAND:
        return None
    since = timezone.localtime(submitted_at).date()
    target = review_target()
    return ReviewTime(
        since=since,
        working_days=working_days_between(since, today),
        target=target,
        due=add_working_days(since, target),
    )
