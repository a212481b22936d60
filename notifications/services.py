"""Notifications: emails about a Stage 2 application, sent in the background from an outbox.

The public API the workflow calls, inside the transaction that makes the change it tells about:

    from notifications.selectors import member_emails, reviewer_emails
    from notifications.services import notify

    notify(
        template="decision",
        recipients=member_emails(application.organisation),
        personalisation={"reference": ..., "organisation": ..., "decision": "approved",
                         "reason": "", "url": ...},
        application=application,
    )

- `notify(*, template, recipients, personalisation, application=None) -> list[Notification]`
  writes one outbox row per recipient in the caller's transaction and enqueues the sending
  task when that transaction commits. A rolled-back change sends nothing; a send that fails
  never touches the change (it is retried, see `notifications.delivery`).
- `notifications.selectors.member_emails(organisation)`: the organisation's active members.
- `notifications.selectors.reviewer_emails(reviewer=None)`: the assigned reviewer, or every
  active reviewer.
- The templates, their fields and wording: `notifications.templates.TEMPLATES` and
  docs/notifications.md. Who gets which: reviewers get `stage2_submitted`,
  `stage2_resubmitted` and `reply_received`; members get `decision`, `hold_raised`, `hold_lifted`,
  `document_requested` and `document_asked_again`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from accounts.models import normalise_email
from audit.services import Auditor

from .delivery import notification_enqueue_on_commit
from .models import Notification
from .templates import template_get

if TYPE_CHECKING:
    from applications.models import Application

logger = logging.getLogger(__name__)


def notify(
    *,
    template: str,
    recipients: Iterable[str],
    personalisation: dict[str, str],
    application: Application | None = None,
) -> list[Notification]:
    """Queue `template` for each recipient; the emails go once the caller's transaction commits.

    Guarantees:
    - ValueError, and nothing written, if the template is unknown, the personalisation does not
      have exactly the template's fields (each as text), or an address is not an email address.
    - Each address gets one email, however often (and in whatever case) it is listed.
    - The rows and an audit entry ("notification.queue") are written in the caller's
      transaction: if it rolls back, nothing is queued and nothing is sent.
    - Sending never raises into the caller: it runs after the commit, in the background.
    """
    email_template = template_get(template)
    email_template.check_personalisation(personalisation)
    addresses = list(dict.fromkeys(normalise_email(address) for address in recipients))
    for address in addresses:
        try:
            validate_email(address)
        except ValidationError:
            raise ValueError(f"Not an email address: {address!r}") from None
    if not addresses:
        logger.warning("No one to send %r to (application %s)", template, application)
        return []

    with transaction.atomic():
        notifications = [
            Notification.objects.create(
                template=template,
                recipient=address,
                personalisation=dict(personalisation),
                application=application,
            )
            for address in addresses
        ]
        Auditor(None).record(
            action="notification.queue",
            obj=application,
            subject=template,
            organisation=application.organisation if application is not None else None,
            after={
                "template": template,
                "recipients": addresses,
                "notifications": [notification.pk for notification in notifications],
            },
        )
        for notification in notifications:
            notification_enqueue_on_commit(notification.pk)
    return notifications
