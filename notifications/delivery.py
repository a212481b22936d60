"""Delivery: the background task that sends one outbox row, its retries, and the cron sweep.

Each attempt locks its row, so the worker and `notifications_send_pending` never send the same
email twice at once. A failed attempt is recorded on the row (attempts, last error) and the next
is due after a backoff that doubles each time (`NOTIFICATIONS_RETRY_SECONDS`, then twice that, …);
after `NOTIFICATIONS_MAX_ATTEMPTS` the row is failed. Where the task backend can run a task
later (the database backend), the retry is enqueued for when it is due; wherever a task is lost,
`notifications_send_pending` sends what is due.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from audit.services import Auditor

from .backends import PermanentSendError, backend_get
from .models import Notification, NotificationStatus
from .templates import template_get

logger = logging.getLogger(__name__)

LAST_ERROR_MAX_LENGTH = 2000


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failure: the base delay, doubled each time."""
    return timedelta(seconds=settings.NOTIFICATIONS_RETRY_SECONDS * 2 ** (attempts - 1))


@task()
def notification_send_task(notification_id: int) -> str:
    """The background task: one attempt at sending one notification."""
    return notification_attempt(notification_id=notification_id)


def notification_enqueue_on_commit(
    notification_id: int, *, run_after: datetime | None = None
) -> None:
    """Enqueue the send task once the current transaction commits (at once outside one).

    robust: an enqueue that fails is logged, never raised into the caller whose transaction has
    already committed; the row stays queued for `notifications_send_pending`.
    """

    def enqueue() -> None:
        send = notification_send_task
        if run_after is not None:
            if not send.get_backend().supports_defer:
                return  # this backend cannot wait: the cron sweep sends it when due
            send = send.using(run_after=run_after)
        send.enqueue(notification_id)

    transaction.on_commit(enqueue, robust=True)


def notification_attempt(*, notification_id: int, now: datetime | None = None) -> str:
    """Try once to send a queued notification that is due, and record the outcome on its row.

    Returns "sent", "retry", "failed" or "skipped" (not queued, not yet due, or being sent by
    another process). Never raises because of the send: the error is kept in `last_error`.
    """
    now = now or timezone.now()
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True)
            .filter(pk=notification_id, status=NotificationStatus.QUEUED, next_attempt_at__lte=now)
            .first()
        )
        if notification is None:
            return "skipped"
        notification.attempts += 1
        try:
            notification.provider_reference = backend_get().send(
                recipient=notification.recipient,
                template=template_get(notification.template),
                personalisation=notification.personalisation,
                reference=f"notification-{notification.pk}",
            )
        except Exception as error:  # an outbox records every failure rather than crashing
            return _record_failure(notification, error, now=now)
        notification.status = NotificationStatus.SENT
        notification.sent_at = timezone.now()
        notification.last_error = ""
        _forget_secrets(notification)
        notification.save()
        return "sent"


REMOVED_SECRET = "(removed once the email was sent)"


def _forget_secrets(notification: Notification) -> None:
    """Overwrite the template's secret fields (a link with a single-use token) in the stored
    personalisation: once the email has gone, or failed for good, the outbox no longer needs
    them, and a copy of the database must not hold live links."""
    secret = template_get(notification.template).secret_fields
    if secret:
        notification.personalisation = {
            **notification.personalisation,
            **dict.fromkeys(secret, REMOVED_SECRET),
        }


def _record_failure(notification: Notification, error: Exception, *, now: datetime) -> str:
    notification.last_error = f"{type(error).__name__}: {error}"[:LAST_ERROR_MAX_LENGTH]
    permanent = isinstance(error, PermanentSendError)
    if permanent or notification.attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS:
        logger.error(
            "Notification %s failed after %s attempt(s): %s",
            notification.pk,
            notification.attempts,
            notification.last_error,
        )
        notification.status = NotificationStatus.FAILED
        _forget_secrets(notification)
        notification.save()
        application = notification.application
        Auditor(None).record(
            action="notification.fail",
            obj=notification,
            subject=notification.template,
            organisation=application.organisation if application is not None else None,
            after={"attempts": notification.attempts, "error": notification.last_error},
        )
        return "failed"
    logger.warning(
        "Notification %s attempt %s failed, will retry: %s",
        notification.pk,
        notification.attempts,
        notification.last_error,
    )
    notification.next_attempt_at = now + retry_delay(notification.attempts)
    notification.save()
    notification_enqueue_on_commit(notification.pk, run_after=notification.next_attempt_at)
    return "retry"


def notifications_send_due(
    *, now: datetime | None = None, grace: timedelta = timedelta(0), limit: int = 500
) -> Counter[str]:
    """Attempt every queued notification due `grace` ago or earlier; count the outcomes.

    The grace leaves a due notification to the worker for a while, so that this sweep (run from
    cron) only picks up what the worker lost, not what it is about to send.
    """
    now = now or timezone.now()
    due = (
        Notification.objects.filter(
            status=NotificationStatus.QUEUED, next_attempt_at__lte=now - grace
        )
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    return Counter(notification_attempt(notification_id=pk, now=now) for pk in list(due))
